"""Flagged comments: never on results pages (not in quotes, not in the comment list, not in
downloads), counted in a note instead, and listed in full only in the administrators'
safeguarding queue, where one can be marked as passed to the school's DSL."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from surveys.insights.models import CommentAnalysis
from tests.conftest import get_token, sign_in
from tests.surveys.test_results import CEDAR_SECRET, DAMSON_SECRET, add_responses, build, make_run

FLAGGED = "I love this school and my teacher is brilliant but my uncle hits me at home"


@pytest.fixture
def flagged(world):
    p, s, run = build(world)
    add_responses(run, s["Alder"], 1, {"pv1": "agree", "pv_comments": FLAGGED})
    world.person("admin@ns.org.uk", ("admin", p))
    world.person("head@alder.sch.uk", ("head", s["Alder"]))
    return p, s, run


def _item_id() -> int:
    return db.session.scalar(select(CommentAnalysis.id).where(CommentAnalysis.safeguarding.is_(True)))


def test_flagged_comment_is_on_no_results_page_or_download(flagged, client):
    p, s, run = flagged
    sign_in(client, "admin@ns.org.uk")
    pages = {
        "overview": client.get(f"/manage/surveys/{run.id}/results").get_data(as_text=True),
        "school": client.get(f"/manage/surveys/{run.id}/results/schools/{s['Alder'].id}").get_data(as_text=True),
        "answers.csv": client.get(f"/manage/surveys/{run.id}/export/answers.csv").get_data(as_text=True),
    }
    for name, page in pages.items():
        assert "hits me" not in page and "uncle" not in page, name
    for name in ("overview", "school"):
        assert "What people said" in pages[name]
        assert "1 comment is not shown here and has been passed to administrators under the safeguarding procedure" \
            in pages[name]
        assert "Alder comment" in pages[name]  # the others are still there
    client.get("/logout")
    sign_in(client, "head@alder.sch.uk")
    page = client.get(f"/manage/surveys/{run.id}/results/schools/{s['Alder'].id}").get_data(as_text=True)
    assert "hits me" not in page and "passed to administrators" in page


def test_panel_only_for_groups_at_or_above_the_threshold(flagged, client):
    p, s, run = flagged
    sign_in(client, "admin@ns.org.uk")
    overview = client.get(f"/manage/surveys/{run.id}/results").get_data(as_text=True)
    assert "Based on 11 comments." in overview  # Alder and Birch only, the flagged one left out
    for name in ("Cedar", "Damson"):
        page = client.get(f"/manage/surveys/{run.id}/results/schools/{s[name].id}").get_data(as_text=True)
        assert "What people said" not in page and not re.search(r"Based on \d+ comments?\.", page)
        assert CEDAR_SECRET not in page and DAMSON_SECRET not in page
    birch = client.get(f"/manage/surveys/{run.id}/results/schools/{s['Birch'].id}").get_data(as_text=True)
    assert "What people said" in birch and "Based on 5 comments." in birch
    assert "passed to administrators" not in birch


def test_queue_lists_flagged_comments_in_full_and_marks_them_passed(flagged, client):
    p, s, run = flagged
    sign_in(client, "admin@ns.org.uk")
    home = client.get("/").get_data(as_text=True)
    assert "1 survey comment needs passing to a designated safeguarding lead" in home
    page = client.get("/manage/safeguarding")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert FLAGGED in html and "Alder" in html and run.title in html
    assert "designated safeguarding lead (DSL) today" in html and "Do not try to identify the respondent" in html
    assert "1 comment to pass on" in html

    item = _item_id()
    assert client.post(f"/manage/safeguarding/{item}/passed").status_code == 400  # no CSRF token
    token = get_token(client, "/manage/safeguarding")
    response = client.post(f"/manage/safeguarding/{item}/passed", data={"csrf_token": token})
    assert response.status_code == 302
    row = db.session.get(CommentAnalysis, item)
    db.session.refresh(row)
    assert row.reviewed_at is not None and row.reviewed_by.email == "admin@ns.org.uk"
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "safeguarding.reviewed")))
    assert len(events) == 1 and events[0].partnership_id == p.id
    assert "hits" not in events[0].detail and "uncle" not in events[0].detail
    html = client.get("/manage/safeguarding").get_data(as_text=True)
    assert "0 comments to pass on" in html and "Passed to the DSL" in html
    assert "needs passing" not in client.get("/").get_data(as_text=True)
    # A second press changes nothing and records nothing more.
    client.post(f"/manage/safeguarding/{item}/passed", data={"csrf_token": token})
    assert db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "safeguarding.reviewed")) == 1


def test_comments_of_an_open_survey_reach_the_queue(world, client):
    p = world.partnership()
    school = world.school(p, name="Open Primary")
    world.person("admin@trust.org.uk", ("admin", p))
    from datetime import date
    run = make_run(p, [school], opens=date(2026, 3, 1), closes=date(2099, 3, 31))
    add_responses(run, school, 1, {"pv1": "agree", "pv_comments": "Someone at home hits me"})
    sign_in(client, "admin@trust.org.uk")
    assert "Someone at home hits me" in client.get("/manage/safeguarding").get_data(as_text=True)


ROLES = ("anonymous", "admin", "other_admin", "head", "reviewer", "coordinator")
EMAILS = {"admin": "admin@ns.org.uk", "other_admin": "admin@other.org.uk", "head": "head@alder.sch.uk",
          "reviewer": "reviewer@alder.sch.uk", "coordinator": "coordinator@alder.sch.uk"}
# GET the queue, POST an item of North Star's; the other trust's admin sees an empty queue of its own.
EXPECTED = {"anonymous": (302, 302), "admin": (200, 302), "other_admin": (200, 404), "head": (403, 403),
            "reviewer": (403, 403), "coordinator": (403, 403)}


@pytest.mark.parametrize("role", ROLES)
def test_permissions_matrix(flagged, world, app, role):
    p, s, run = flagged
    q = world.partnership("Other Trust")
    world.school(q, name="Xylo")
    world.person("admin@other.org.uk", ("admin", q))
    world.person("reviewer@alder.sch.uk", ("reviewer", s["Alder"]))
    world.person("coordinator@alder.sch.uk", ("coordinator", s["Alder"]))
    from surveys.insights import store
    store.ensure_analysed(run=run)
    item = _item_id()
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, EMAILS[role]).status_code == 302
    page = client.get("/manage/safeguarding")
    token = get_token(client, "/login") if role == "anonymous" else get_token(client, "/")
    posted = client.post(f"/manage/safeguarding/{item}/passed", data={"csrf_token": token})
    assert (page.status_code, posted.status_code) == EXPECTED[role]
    if role == "other_admin":
        assert FLAGGED not in page.get_data(as_text=True)
    if role != "admin":
        row = db.session.get(CommentAnalysis, item)
        db.session.refresh(row)
        assert row.reviewed_at is None
    unknown = client.post("/manage/safeguarding/987654/passed", data={"csrf_token": token}).status_code
    assert unknown in (302, 404) if role == "anonymous" else unknown == 404
