"""The dashboard's pages: who may see them (role matrix), the heat-map table as a person reads
it (every figure written, withheld cells say so, rows link to the school), the filters form and
its bad input, and the CSV (the same filtered table, withheld written out, formulas defused,
the download audited)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from tests.conftest import sign_in
from tests.dashboard.conftest import ADMIN, CEDAR_SECRET, DAMSON_SECRET, HEAD, OTHER_ADMIN

PAGE, CSV = "/manage/dashboard", "/manage/dashboard.csv"


@pytest.fixture
def people(dash, world):
    s = dash.schools
    world.person("reviewer@birch.sch.uk", ("reviewer", s["Birch"]))
    world.person("coordinator@cedar.sch.uk", ("coordinator", s["Cedar"]))
    # Runs the other trust but is only a head in this one.
    world.person("both@other.org.uk", ("admin", dash.other), ("head", s["Damson"]))
    return dash


def as_user(client, email):
    assert sign_in(client, email).status_code == 302
    return client


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def rows_of(html: str) -> list[str]:
    """The table body's row headers (school names), in order."""
    body = html.split('<tbody class="govuk-table__body">')[-1]
    return [re.sub(r"<[^>]+>", " ", m).split()[0] for m in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', body, re.S)]


# --- who may see it -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, CSV])
@pytest.mark.parametrize("email, status", [
    (None, 302),
    (ADMIN, 200),
    (OTHER_ADMIN, 200),  # their own partnership's dashboard
    (HEAD, 403),
    ("reviewer@birch.sch.uk", 403),
    ("coordinator@cedar.sch.uk", 403),
])
def test_only_partnership_admins_see_the_dashboard(client, people, url, email, status):
    if email:
        as_user(client, email)
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_another_partnerships_id_is_not_found_and_a_member_who_does_not_run_it_is_refused(client, people, url):
    as_user(client, OTHER_ADMIN)
    assert client.get(f"{url}?partnership={people.partnership.id}").status_code == 404
    for bad in ("abc", "-1", "987654", "1e3"):
        assert client.get(f"{url}?partnership={bad}").status_code == 404, bad
    assert client.get(f"{url}?partnership={people.other.id}").status_code == 200
    client.post("/logout", data={})
    client.get("/logout")
    other = client.application.test_client()
    as_user(other, "both@other.org.uk")
    assert other.get(f"{url}?partnership={people.partnership.id}").status_code == 403
    assert other.get(f"{url}?partnership={people.other.id}").status_code == 200


def test_the_other_admin_never_sees_this_partnerships_schools(client, people):
    html = as_user(client, OTHER_ADMIN).get(PAGE).get_data(as_text=True)
    assert "Xylem School" in html and "Alder Primary" not in html


def test_menu_and_home_link_only_for_admins(client, people):
    home = as_user(client, ADMIN).get("/").get_data(as_text=True)
    assert 'href="/manage/dashboard"' in home and "Partnership dashboard" in home
    head = as_user(client.application.test_client(), HEAD).get("/").get_data(as_text=True)
    assert "/manage/dashboard" not in head


# --- the table ----------------------------------------------------------------------------


def test_every_figure_is_written_and_withheld_cells_say_so(client, people):
    html = as_user(client, ADMIN).get(PAGE).get_data(as_text=True)
    assert rows_of(html) == ["Whole", "Alder", "Birch", "Cedar", "Damson"]
    alder = html.split(f'href="/manage/schools/{people.schools["Alder"].id}"')[1].split("</tr>")[0]
    assert re.search(r'app-heat__cell--3[^"]*">80%<', alder)  # coloured AND written
    assert re.search(r'app-heat__cell--4[^"]*">40%<', alder)  # homework prevalence
    cedar = html.split(f'href="/manage/schools/{people.schools["Cedar"].id}"')[1].split("</tr>")[0]
    assert cedar.count('app-heat__cell--withheld') == 3 and cedar.count(">withheld<") == 3
    assert not re.search(r"\d+%", cedar)
    assert CEDAR_SECRET not in html and DAMSON_SECRET not in html
    # Each school's row leads to its page and to its feedback packs.
    for school in people.schools.values():
        assert f'href="/manage/schools/{school.id}"' in html
        assert f'href="/manage/packs/schools/{school.id}"' in html
    assert "Bullying" not in html and "Lunchtimes" not in html
    # The legend says what each colour means, in words.
    assert "Colour key" in html and "80% to 89%" in html and "90% or more" in html
    # The table scrolls on its own, reachable by keyboard, with a name.
    assert re.search(r'class="app-heat-scroll" role="region" aria-labelledby="heat-caption" tabindex="0"', html)


def test_filters_by_cluster_and_phase(client, people):
    as_user(client, ADMIN)
    north = people.clusters["North"].id
    html = client.get(f"{PAGE}?cluster={north}").get_data(as_text=True)
    assert rows_of(html) == ["Whole", "Alder", "Cedar"]
    assert f'<option value="{north}" selected>North</option>' in html
    assert f'href="{CSV}?cluster={north}"' in html  # the download is the same filtered table
    html = client.get(f"{PAGE}?phase=Secondary").get_data(as_text=True)
    assert rows_of(html) == ["Whole", "Birch"]
    html = client.get(f"{PAGE}?phase=Secondary&cluster={north}").get_data(as_text=True)
    assert "No schools match the filters." in html and "heat-caption" not in html


@pytest.mark.parametrize("query, message", [
    ("cluster=abc", "The cluster asked for is not one of this partnership"),
    ("cluster=987654", "The cluster asked for is not one of this partnership"),
    ("phase=Nursery", "The phase asked for is not one of this partnership"),
])
def test_unknown_filters_are_ignored_and_the_page_says_so(client, people, query, message):
    response = as_user(client, ADMIN).get(f"{PAGE}?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and rows_of(html) == ["Whole", "Alder", "Birch", "Cedar", "Damson"]


def test_another_partnerships_cluster_is_not_a_filter(client, people, world):
    theirs = world.cluster(people.other, "Theirs", [])
    html = as_user(client, ADMIN).get(f"{PAGE}?cluster={theirs.id}").get_data(as_text=True)
    form = html.split('aria-label="Filter schools"')[1].split("</form>")[0]
    assert 'id="cluster"' in form and "North" in form and "Theirs" not in form
    assert len(rows_of(html)) == 5


# --- the CSV ------------------------------------------------------------------------------


def test_csv_is_the_filtered_table_with_withheld_written_out_and_audited(client, people):
    as_user(client, ADMIN)
    response = client.get(f"{CSV}?cluster={people.clusters['North'].id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert [r["school_name"] for r in rows] == ["Whole partnership", "Alder Primary", "Cedar Primary"]
    pv1 = "Parent survey: 1. My child is happy at this school. (%)"
    assert [r[pv1] for r in rows] == ["79", "80", "withheld"]
    assert rows[2]["Parent survey: Theme: Communication with parents (%)"] == "withheld"
    assert rows[1]["Pupil visits: Hosted"] == "1"
    text = response.data.decode("utf-8-sig")
    assert CEDAR_SECRET not in text and DAMSON_SECRET not in text
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dashboard.export")).all()
    assert len(events) == 1 and events[0].partnership_id == people.partnership.id
    assert f"cluster {people.clusters['North'].id}" in events[0].detail


def test_csv_cells_cannot_run_as_formulas(client, people, world):
    people.schools["Alder"].name = "=HYPERLINK(\"http://evil\",\"Alder\")"
    world.cluster(people.partnership, "@SUM(1+1)", [people.schools["Alder"]])
    db.session.commit()
    rows = read_csv(as_user(client, ADMIN).get(CSV).data)
    alder = next(r for r in rows if "HYPERLINK" in r["school_name"])
    assert alder["school_name"].startswith("'=")
    assert alder["clusters"].startswith("'@")
    for row in rows:
        assert not any(str(v).startswith(("=", "+", "-", "@")) for v in row.values())


def test_page_and_csv_work_in_welsh(client, people):
    as_user(client, ADMIN)
    client.set_cookie("lang", "cy")
    response = client.get(PAGE)
    assert response.status_code == 200 and 'lang="cy' in response.get_data(as_text=True)
    rows = read_csv(client.get(CSV).data)
    assert len(rows) == 5 and rows[3]["school_name"] == "Cedar Primary"
    assert "withheld" in rows[3].values()  # the CSV's marker stays the same word in both languages


def test_an_admin_of_two_partnerships_chooses_which(client, people, world):
    world.person("both.admin@example.org", ("admin", people.partnership), ("admin", people.other))
    as_user(client, "both.admin@example.org")
    html = client.get(PAGE).get_data(as_text=True)
    form = html.split('aria-label="Filter schools"')[1].split("</form>")[0]
    assert 'id="partnership"' in form and "Other Trust" in form
    assert rows_of(html)[1:] == ["Alder", "Birch", "Cedar", "Damson"]  # the first by name
    html = client.get(f"{PAGE}?partnership={people.other.id}").get_data(as_text=True)
    assert rows_of(html) == ["Whole", "Xylem"]
    assert f'href="{CSV}?partnership={people.other.id}"' in html
    rows = read_csv(client.get(f"{CSV}?partnership={people.other.id}").data)
    assert [r["school_name"] for r in rows] == ["Whole partnership", "Xylem School"]
