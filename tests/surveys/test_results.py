"""Survey results: small groups withheld on the pages (respondents, then per question, with
complementary suppression), free text only from groups shown and redacted, the previous
run beside this one, and who may see what.

The world (threshold 5): North Star Trust with schools Alder (20 responses), Birch (15),
Damson (8) and Cedar (2), all in one parent survey. Cedar is below the threshold; Damson,
the smallest visible school, is withheld with it so the partnership total minus the
visible schools (10) is two schools' worth, never Cedar's alone.
"""
from __future__ import annotations

import re
import secrets
from datetime import date

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from surveys.models import Answer, QuestionnaireTemplate, RunSchool, SurveyResponse, SurveyRun
from surveys.questionnaires import install_builtin_templates
from surveys.results import COMPLEMENT, FEW, PARTNERSHIP, Scope, previous_run, raw_answers, run_results
from tests.conftest import sign_in

THRESHOLD = 5
CEDAR_SECRET = "Cedar comment only two people could have written"
DAMSON_SECRET = "Damson comment from a complementary school"


# --- building runs and responses ----------------------------------------------------------


def template_for(partnership, key="parent_view") -> QuestionnaireTemplate:
    template = db.session.scalar(select(QuestionnaireTemplate).where(
        QuestionnaireTemplate.partnership_id == partnership.id, QuestionnaireTemplate.key == key))
    if template is None:
        install_builtin_templates(partnership)
        db.session.commit()
        return template_for(partnership, key)
    return template


def make_run(partnership, schools, *, key="parent_view", threshold=THRESHOLD, opens=date(2026, 3, 1),
             closes=date(2026, 3, 31), title="Parent survey spring 2026") -> SurveyRun:
    template = template_for(partnership, key)
    run = SurveyRun(partnership_id=partnership.id, version_id=template.current.id, title=title,
                    audience=template.audience, opens_on=opens, closes_on=closes, threshold=threshold)
    for school in schools:
        run.schools.append(RunSchool(school_id=school.id, open_code=secrets.token_hex(8)))
    db.session.add(run)
    db.session.commit()
    return run


def add_responses(run, school, n, answers) -> None:
    """answers: a dict of item key -> value, or a function of the response's index giving one."""
    items = {item.key: item for item in run.version.items}
    for i in range(n):
        values = answers(i) if callable(answers) else answers
        response = SurveyResponse(run_id=run.id, version_id=run.version_id, school_id=school.id,
                                  language="en", submitted_on=run.opens_on)
        for key, value in values.items():
            if value is not None:
                response.answers.append(Answer(item_id=items[key].id, value=value))
        db.session.add(response)
    db.session.commit()


def build(world):
    p = world.partnership("North Star Trust")
    schools = {name: world.school(p, name=name) for name in ("Alder", "Birch", "Cedar", "Damson")}
    run = make_run(p, schools.values())

    def alder(i):  # 15 of 20 agree; 2 have SEND and answer pv7a; 6 comments
        return {"pv1": "agree" if i < 15 else "disagree", "pv7": "yes" if i < 2 else "no",
                "pv7a": "agree" if i < 2 else None, "pv14": "yes",
                "pv_comments": f"Alder comment {i}: Mrs Patel is lovely, ring 07700 900123" if i < 6 else None}

    def birch(i):  # 15, 6 with SEND, 5 comments
        return {"pv1": "strongly_agree", "pv7": "yes" if i < 6 else "no", "pv7a": "disagree" if i < 6 else None,
                "pv14": "no" if i < 3 else "yes", "pv_comments": f"Birch comment {i}" if i < 5 else None}

    add_responses(run, schools["Alder"], 20, alder)
    add_responses(run, schools["Birch"], 15, birch)
    add_responses(run, schools["Cedar"], 2, {"pv1": "strongly_disagree", "pv7": "no", "pv14": "no",
                                            "pv_comments": CEDAR_SECRET})
    add_responses(run, schools["Damson"], 8, lambda i: {"pv1": "dont_know", "pv7": "no", "pv14": "yes",
                                                        "pv_comments": DAMSON_SECRET if i < 6 else None})
    return p, schools, run


