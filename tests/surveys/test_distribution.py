"""Distribution: a school's open link, single-use codes (stored only as keyed hashes), the
printable sheet of slips and the CSV for a mail merge."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from surveys import codes
from surveys.models import AccessCode, QuestionnaireTemplate, RunSchool, SurveyRun
from surveys.questionnaires import install_builtin_templates
from tests.conftest import get_token, sign_in

TODAY = date(2027, 1, 10)


@pytest.fixture
def today(monkeypatch):
    state = {"today": TODAY}
    monkeypatch.setattr("peerreview.core.clock.today", lambda: state["today"])
    return lambda value: state.update(today=value)


@pytest.fixture
def setup(world, client, today):
    p = world.partnership("North Star Trust")
    a = world.school(p, name="Ysgol Ash Primary")
    b = world.school(p, name="Beech Primary")
    install_builtin_templates(p)
    db.session.commit()
    template = db.session.scalars(select(QuestionnaireTemplate).where(
        QuestionnaireTemplate.partnership_id == p.id, QuestionnaireTemplate.audience == "parents")).one()
    run = SurveyRun(partnership_id=p.id, version_id=template.current.id, title="Parent survey 2027",
                    audience="parents", opens_on=date(2027, 1, 20), closes_on=date(2027, 2, 5), threshold=5,
                    welsh=True)
    run.schools = [RunSchool(school_id=a.id, open_code="opencodeaaaa"), RunSchool(school_id=b.id, open_code="opencodebbbb")]
    db.session.add(run)
    db.session.commit()
    world.person("head@a.sch.uk", ("head", a))
    sign_in(client, "head@a.sch.uk")
    base = f"/manage/surveys/{run.id}/schools/{a.id}"
    return {"run": run, "a": a, "b": b, "base": base}


def create_codes(client, base, count) -> object:
    token = get_token(client, base)
    return client.post(f"{base}/codes", data={"count": str(count), "csrf_token": token})


def secret(app):
    return app.config["SECRET_KEY"]


def test_distribution_page_shows_the_open_link(setup, client):
    html = client.get(setup["base"]).get_data(as_text=True)
    assert "http://localhost/s/opencodeaaaa" in html
    assert "one device can answer once" in html
    assert "newsletter" in html


def test_open_link_switches_off_and_on(setup, client):
    s = setup
    token = get_token(client, s["base"])
    assert client.post(f"{s['base']}/open-link", data={"enabled": "off", "csrf_token": token}).status_code == 302
    rs = db.session.scalar(select(RunSchool).where(RunSchool.school_id == s["a"].id))
    db.session.refresh(rs)
    assert rs.open_link_enabled is False
    assert "switched off" in client.get(s["base"]).get_data(as_text=True)
    token = get_token(client, s["base"])
    client.post(f"{s['base']}/open-link", data={"enabled": "on", "csrf_token": token})
    db.session.refresh(rs)
    assert rs.open_link_enabled is True
    token = get_token(client, s["base"])
    assert client.post(f"{s['base']}/open-link", data={"enabled": "maybe", "csrf_token": token}).status_code == 400
    assert db.session.scalar(select(func.count()).where(AuditEvent.action.like("survey.open_link.%"))) == 2


def test_codes_are_stored_only_as_keyed_hashes(app, setup, client):
    s = setup
    response = create_codes(client, s["base"], 25)
    assert response.status_code == 302
    run_id, school_id = s["run"].id, s["a"].id
    rows = list(db.session.scalars(select(AccessCode).order_by(AccessCode.serial)))
    assert [r.serial for r in rows] == list(range(1, 26))
    plain = [codes.single_use_code(secret(app), run_id, school_id, n) for n in range(1, 26)]
    assert len(set(plain)) == 25
    for row, code in zip(rows, plain):
        assert row.code_hash == codes.hash_code(secret(app), code)
        assert row.used is False
        values = [str(getattr(row, c.key)) for c in AccessCode.__table__.columns]
        for value in values:
            assert code not in value and codes.normalise(code) not in value
    # Nothing else in the database holds a code either.
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for record in conn.execute(table.select()):
                text = " ".join(str(v) for v in record)
                assert not any(codes.normalise(c) in text.replace("-", "") for c in plain), table.name
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "survey.codes.created")) == 1


def test_serials_continue_after_the_last(app, setup, client):
    s = setup
    create_codes(client, s["base"], 3)
    response = create_codes(client, s["base"], 4)
    assert "first=4" in response.headers["Location"] and "last=7" in response.headers["Location"]
    serials = list(db.session.scalars(select(AccessCode.serial).where(AccessCode.school_id == s["a"].id)
                                      .order_by(AccessCode.serial)))
    assert serials == list(range(1, 8))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Codes 4 to 7 created" in html
    assert 'value="4"' in html and 'value="7"' in html


@pytest.mark.parametrize("count", ["0", "1001", "-3", "ten", "", "3.5", "99999999999999"])
def test_bad_code_counts(setup, client, count):
    response = create_codes(client, setup["base"], count)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 0


def test_a_thousand_codes_at_once(setup, client):
    assert create_codes(client, setup["base"], 1000).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 1000


def test_no_codes_for_a_closed_run(setup, client, today):
    today(date(2027, 2, 6))
    assert create_codes(client, setup["base"], 5).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 0


def mark_used(serials, run_id, school_id):
    for row in db.session.scalars(select(AccessCode).where(AccessCode.run_id == run_id, AccessCode.school_id == school_id)):
        row.used = row.serial in serials
    db.session.commit()


def test_csv_for_a_mail_merge(app, setup, client):
    s = setup
    create_codes(client, s["base"], 5)
    mark_used({2}, s["run"].id, s["a"].id)
    response = client.get(f"{s['base']}/codes.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["serial", "code", "url", "used"]
    assert len(rows) == 6
    for n, row in enumerate(rows[1:], start=1):
        code = codes.single_use_code(secret(app), s["run"].id, s["a"].id, n)
        assert row == [str(n), code, f"http://localhost/s/{code}", "used" if n == 2 else ""]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "survey.codes.downloaded")) == 1
    # A range.
    rows = list(csv.reader(io.StringIO(client.get(f"{s['base']}/codes.csv?from=2&to=3").get_data().decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["2", "3"]


def test_slips_page(app, setup, client):
    s = setup
    create_codes(client, s["base"], 12)
    mark_used({3}, s["run"].id, s["a"].id)
    response = client.get(f"{s['base']}/codes/slips")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    for n in range(1, 13):
        code = codes.single_use_code(secret(app), s["run"].id, s["a"].id, n)
        assert code in html
        assert f"localhost/s/{code}" in html
    assert html.count('class="sheet"') == 2  # 10 slips a page
    assert html.count("slip slip--used") == 1
    assert "Ysgol Ash Primary" in html and "Parent survey 2027" in html
    assert "@page" in html and "A4" in html
    assert 'lang="cy"' in html  # Welsh text too: the run has Welsh
    assert "not linked to your name" in html
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "survey.codes.printed")) == 1


def test_slips_without_welsh(app, setup, client):
    s = setup
    s["run"].welsh = False
    db.session.commit()
    create_codes(client, s["base"], 1)
    html = client.get(f"{s['base']}/codes/slips").get_data(as_text=True)
    assert 'lang="cy"' not in html.split("<body", 1)[1]


def test_slips_range(app, setup, client):
    s = setup
    create_codes(client, s["base"], 12)
    html = client.get(f"{s['base']}/codes/slips?from=11&to=12").get_data(as_text=True)
    assert codes.single_use_code(secret(app), s["run"].id, s["a"].id, 11) in html
    assert codes.single_use_code(secret(app), s["run"].id, s["a"].id, 1) not in html


@pytest.mark.parametrize("query", ["from=abc", "from=5&to=2", "from=0", "to=-1", "from=1e3"])
def test_bad_ranges(setup, client, query):
    create_codes(client, setup["base"], 5)
    assert client.get(f"{setup['base']}/codes/slips?{query}").status_code == 400
    assert client.get(f"{setup['base']}/codes.csv?{query}").status_code == 400


def test_no_codes_yet(setup, client):
    assert client.get(f"{setup['base']}/codes/slips").status_code == 404
    assert client.get(f"{setup['base']}/codes.csv").status_code == 404


def test_codes_of_one_school_do_not_show_for_another(app, setup, client, world):
    s = setup
    create_codes(client, s["base"], 2)
    world.person("admin@p.org", ("admin", s["run"].partnership))
    client.post("/logout", data={"csrf_token": get_token(client, "/manage/schools")})
    sign_in(client, "admin@p.org")
    other = f"/manage/surveys/{s['run'].id}/schools/{s['b'].id}"
    assert client.get(f"{other}/codes.csv").status_code == 404
    html = client.get(f"/manage/surveys/{s['run'].id}").get_data(as_text=True)
    assert "Ysgol Ash Primary" in html
