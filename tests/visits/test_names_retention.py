"""`flask delete-pupil-names`: visiting children's first names go a set number of days after
the visit (30 by default); their feedback stays; running it again changes nothing."""
from __future__ import annotations

import html
from datetime import date, time

import pytest
from sqlalchemy import func, select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.visits.models import ChildFeedback, PupilVisit, VisitPupil
from tests.conftest import sign_in

VISIT_DAY = date(2027, 2, 3)


@pytest.fixture
def today(monkeypatch):
    state = {"today": VISIT_DAY}
    monkeypatch.setattr("peerreview.core.clock.today", lambda: state["today"])
    return state


@pytest.fixture
def with_feedback(visit_world):
    vw = visit_world
    amara = vw.visit.pupils[0]
    db.session.add_all([
        ChildFeedback(visit_id=vw.visit.id, pupil_id=amara.id, faces={str(vw.visit.prompts[0].id): "happy"},
                      star_1="Lovely cushions", submitted_on=VISIT_DAY),
        ChildFeedback(visit_id=vw.visit.id, pupil_id=None, star_1="Good books", submitted_on=VISIT_DAY),
    ])
    vw.visit.status = "closed"
    # A later visit whose names must stay.
    later = PupilVisit(partnership=vw.partnership, host=vw.birch, visit_date=date(2027, 3, 1),
                       starts_at=time(9), ends_at=time(11))
    later.pupils = [VisitPupil(school=vw.ash, first_name="Owain", year_group=5)]
    db.session.add(later)
    db.session.commit()
    vw.later = later
    return vw


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["delete-pupil-names", *args])
    assert result.exit_code == 0, result.output
    return result.output


def names(visit) -> list:
    return list(db.session.scalars(select(VisitPupil.first_name).where(VisitPupil.visit_id == visit.id)))


def test_names_are_kept_until_the_retention_period_has_passed(app, with_feedback, today):
    today["today"] = date(2027, 3, 5)  # 30 days after the visit: not yet more than 30
    assert "deleted 0 pupil first names" in run(app)
    db.session.expire_all()
    assert "Amara" in names(with_feedback.visit)
    assert with_feedback.visit.names_deleted_at is None


def test_names_are_deleted_after_the_retention_period_and_the_feedback_is_kept(app, with_feedback, today):
    vw = with_feedback
    today["today"] = date(2027, 3, 6)  # 31 days after
    output = run(app)
    assert "deleted 6 pupil first names (visits more than 30 days ago)" in output
    db.session.expire_all()
    assert names(vw.visit) == [None] * 6
    assert vw.visit.names_deleted_at is not None
    assert names(vw.later) == ["Owain"]  # a visit within the period keeps its names
    feedback = db.session.scalars(select(ChildFeedback).order_by(ChildFeedback.id)).all()
    assert [(f.star_1, f.pupil_id is not None) for f in feedback] == [("Lovely cushions", True), ("Good books", False)]
    assert db.session.scalar(select(func.count()).select_from(VisitPupil)) == 7  # year groups and schools stay
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit.names_deleted")).one()
    assert event.partnership_id == vw.partnership.id

    assert "deleted 0 pupil first names" in run(app)  # idempotent


def test_days_can_be_given_on_the_command_line(app, with_feedback, today):
    today["today"] = date(2027, 2, 10)
    assert "deleted 6 pupil first names (visits more than 5 days ago)" in run(app, "--days", "5")
    db.session.expire_all()
    assert names(with_feedback.later) == ["Owain"]


def test_the_setting_changes_the_default(app, with_feedback, today, monkeypatch):
    monkeypatch.setitem(app.config, "VISIT_NAME_RETENTION_DAYS", 3)
    today["today"] = date(2027, 2, 7)
    assert "deleted 6 pupil first names (visits more than 3 days ago)" in run(app)


def test_the_help_says_it_is_meant_for_a_daily_timer(app):
    result = app.test_cli_runner().invoke(args=["delete-pupil-names", "--help"])
    assert "once a day" in result.output and "feedback the children gave is kept" in result.output


def test_the_visit_page_says_when_names_go_and_then_that_they_have_gone(app, client, with_feedback, today):
    vw = with_feedback
    sign_in(client, "coord.birch@north.example")
    page = html.unescape(client.get(f"/manage/visits/{vw.visit.id}").get_data(as_text=True))
    assert "The first names are deleted 30 days after the visit, on 6 March 2027" in page
    assert "Amara, Year 4" in page
    today["today"] = date(2027, 3, 6)
    run(app)
    page = html.unescape(client.get(f"/manage/visits/{vw.visit.id}").get_data(as_text=True))
    assert "The children’s first names were deleted on" in page
    assert "Amara" not in page and "Name deleted, Year 4" in page