@pytest.fixture
def built(world):
    return build(world)


def question(results, key):
    return next(q for q in results.questions if q.item.key == key)


# --- the rule, in run_results -------------------------------------------------------------


def test_small_school_and_its_complement_are_withheld(built):
    p, s, run = built
    results = run_results(run)
    groups = {g.key: g for g in results.groups}
    assert groups[PARTNERSHIP].shown and groups[PARTNERSHIP].responses == 45
    assert groups[s["Alder"].id].responses == 20 and groups[s["Birch"].id].responses == 15
    cedar, damson = groups[s["Cedar"].id], groups[s["Damson"].id]
    assert (cedar.shown, cedar.reason, cedar.responses) == (False, FEW, None)
    assert (damson.shown, damson.reason, damson.responses) == (False, COMPLEMENT, None)
    for q in results.questions:
        for key in (s["Cedar"].id, s["Damson"].id):
            assert not q.cells[key].shown and q.cells[key].summary is None


def test_partnership_counts_every_school_but_residual_is_never_one_small_school(built):
    p, s, run = built
    results = run_results(run)
    for q in results.questions:
        cell = q.cells[PARTNERSHIP]
        if not cell.shown or q.is_text:
            continue
        visible = sum(q.cells[sid].summary.answered for sid in (s["Alder"].id, s["Birch"].id) if q.cells[sid].shown)
        residual = cell.summary.answered - visible
        assert residual == 0 or residual >= THRESHOLD, q.item.key
    pv1 = question(results, "pv1").cells[PARTNERSHIP].summary
    assert pv1.answered == 45
    assert {b.value: b.count for b in pv1.bars}["strongly_disagree"] == 2  # counted in, never shown apart


def test_question_answered_by_two_at_a_visible_school_is_withheld_there(built):
    p, s, run = built
    pv7a = question(run_results(run), "pv7a")
    alder, birch = pv7a.cells[s["Alder"].id], pv7a.cells[s["Birch"].id]
    assert (alder.shown, alder.reason) == (False, FEW)
    # Birch's 6 answers alone would give Alder's 2 away from the partnership's 8: withheld too.
    assert (birch.shown, birch.reason) == (False, COMPLEMENT)
    assert pv7a.cells[PARTNERSHIP].shown and pv7a.cells[PARTNERSHIP].summary.answered == 8
    assert question(run_results(run), "pv1").cells[s["Alder"].id].shown


def test_partnership_withheld_when_below_threshold(world):
    p = world.partnership()
    a, b = world.school(p), world.school(p)
    run = make_run(p, [a, b])
    add_responses(run, a, 2, {"pv1": "agree"})
    add_responses(run, b, 2, {"pv1": "agree"})
    results = run_results(run)
    assert not results.group(PARTNERSHIP).shown and results.group(PARTNERSHIP).responses is None
    assert all(not c.shown for q in results.questions for c in q.cells.values())


def test_free_text_only_from_visible_schools_redacted_and_shuffled(built):
    p, s, run = built
    comments = question(run_results(run), "pv_comments")
    partnership = comments.cells[PARTNERSHIP].summary.texts
    assert len(partnership) == 11  # Alder 6 + Birch 5; never Cedar's or Damson's
    assert not any(CEDAR_SECRET in t or DAMSON_SECRET in t for t in partnership)
    assert all("Patel" not in t and "07700" not in t for t in partnership)
    assert any("Mrs [name] is lovely, ring [phone]" in t for t in partnership)
    orders = {tuple(question(run_results(run), "pv_comments").cells[s["Alder"].id].summary.texts) for _ in range(8)}
    assert len(orders) > 1  # not a fixed (submission) order


