"""The GIAS import pages: upload, preview, confirm."""
from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerreview.core.audit import AuditEvent
from peerreview.core.directory.models import School
from peerreview.extensions import db
from tests.conftest import get_token, sign_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
DEMO = Path(__file__).resolve().parents[2] / "peerreview" / "demo_data" / "demo_schools.csv"
URL = "/manage/schools/import/"
CONFIRM = "/manage/schools/import/confirm"


def school_count() -> int:
    return db.session.scalar(select(func.count()).select_from(School))


def upload(client, data: bytes | None, filename="extract.csv", **fields):
    form = {"csrf_token": get_token(client, URL), **fields}
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    return client.post(URL, data=form, content_type="multipart/form-data")


def token_of(html: str) -> str:
    match = re.search(r'name="token"[^>]*value="([^"]+)"', html)
    assert match, "preview has no token"
    return match.group(1)


def confirm(client, token: str):
    return client.post(CONFIRM, data={"csrf_token": get_token(client, URL), "token": token})


@pytest.fixture(autouse=True)
def _no_stored_uploads(app):
    folder = Path(app.instance_path) / "imports"
    for path in folder.glob("*") if folder.exists() else ():
        path.unlink()


@pytest.fixture
def admin(client, world):
    p = world.partnership("Riverside Learning Trust")
    world.person("admin@trust.org.uk", ("admin", p), name="Ada Admin")
    sign_in(client, "admin@trust.org.uk")
    return p


def stored_files(app) -> list[str]:
    folder = Path(app.instance_path) / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_upload_preview_then_confirm(app, client, admin):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert "Riverside Learning Trust" in html
    assert "<select" not in html  # one partnership: nothing to choose

    world_school = School(partnership=admin, urn=990001, name="Old name")
    db.session.add(world_school)
    db.session.commit()

    preview = upload(client, DEMO.read_bytes(), "demo_schools.csv")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Nothing has been saved yet" in html
    assert re.search(r"Schools to add\s*</dt>\s*<dd[^>]*>\s*13", html)
    assert re.search(r"Schools to update\s*</dt>\s*<dd[^>]*>\s*1\b", html)
    assert re.search(r"Closed schools left out\s*</dt>\s*<dd[^>]*>\s*1\b", html)
    assert "Import 14 schools" in html
    assert "St Mary\u2019s Church of England Primary School" in html
    assert "Old name" in html  # the change for the update is shown
    assert "Old Quay Junior School" in html
    assert 'href="/manage/schools/import/"' in html  # Cancel
    # Nothing saved before the confirm; the raw upload is kept outside static/.
    assert school_count() == 1
    token = token_of(html)
    assert stored_files(app) == [f"{token}.csv", f"{token}.json"]
    assert "static" not in str(Path(app.instance_path))

    done = confirm(client, token)
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/manage/schools")
    assert school_count() == 14
    assert db.session.scalar(select(School.name).where(School.urn == 990001)) == \
        "St Mary\u2019s Church of England Primary School"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "schools.import"))
    assert event.partnership_id == admin.id and event.actor.email == "admin@trust.org.uk"
    assert "added 13, updated 1" in event.detail
    assert stored_files(app) == []
    with client.session_transaction() as session:
        assert ("success", "Imported: added 13, updated 1") in session["_flashes"]

    # The token is used up.
    assert confirm(client, token).status_code == 404


def test_preview_lists_problems_with_row_field_and_reason(client, admin):
    preview = upload(client, (FIXTURES / "bad_easting.csv").read_bytes())
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Rows with problems" in html
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>Easting</td>\s*<td[^>]*>&#34;abc&#34; is not a whole number</td>", html)
    assert "Import 2 schools" in html
    confirm(client, token_of(html))
    assert school_count() == 2


def test_cell_values_in_problems_are_escaped(client, admin):
    data = b"URN,EstablishmentName,Easting\r\n991001,Alpha,<script>alert(1)</script>\r\n991002,<b>Beta</b>,1\r\n"
    html = upload(client, data).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Beta</b>" not in html and "&lt;b&gt;Beta&lt;/b&gt;" in html
    assert re.search(r"Import 1 school\s*</button>", html)


def test_nothing_to_import_shows_no_button(client, admin):
    upload_ = upload(client, DEMO.read_bytes())
    confirm(client, token_of(upload_.get_data(as_text=True)))
    again = upload(client, DEMO.read_bytes()).get_data(as_text=True)
    assert "There is nothing to import" in again
    assert "Import 0" not in again


@pytest.mark.parametrize("fixture, words", [
    ("utf16.csv", "UTF-16"),
    ("excel.xlsx", "Excel workbook"),
    ("no_urn_column.csv", "no URN column"),
])
def test_a_bad_file_gets_400_and_the_upload_page_with_the_message(app, client, admin, fixture, words):
    response = upload(client, (FIXTURES / fixture).read_bytes(), fixture)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in html
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert school_count() == 0
    assert stored_files(app) == []


