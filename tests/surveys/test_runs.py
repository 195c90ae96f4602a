"""Survey runs: creating and editing them, bad input, and the lock once a run has opened."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from surveys.models import AccessCode, QuestionnaireTemplate, RunSchool, SurveyRun
from surveys.questionnaires import install_builtin_templates
from tests.conftest import get_token, sign_in

TODAY = date(2027, 1, 10)


@pytest.fixture
def today(monkeypatch):
    """Move the app's clock; returns a setter."""
    state = {"today": TODAY}
    monkeypatch.setattr("peerreview.core.clock.today", lambda: state["today"])

    def set_today(value: date) -> None:
        state["today"] = value

    return set_today


@pytest.fixture
def setup(world, client, today):
    p = world.partnership("North Star Trust")
    a = world.school(p, name="Ash Primary")
    b = world.school(p, name="Beech Primary")
    c = world.school(p, name="Cedar Academy")
    cluster = world.cluster(p, "East hub", [b, c])
    q = world.partnership("Other Trust")
    x = world.school(q, name="Xylo School")
    world.person("admin@northstar.org.uk", ("admin", p))
    install_builtin_templates(p)
    install_builtin_templates(q)
    db.session.commit()
    templates = {t.key: t for t in db.session.scalars(select(QuestionnaireTemplate).where(
        QuestionnaireTemplate.partnership_id == p.id))}
    other_template = db.session.scalars(select(QuestionnaireTemplate).where(
        QuestionnaireTemplate.partnership_id == q.id)).first()
    sign_in(client, "admin@northstar.org.uk")
    return {"p": p, "a": a, "b": b, "c": c, "cluster": cluster, "x": x, "templates": templates,
            "other_template": other_template}


def staff_template(s):
    return next(t for t in s["templates"].values() if t.audience == "staff")


def form_data(s, **overrides):
    data = {
        "title": "Staff wellbeing, spring 2027",
        "template_id": str(staff_template(s).id),
        "schools": [str(s["a"].id), str(s["b"].id)],
        "opens_on": ["1", "2", "2027"],
        "closes_on": ["14", "2", "2027"],
        "threshold": "5",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_new(client, data):
    data = dict(data, csrf_token=get_token(client, "/manage/surveys/new"))
    return client.post("/manage/surveys/new", data=data)


def runs():
    return list(db.session.scalars(select(SurveyRun)))


# --- creating -------------------------------------------------------------------------


def test_new_run_page_installs_builtin_questionnaires_when_none(world, client, today):
    p = world.partnership()
    world.school(p, name="Ash Primary")
    world.person("admin@northstar.org.uk", ("admin", p))
    sign_in(client, "admin@northstar.org.uk")
    page = client.get("/manage/surveys/new")
    assert page.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireTemplate)) >= 3
    html = page.get_data(as_text=True)
    assert "Parent and carer survey" in html
    assert "Ash Primary" in html


def test_create_run(setup, client):
    s = setup
    response = post_new(client, form_data(s, welsh="y"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [run] = runs()
    template = staff_template(s)
    assert run.title == "Staff wellbeing, spring 2027"
    assert run.version_id == template.current.id
    assert run.audience == template.audience == "staff"
    assert (run.opens_on, run.closes_on, run.threshold, run.welsh) == (date(2027, 2, 1), date(2027, 2, 14), 5, True)
    codes = {rs.school_id: rs.open_code for rs in run.schools}
    assert set(codes) == {s["a"].id, s["b"].id}
    assert len(set(codes.values())) == 2 and all(len(c) == 12 for c in codes.values())
    assert response.headers["Location"].endswith(f"/manage/surveys/{run.id}")
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "survey.run.created")) == 1
    page = client.get(f"/manage/surveys/{run.id}").get_data(as_text=True)
    assert "Ash Primary" in page and "Beech Primary" in page and "Not yet open" in page
    assert f"/s/{codes[s['a'].id]}" in page
    listing = client.get("/manage/surveys").get_data(as_text=True)
    assert "Staff wellbeing, spring 2027" in listing