def test_scope_of_a_head(built):
    p, s, run = built
    results = run_results(run, Scope(frozenset({s["Alder"].id}), partnership=True))
    assert [g.key for g in results.groups] == [PARTNERSHIP, s["Alder"].id]
    assert all(set(q.cells) == {PARTNERSHIP, s["Alder"].id} for q in results.questions)


def test_raw_answers_only_visible_schools_and_questions(built):
    p, s, run = built
    raw = raw_answers(run)
    assert set(raw.schools) == {s["Alder"].id, s["Birch"].id}
    assert len(raw.rows) == 35
    assert all("pv7a" not in answers for _, answers in raw.rows)  # withheld at both schools
    texts = [a.get("pv_comments") for _, a in raw.rows if a.get("pv_comments")]
    assert len(texts) == 11 and not any("Patel" in t for t in texts)
    assert {a["pv1"] for _, a in raw.rows} == {"Agree", "Disagree", "Strongly agree"}


# --- the previous run ----------------------------------------------------------------------


def test_previous_run_of_same_template_and_change(world):
    p = world.partnership()
    a, b = world.school(p, name="Alder"), world.school(p, name="Birch")
    before = make_run(p, [a, b], opens=date(2025, 3, 1), closes=date(2025, 3, 31), title="Spring 2025")
    add_responses(before, a, 10, {"pv1": "agree"})
    add_responses(before, b, 10, {"pv1": "agree"})
    # Not comparable: another questionnaire, and a run that closed after this one opened.
    make_run(p, [a], key="staff_wellbeing", opens=date(2025, 6, 1), closes=date(2025, 6, 30), title="Staff")
    make_run(p, [a], opens=date(2026, 2, 1), closes=date(2026, 3, 10), title="Overlapping")
    run = make_run(p, [a, b])
    add_responses(run, a, 20, lambda i: {"pv1": "agree" if i < 15 else "disagree"})
    add_responses(run, b, 10, {"pv1": "agree"})
    assert previous_run(run).id == before.id
    results = run_results(run)
    assert results.previous_run.id == before.id
    pv1 = question(results, "pv1")
    assert pv1.cells[a.id].previous.positive == 1.0
    assert pv1.cells[a.id].change == pytest.approx(-0.25)
    assert pv1.cells[b.id].change == pytest.approx(0.0)
    assert pv1.cells[PARTNERSHIP].change == pytest.approx(25 / 30 - 1.0)


def test_no_change_where_previous_group_was_withheld(world):
    p = world.partnership()
    a, b, c = world.school(p), world.school(p), world.school(p)
    before = make_run(p, [a, b, c], opens=date(2025, 3, 1), closes=date(2025, 3, 31))
    add_responses(before, a, 3, {"pv1": "agree"})  # below the threshold last time
    add_responses(before, b, 10, {"pv1": "agree"})
    add_responses(before, c, 10, {"pv1": "agree"})
    run = make_run(p, [a, b, c])
    for school in (a, b, c):
        add_responses(run, school, 10, {"pv1": "agree"})
    pv1 = question(run_results(run), "pv1")
    assert pv1.cells[a.id].shown and pv1.cells[a.id].previous is None and pv1.cells[a.id].change is None


# --- pages ---------------------------------------------------------------------------------


def _row(html: str, name: str) -> str:
    match = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?>" + re.escape(name) + r"<(?:(?!</tr>).)*</tr>", html, re.S)
    assert match, name
    return match.group(0)


def test_overview_page_withholds_small_schools(built, world, client):
    p, s, run = built
    world.person("admin@ns.org.uk", ("admin", p))
    sign_in(client, "admin@ns.org.uk")
    html = client.get(f"/manage/surveys/{run.id}/results").get_data(as_text=True)
    assert "at least 5 people" in html
    assert "45 responses across the partnership" in html
    cedar_row, damson_row = _row(html, "Cedar"), _row(html, "Damson")
    assert "Fewer than 5 responses" in cedar_row and "%" not in cedar_row
    assert "Hidden to protect a small group" in damson_row and "%" not in damson_row
    assert not re.search(r">\s*2\s*<", cedar_row)
    assert "Fewer than 5 answers" in html and "Hidden to protect a small group" in html  # pv7a at Alder, Birch
    assert CEDAR_SECRET not in html and DAMSON_SECRET not in html
    assert "Alder comment" in html and "Patel" not in html and "Mrs [name]" in html
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "agree or strongly agree (of" in html
    assert "2 of 4 schools" in html