def test_an_empty_file_gets_400(client, admin):
    response = upload(client, b"")
    assert response.status_code == 400
    # An empty file part with a name still counts as a chosen file; it is then empty.
    assert "Select a CSV file" in response.get_data(as_text=True) or \
        "The file is empty" in response.get_data(as_text=True)


def test_no_file_chosen_gets_400(client, admin):
    response = upload(client, None)
    assert response.status_code == 400
    assert "Select a CSV file" in response.get_data(as_text=True)
    response = upload(client, b"", filename="")
    assert response.status_code == 400
    assert "Select a CSV file" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["not-a-real-token-abcdefghij", "../../secret_key", "short", ""])
def test_a_forged_token_is_404(client, admin, token):
    response = confirm(client, token)
    assert response.status_code == 404
    assert "That import has expired or could not be found" in response.get_data(as_text=True)
    assert school_count() == 0


def test_a_token_is_tied_to_the_uploader(client, world, admin):
    token = token_of(upload(client, DEMO.read_bytes()).get_data(as_text=True))
    world.person("other@trust.org.uk", ("admin", admin), name="Other Admin")
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, "other@trust.org.uk")
    assert confirm(client, token).status_code == 404
    assert school_count() == 0


def test_a_token_is_tied_to_a_partnership_the_user_still_administers(client, world, admin):
    token = token_of(upload(client, DEMO.read_bytes()).get_data(as_text=True))
    from peerreview.core.accounts.models import Person
    person = db.session.scalar(select(Person).where(Person.email == "admin@trust.org.uk"))
    school_id = world.school(admin).id
    role = person.roles[0]
    role.role, role.school_id = "head", school_id
    db.session.commit()
    assert confirm(client, token).status_code == 403
    assert school_count() == 1  # only the school made above


def test_an_expired_token_is_404_and_old_uploads_are_cleaned_up(app, client, admin):
    token = token_of(upload(client, DEMO.read_bytes()).get_data(as_text=True))
    folder = Path(app.instance_path) / "imports"
    meta_path = folder / f"{token}.json"
    meta = json.loads(meta_path.read_text())
    meta["created_at"] = time.time() - 2 * 3600
    meta_path.write_text(json.dumps(meta))
    assert confirm(client, token).status_code == 404
    assert school_count() == 0
    assert stored_files(app) == []

    # Files left behind more than an hour ago go on the next upload.
    old = folder / ("x" * 32 + ".csv")
    old.write_bytes(b"old")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    upload(client, DEMO.read_bytes())
    assert old.name not in stored_files(app)


def test_an_admin_of_several_partnerships_chooses_one(client, world):
    one = world.partnership("One Trust")
    two = world.partnership("Two Trust")
    world.partnership("Not Mine Trust")
    world.person("multi@trust.org.uk", ("admin", one), ("admin", two))
    sign_in(client, "multi@trust.org.uk")
    html = client.get(URL).get_data(as_text=True)
    assert "<select" in html and "One Trust" in html and "Two Trust" in html
    assert "Not Mine Trust" not in html

    response = upload(client, DEMO.read_bytes(), partnership=str(two.id))
    assert response.status_code == 200
    confirm(client, token_of(response.get_data(as_text=True)))
    assert len(two.schools) == 14 and len(one.schools) == 0

    # A partnership they do not administer is not a choice.
    other = db.session.scalar(select(School.partnership_id))
    assert other == two.id
    response = upload(client, DEMO.read_bytes(), partnership="999999")
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["head", "reviewer", "coordinator"])
def test_school_roles_get_403(client, world, role):
    p = world.partnership()
    school = world.school(p)
    world.person(f"{role}@school.org.uk", (role, school))
    sign_in(client, f"{role}@school.org.uk")
    assert client.get(URL).status_code == 403
    token = get_token(client, "/")
    response = client.post(URL, data={"csrf_token": token, "file": (io.BytesIO(DEMO.read_bytes()), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert client.post(CONFIRM, data={"csrf_token": token, "token": "x" * 32}).status_code in (403, 404)
    assert school_count() == 1


def test_not_signed_in_redirects_to_login(client):
    for response in (client.get(URL), client.post(CONFIRM, data={"token": "x" * 32})):
        assert response.status_code in (302, 400)
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_posts_need_a_csrf_token(client, admin):
    response = client.post(URL, data={"file": (io.BytesIO(DEMO.read_bytes()), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert school_count() == 0


def test_a_too_large_upload_gets_the_friendly_413_page(app, client, admin):
    token = get_token(client, URL)
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post(URL, data={"csrf_token": token, "file": (io.BytesIO(b"x" * 5000), "big.csv")},
                               content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)