def test_create_run_with_a_cluster_adds_its_schools(setup, client):
    s = setup
    response = post_new(client, form_data(s, schools=None, clusters=[str(s["cluster"].id)]))
    assert response.status_code == 302
    [run] = runs()
    assert {rs.school_id for rs in run.schools} == {s["b"].id, s["c"].id}


def test_threshold_default_is_five(setup, client):
    html = client.get("/manage/surveys/new").get_data(as_text=True)
    assert 'name="threshold"' in html and 'value="5"' in html


@pytest.mark.parametrize("overrides, field, message", [
    ({"threshold": "2"}, "threshold", "from 3 to 100"),
    ({"threshold": "0"}, "threshold", "from 3 to 100"),
    ({"threshold": "-4"}, "threshold", "from 3 to 100"),
    ({"threshold": "five"}, "threshold", "from 3 to 100"),
    ({"threshold": ""}, "threshold", "Enter the anonymity threshold"),
    ({"closes_on": ["31", "1", "2027"]}, "closes_on", "same as or after the opening date"),
    ({"opens_on": ["31", "2", "2027"]}, "opens_on", "Enter a real date"),
    ({"opens_on": ["", "", ""]}, "opens_on", "Enter the date the survey opens"),
    ({"opens_on": ["1", "1", "2027"]}, "opens_on", "today or later"),
    ({"schools": None}, "schools", "Choose at least one school"),
    ({"schools": ["abc"]}, "schools", "Choose only schools from this partnership"),
    ({"template_id": "999999"}, "template_id", "Choose one of the questionnaires listed"),
    ({"template_id": "nope"}, "template_id", "Choose one of the questionnaires listed"),
    ({"template_id": None}, "template_id", "Choose a questionnaire"),
    ({"title": "   "}, "title", "Enter a title for the survey"),
    ({"title": "x" * 201}, "title", "200 characters or fewer"),
    ({"clusters": ["999999"]}, "clusters", "Choose only clusters from this partnership"),
])
def test_bad_input_is_refused_and_nothing_saved(setup, client, overrides, field, message):
    response = post_new(client, form_data(setup, **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "There is a problem" in html
    assert f'href="#{field}' in html  # the error summary links to the field
    assert runs() == []


def test_school_of_another_partnership_posted_by_hand(setup, client):
    s = setup
    response = post_new(client, form_data(s, schools=[str(s["a"].id), str(s["x"].id)]))
    assert response.status_code == 400
    assert "Choose only schools from this partnership" in response.get_data(as_text=True)
    assert runs() == [] and db.session.scalar(select(func.count()).select_from(RunSchool)) == 0


def test_template_of_another_partnership_is_unknown(setup, client):
    s = setup
    response = post_new(client, form_data(s, template_id=str(s["other_template"].id)))
    assert response.status_code == 400
    assert "Choose one of the questionnaires listed" in response.get_data(as_text=True)
    assert runs() == []


def test_welsh_needs_a_questionnaire_with_welsh(setup, client):
    s = setup
    template = staff_template(s)
    template.current.sections[0].items[0].text_cy = None
    db.session.commit()
    response = post_new(client, form_data(s, welsh="y"))
    assert response.status_code == 400
    assert "no Welsh wording" in response.get_data(as_text=True)
    assert runs() == []


def test_database_refuses_a_threshold_below_three(setup):
    from sqlalchemy.exc import IntegrityError

    s = setup
    run = SurveyRun(partnership_id=s["p"].id, version_id=staff_template(s).current.id, title="T", audience="staff",
                    opens_on=date(2027, 2, 1), closes_on=date(2027, 2, 2), threshold=2)
    db.session.add(run)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- editing before and after opening ---------------------------------------------------


def create(client, s, **overrides) -> SurveyRun:
    response = post_new(client, form_data(s, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return runs()[-1]


def post_edit(client, run_id, data):
    data = dict(data, csrf_token=get_token(client, f"/manage/surveys/{run_id}/edit"))
    return client.post(f"/manage/surveys/{run_id}/edit", data=data)


def test_edit_before_opening_changes_everything(setup, client):
    s = setup
    run = create(client, s)
    parents = next(t for t in s["templates"].values() if t.audience == "parents")
    response = post_edit(client, run.id, form_data(
        s, title="Parents, spring", template_id=str(parents.id), schools=[str(s["c"].id)], threshold="7",
        welsh="y", opens_on=["2", "2", "2027"], closes_on=["20", "2", "2027"]))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    run = db.session.get(SurveyRun, run.id)
    assert (run.title, run.audience, run.threshold, run.welsh) == ("Parents, spring", "parents", 7, True)
    assert run.version_id == parents.current.id
    assert [rs.school_id for rs in run.schools] == [s["c"].id]
    assert (run.opens_on, run.closes_on) == (date(2027, 2, 2), date(2027, 2, 20))


def test_edit_page_before_opening_shows_the_full_form(setup, client):
    run = create(client, setup)
    html = client.get(f"/manage/surveys/{run.id}/edit").get_data(as_text=True)
    assert 'name="threshold"' in html and 'name="template_id"' in html


def test_removing_a_school_before_opening_removes_its_codes(setup, client):
    s = setup
    run = create(client, s)
    token = get_token(client, f"/manage/surveys/{run.id}/schools/{s['a'].id}")
    client.post(f"/manage/surveys/{run.id}/schools/{s['a'].id}/codes", data={"count": "3", "csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 3
    assert post_edit(client, run.id, form_data(s, schools=[str(s["b"].id)])).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 0


def snapshot(run_id):
    db.session.expire_all()
    run = db.session.get(SurveyRun, run_id)
    return (run.title, run.version_id, run.audience, run.threshold, run.welsh, run.opens_on, run.closes_on,
            sorted((rs.school_id, rs.open_code) for rs in run.schools))


def test_settings_lock_once_the_run_has_opened(setup, client, today):
    s = setup
    run = create(client, s)
    today(date(2027, 2, 1))  # the opening day
    page = client.get(f"/manage/surveys/{run.id}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "can no longer change" in html
    assert 'name="threshold"' not in html and 'name="schools"' not in html and 'name="template_id"' not in html
    assert "Ash Primary, Beech Primary" in html  # shown read-only
    before = snapshot(run.id)
    parents = next(t for t in s["templates"].values() if t.audience == "parents")
    forged = [
        {"threshold": "3"},
        {"schools": [str(s["a"].id)]},
        {"schools": [str(s["a"].id), str(s["b"].id), str(s["c"].id)]},
        {"template_id": str(parents.id)},
        {"welsh": "y"},
        {"opens_on": ["5", "2", "2027"]},
        {"threshold": "banana"},
    ]
    for extra in forged:
        data = {"title": "Renamed", "closes_on": ["20", "2", "2027"], **extra}
        response = post_edit(client, run.id, data)
        assert response.status_code == 400, extra
        assert "can no longer change" in response.get_data(as_text=True)
        assert snapshot(run.id) == before, extra
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "survey.run.updated")) == 0


def test_after_opening_the_same_values_and_the_closing_date_may_be_sent(setup, client, today):
    s = setup
    run = create(client, s)
    today(date(2027, 2, 3))
    data = form_data(s, title="Staff wellbeing (extended)", closes_on=["28", "2", "2027"])
    response = post_edit(client, run.id, data)  # the locked values are unchanged: accepted
    assert response.status_code == 302, response.get_data(as_text=True)
    after = snapshot(run.id)
    assert after[0] == "Staff wellbeing (extended)" and after[6] == date(2027, 2, 28)
    assert after[3] == 5


def test_after_opening_the_closing_date_cannot_go_into_the_past(setup, client, today):
    s = setup
    run = create(client, s)
    today(date(2027, 2, 5))
    response = post_edit(client, run.id, {"title": "T", "closes_on": ["4", "2", "2027"]})
    assert response.status_code == 400
    assert "today or later" in response.get_data(as_text=True)
    assert snapshot(run.id)[6] == date(2027, 2, 14)


def test_close_early(setup, client, today):
    s = setup
    run = create(client, s)
    today(date(2027, 2, 5))
    token = get_token(client, f"/manage/surveys/{run.id}")
    response = client.post(f"/manage/surveys/{run.id}/close", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    run = db.session.get(SurveyRun, run.id)
    assert run.closes_on == date(2027, 2, 4) and not run.is_open(date(2027, 2, 5))
    assert run.opens_on == date(2027, 2, 1)
    assert "Closed" in client.get(f"/manage/surveys/{run.id}").get_data(as_text=True)
    # Closing again is refused: it is not open.
    token = get_token(client, f"/manage/surveys/{run.id}")
    assert client.post(f"/manage/surveys/{run.id}/close", data={"csrf_token": token}).status_code == 400


def test_close_on_the_opening_day(setup, client, today):
    s = setup
    run = create(client, s)
    today(date(2027, 2, 1))
    token = get_token(client, f"/manage/surveys/{run.id}")
    assert client.post(f"/manage/surveys/{run.id}/close", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    run = db.session.get(SurveyRun, run.id)
    assert not run.is_open(date(2027, 2, 1)) and run.has_opened(date(2027, 2, 1))


def test_close_before_opening_is_refused(setup, client):
    run = create(client, setup)
    token = get_token(client, f"/manage/surveys/{run.id}")
    assert client.post(f"/manage/surveys/{run.id}/close", data={"csrf_token": token}).status_code == 400


def test_post_without_token_is_refused(setup, client):
    response = client.post("/manage/surveys/new", data=form_data(setup))
    assert response.status_code == 400
    assert runs() == []


# --- permissions ------------------------------------------------------------------------


ROLES = ("anonymous", "admin", "other_admin", "head", "other_head", "coordinator", "reviewer")


@pytest.fixture
def matrix_world(world, today):
    p = world.partnership("North Star Trust")
    a = world.school(p, name="Ash Primary")
    b = world.school(p, name="Beech Primary")
    outside = world.school(p, name="Not In Run")
    q = world.partnership("Other Trust")
    x = world.school(q, name="Xylo School")
    install_builtin_templates(p)
    db.session.commit()
    template = db.session.scalars(select(QuestionnaireTemplate).where(
        QuestionnaireTemplate.partnership_id == p.id, QuestionnaireTemplate.audience == "parents")).one()
    run = SurveyRun(partnership_id=p.id, version_id=template.current.id, title="Parents", audience="parents",
                    opens_on=date(2027, 1, 5), closes_on=date(2027, 2, 5), threshold=5)
    run.schools = [RunSchool(school_id=a.id, open_code="aaaaaaaaaaaa"), RunSchool(school_id=b.id, open_code="bbbbbbbbbbbb")]
    db.session.add(run)
    db.session.flush()
    db.session.add(AccessCode(run_id=run.id, school_id=a.id, serial=1, code_hash="0" * 64))
    db.session.commit()
    people = {
        "admin": world.person("admin@p.org", ("admin", p)),
        "other_admin": world.person("admin@q.org", ("admin", q)),
        "head": world.person("head@a.sch.uk", ("head", a)),
        "other_head": world.person("head@b.sch.uk", ("head", b)),
        "coordinator": world.person("coord@a.sch.uk", ("coordinator", a)),
        "reviewer": world.person("reviewer@a.sch.uk", ("reviewer", a)),
    }
    return {"run": run.id, "A": a.id, "B": b.id, "OUT": outside.id, "X": x.id, "people": people}


def expect(**by_role):
    table = {"anonymous": 302}
    table.update(by_role)
    assert set(table) == set(ROLES), by_role
    return table


MANAGE = expect(admin=200, other_admin=404, head=403, other_head=403, coordinator=403, reviewer=403)
DISTRIBUTE_A = expect(admin=200, other_admin=404, head=200, other_head=403, coordinator=403, reviewer=403)

RUN_ROUTES = [
    ("GET", "/manage/surveys", expect(admin=200, other_admin=200, head=403, other_head=403, coordinator=403, reviewer=403)),
    ("GET", "/manage/surveys/new", expect(admin=200, other_admin=200, head=403, other_head=403, coordinator=403, reviewer=403)),
    ("GET", "/manage/surveys/{run}", MANAGE),
    ("GET", "/manage/surveys/{run}/edit", MANAGE),
    ("POST", "/manage/surveys/{run}/edit", expect(admin=400, other_admin=404, head=403, other_head=403, coordinator=403, reviewer=403)),
    ("POST", "/manage/surveys/{run}/close", expect(admin=302, other_admin=404, head=403, other_head=403, coordinator=403, reviewer=403)),
    ("GET", "/manage/surveys/987654", expect(admin=404, other_admin=404, head=404, other_head=404, coordinator=404, reviewer=404)),
    ("GET", "/manage/surveys/{run}/schools/{A}", DISTRIBUTE_A),
    ("POST", "/manage/surveys/{run}/schools/{A}/open-link", expect(admin=302, other_admin=404, head=302, other_head=403, coordinator=403, reviewer=403)),
    ("POST", "/manage/surveys/{run}/schools/{A}/codes", expect(admin=302, other_admin=404, head=302, other_head=403, coordinator=403, reviewer=403)),
    ("GET", "/manage/surveys/{run}/schools/{A}/codes/slips", DISTRIBUTE_A),
    ("GET", "/manage/surveys/{run}/schools/{A}/codes.csv", DISTRIBUTE_A),
    ("GET", "/manage/surveys/{run}/schools/{B}", expect(admin=200, other_admin=404, head=403, other_head=200, coordinator=403, reviewer=403)),
    ("GET", "/manage/surveys/{run}/schools/{OUT}", expect(admin=404, other_admin=404, head=404, other_head=404, coordinator=404, reviewer=404)),
    ("GET", "/manage/surveys/{run}/schools/{OUT}/codes.csv", expect(admin=404, other_admin=404, head=404, other_head=404, coordinator=404, reviewer=404)),
    ("GET", "/manage/surveys/{run}/schools/{X}", expect(admin=404, other_admin=404, head=404, other_head=404, coordinator=404, reviewer=404)),
    ("GET", "/manage/surveys/schools/{A}", expect(admin=200, other_admin=404, head=200, other_head=403, coordinator=403, reviewer=403)),
]

POST_BODIES = {
    "edit": {"title": "Parents again", "closes_on": ["1", "1", "2027"]},  # before today: a 400 for the admin
    "close": {},
    "open-link": {"enabled": "off"},
    "codes": {"count": "2"},
}


@pytest.mark.parametrize("method, template, expected", RUN_ROUTES, ids=[f"{m} {t}" for m, t, _ in RUN_ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, matrix_world, method, template, expected, role):
    client = app.test_client()
    w = matrix_world
    url = template.format(**{k: v for k, v in w.items() if k != "people"})
    if role != "anonymous":
        sign_in(client, w["people"][role].email)
    if method == "GET":
        response = client.get(url)
    else:
        token = get_token(client, "/login") if role == "anonymous" else get_token(client, "/manage/schools")
        body = POST_BODIES[url.rstrip("/").rsplit("/", 1)[-1]]
        response = client.post(url, data={**body, "csrf_token": token})
    assert response.status_code == expected[role], (role, method, url)
    if expected[role] == 302 and role == "anonymous":
        assert "/login" in response.headers["Location"]