def test_school_page_of_withheld_school_shows_no_counts(built, world, client):
    p, s, run = built
    world.person("admin@ns.org.uk", ("admin", p))
    sign_in(client, "admin@ns.org.uk")
    for name, message in (("Cedar", "Fewer than 5 people answered at this school"),
                          ("Damson", "hidden to protect a small group at another school")):
        html = client.get(f"/manage/surveys/{run.id}/results/schools/{s[name].id}").get_data(as_text=True)
        assert message in html
        assert re.search(r"This school:</strong>\s*(Fewer than 5 responses|Hidden to protect a small group)", html)
        assert CEDAR_SECRET not in html and DAMSON_SECRET not in html
        main = html.split("Question by question", 1)[1]
        assert "This school</th>" not in main  # no column of figures for the school
        assert not re.search(r"This school:</strong>\s*\d", main)


def test_school_page_for_head_with_partnership_and_own_comments(built, world, client):
    p, s, run = built
    world.person("head@alder.sch.uk", ("head", s["Alder"]), name="Harriet Quigley")
    add_responses(run, s["Alder"], 1, {"pv1": "agree", "pv_comments": "Ask Harriet QUIGLEY or email h.q@alder.sch.uk"})
    sign_in(client, "head@alder.sch.uk")
    html = client.get(f"/manage/surveys/{run.id}/results/schools/{s['Alder'].id}").get_data(as_text=True)
    assert "21 responses" in html and "46 responses" in html
    assert "Alder comment" in html and "Birch comment" not in html  # heads read their own school's comments
    assert "QUIGLEY" not in html and "h.q@alder" not in html and "Ask [name] or email [email]" in html
    assert "Birch" not in html and "Cedar" not in html and "Damson" not in html


def test_welsh_interface_renders(built, world, client):
    p, s, run = built
    world.person("admin@ns.org.uk", ("admin", p))
    sign_in(client, "admin@ns.org.uk")
    client.get("/language/cy")
    response = client.get(f"/manage/surveys/{run.id}/results/schools/{s['Alder'].id}")
    assert response.status_code == 200


# --- who may see what ----------------------------------------------------------------------

ROLES = ("anonymous", "admin", "other_admin", "head", "reviewer", "coordinator")


@pytest.fixture
def matrix(world):
    p, s, run = build(world)
    q = world.partnership("Other Trust")
    x = world.school(q, name="Xylo")
    outside_run = world.school(p, name="Not in the run")
    world.person("admin@ns.org.uk", ("admin", p))
    world.person("admin@other.org.uk", ("admin", q))
    world.person("head@alder.sch.uk", ("head", s["Alder"]))
    world.person("reviewer@alder.sch.uk", ("reviewer", s["Alder"]))
    world.person("coordinator@alder.sch.uk", ("coordinator", s["Alder"]))
    other_run = make_run(q, [x], title="Other run")
    return {"run": run.id, "A": s["Alder"].id, "B": s["Birch"].id, "X": x.id, "out": outside_run.id,
            "other_run": other_run.id, "unknown": 987654}


EMAILS = {"admin": "admin@ns.org.uk", "other_admin": "admin@other.org.uk", "head": "head@alder.sch.uk",
          "reviewer": "reviewer@alder.sch.uk", "coordinator": "coordinator@alder.sch.uk"}


def expect(admin, other_admin, head, reviewer=403, coordinator=403):
    return {"anonymous": 302, "admin": admin, "other_admin": other_admin, "head": head,
            "reviewer": reviewer, "coordinator": coordinator}


ROUTES = [
    ("/manage/surveys/{run}/results", expect(200, 404, 403)),
    ("/manage/surveys/{run}/results/schools/{A}", expect(200, 404, 200)),
    ("/manage/surveys/{run}/results/schools/{B}", expect(200, 404, 403)),
    ("/manage/surveys/{run}/results/schools/{X}", expect(404, 404, 404, 404, 404)),
    ("/manage/surveys/{run}/results/schools/{out}", expect(404, 404, 404, 404, 404)),
    ("/manage/surveys/{run}/results/schools/{unknown}", expect(404, 404, 404, 404, 404)),
    ("/manage/surveys/{unknown}/results", expect(404, 404, 404, 404, 404)),
    ("/manage/surveys/{other_run}/results", expect(404, 200, 404, 404, 404)),
    ("/manage/surveys/{run}/export/aggregates.csv", expect(200, 404, 403)),
    ("/manage/surveys/{run}/export/aggregates.xlsx", expect(200, 404, 403)),
    ("/manage/surveys/{run}/export/aggregates.csv?school={A}", expect(200, 404, 200)),
    ("/manage/surveys/{run}/export/aggregates.xlsx?school={A}", expect(200, 404, 200)),
    ("/manage/surveys/{run}/export/aggregates.csv?school={B}", expect(200, 404, 403)),
    ("/manage/surveys/{run}/export/aggregates.csv?school={X}", expect(404, 404, 404, 404, 404)),
    ("/manage/surveys/{run}/export/aggregates.csv?school=abc", expect(400, 404, 400, 400, 400)),
    ("/manage/surveys/{run}/export/aggregates.pdf", expect(404, 404, 404, 404, 404)),
    ("/manage/surveys/{run}/export/answers.csv", expect(200, 404, 403)),
    ("/manage/surveys/{run}/export/answers.xlsx", expect(200, 404, 403)),
    ("/manage/surveys/{unknown}/export/answers.csv", expect(404, 404, 404, 404, 404)),
]


@pytest.mark.parametrize("role", ROLES)
def test_permissions_matrix(matrix, app, role):
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, EMAILS[role]).status_code == 302
    failures = []
    for template, statuses in ROUTES:
        url = template.format(**matrix)
        status = client.get(url).status_code
        if status != statuses[role]:
            failures.append(f"{url}: {status}, expected {statuses[role]}")
    assert not failures, failures


def test_results_wait_until_the_survey_has_closed(client, world, monkeypatch):
    """While a run is open, figures changing just after someone says they answered would
    give their answers away: pages show only the count so far, exports refuse."""
    p = world.partnership()
    school = world.school(p, "Open Survey Primary")
    world.person("admin@trust.org.uk", ("admin", p))
    world.person("head@school.org.uk", ("head", school))
    run = make_run(p, [school], opens=date(2026, 3, 1), closes=date(2026, 3, 31))
    add_responses(run, school, 8, {"pv1": "agree"})
    monkeypatch.setattr("peerreview.core.clock.today", lambda: date(2026, 3, 20))

    sign_in(client, "admin@trust.org.uk")
    page = client.get(f"/manage/surveys/{run.id}/results").get_data(as_text=True)
    assert "Results will be ready after the survey closes" in page
    assert "8 responses so far" in page
    assert "agree or strongly agree" not in page
    for url in (f"/manage/surveys/{run.id}/export/aggregates.csv", f"/manage/surveys/{run.id}/export/answers.xlsx"):
        response = client.get(url)
        assert response.status_code == 409
        assert "once the survey has closed" in response.get_data(as_text=True)

    client.get("/logout")
    sign_in(client, "head@school.org.uk")
    page = client.get(f"/manage/surveys/{run.id}/results/schools/{school.id}").get_data(as_text=True)
    assert "Results will be ready after the survey closes" in page

    monkeypatch.setattr("peerreview.core.clock.today", lambda: date(2026, 4, 1))
    page = client.get(f"/manage/surveys/{run.id}/results/schools/{school.id}").get_data(as_text=True)
    assert "agree or strongly agree" in page
