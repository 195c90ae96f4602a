"""A small partnership with every source the dashboard reads, and known answers.

North Star Trust (threshold 5 everywhere), today 10 April 2026:

- Parent survey (closed 31 March): Alder 10 responses (8 agree, 2 disagree that their child is
  happy: 80%), Birch 6 (all strongly agree: 100%), Cedar 3 (below the threshold: withheld),
  Damson 5 (the smallest school shown, withheld with Cedar so the partnership total cannot
  give Cedar away). Every parent commented: Alder 4 on homework, 2 on communication, 4 with no
  theme; Birch 5 on communication, 1 with no theme; Cedar 3 on bullying and Damson 5 on
  lunches, never counted. So the partnership's comments are Alder's and Birch's 16:
  communication 7 (44%), homework 4 (25%).
  A later parent survey is still open, with different answers: never shown.
- Staff survey (closed 20 March): Alder 5 (all enjoy working there: 100%), Birch 5 (3 of 5:
  60%); Cedar and Damson not surveyed.
- Peer review round (published): Alder agreed with 3 next steps, 1 done; Birch submitted with
  2 next steps (not agreed yet); Cedar proposed; Damson not in the round. A later draft round
  is ignored.
- Pupil visits: a closed visit hosted by Alder with Birch and Cedar visiting (in the last 12
  months); an older closed visit hosted by Birch and a planned one hosted by Cedar (not counted).
- Clusters: North (Alder, Cedar), South (Birch, Damson). Phases: Birch is Secondary, the rest
  Primary.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from peerreview.extensions import db
from peerreview.reviews.models import NextStep, Review, ReviewReport, ReviewRound
from peerreview.visits.models import PupilVisit, VisitingSchool
from tests.surveys.test_results import add_responses, make_run

TODAY = date(2026, 4, 10)
ADMIN = "admin@northstar.org.uk"
OTHER_ADMIN = "admin@other.org.uk"
HEAD = "head@alder.sch.uk"
CEDAR_SECRET = "My child was bullied in the playground and nothing was done."
DAMSON_SECRET = "The lunches are lovely."
COMMUNICATION = "Teachers communicate well with parents by email."


@dataclass
class DashWorld:
    partnership: object
    other: object
    schools: dict
    clusters: dict
    parent_run: object
    staff_run: object
    round: object


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


def _review(review_round, school, status, steps=(), agreed=False, submitted=False):
    review = Review(round=review_round, host=school, status=status, review_date=date(2025, 11, 3))
    db.session.add(review)
    if steps or submitted:
        report = ReviewReport(review=review, summary="A report.",
                              submitted_at=datetime(2025, 11, 10) if (submitted or agreed) else None,
                              agreed_at=datetime(2025, 11, 20) if agreed else None)
        for i, done in enumerate(steps):
            report.next_steps.append(NextStep(position=i, action=f"Step {i}", owner="Head",
                                              due_on=date(2026, 6, 1), done_on=date(2026, 2, 1) if done else None))
        db.session.add(report)
    return review


def build(world) -> DashWorld:
    p = world.partnership("North Star Trust")
    s = {
        "Alder": world.school(p, name="Alder Primary", phase="Primary"),
        "Birch": world.school(p, name="Birch Academy", phase="Secondary"),
        "Cedar": world.school(p, name="Cedar Primary", phase="Primary"),
        "Damson": world.school(p, name="Damson Primary", phase="Primary"),
    }
    clusters = {"North": world.cluster(p, "North", [s["Alder"], s["Cedar"]]),
                "South": world.cluster(p, "South", [s["Birch"], s["Damson"]])}
    other = world.partnership("Other Trust")
    world.school(other, name="Xylem School", phase="Primary")
    world.person(ADMIN, ("admin", p))
    world.person(OTHER_ADMIN, ("admin", other))
    world.person(HEAD, ("head", s["Alder"]))

    parents = make_run(p, s.values(), opens=date(2026, 3, 1), closes=date(2026, 3, 31), title="Parents spring 2026")
    alder_comments = ["There is too much homework every night."] * 2 + ["The homework is far too hard."] * 2 + \
        [COMMUNICATION] * 2 + ["Great school."] * 4
    add_responses(parents, s["Alder"], 10, lambda i: {
        "pv1": "agree" if i < 8 else "disagree", "pv_comments": alder_comments[i]})
    add_responses(parents, s["Birch"], 6, lambda i: {
        "pv1": "strongly_agree", "pv_comments": COMMUNICATION if i < 5 else "Great school."})
    add_responses(parents, s["Cedar"], 3, {"pv1": "strongly_disagree", "pv_comments": CEDAR_SECRET})
    add_responses(parents, s["Damson"], 5, {"pv1": "agree", "pv_comments": DAMSON_SECRET})
    still_open = make_run(p, s.values(), opens=date(2026, 4, 1), closes=date(2026, 4, 30), title="Parents summer 2026")
    add_responses(still_open, s["Alder"], 10, {"pv1": "strongly_disagree"})

    staff = make_run(p, [s["Alder"], s["Birch"]], key="staff_wellbeing", opens=date(2026, 3, 1),
                     closes=date(2026, 3, 20), title="Staff spring 2026")
    add_responses(staff, s["Alder"], 5, {"st_enjoy": "agree"})
    add_responses(staff, s["Birch"], 5, lambda i: {"st_enjoy": "agree" if i < 3 else "disagree"})

    autumn = ReviewRound(partnership=p, name="Autumn reviews", window_start=date(2025, 10, 1),
                         window_end=date(2025, 12, 1), status="published")
    spring = ReviewRound(partnership=p, name="Summer plans", window_start=date(2026, 5, 1),
                         window_end=date(2026, 6, 1), status="draft")
    db.session.add_all([autumn, spring])
    _review(autumn, s["Alder"], "agreed", steps=(True, False, False), agreed=True)
    _review(autumn, s["Birch"], "submitted", steps=(False, False), submitted=True)
    _review(autumn, s["Cedar"], "proposed")
    _review(spring, s["Damson"], "proposed")

    def visit(host, day, status, visiting=()):
        v = PupilVisit(partnership_id=p.id, host_school_id=host.id, visit_date=day, starts_at=time(9, 30),
                       ends_at=time(11, 0), focus_title="Reading areas", status=status)
        for school in visiting:
            v.visiting_schools.append(VisitingSchool(school_id=school.id))
        db.session.add(v)

    visit(s["Alder"], date(2025, 11, 12), "closed", [s["Birch"], s["Cedar"]])
    visit(s["Birch"], date(2025, 1, 15), "closed", [s["Alder"]])
    visit(s["Cedar"], date(2026, 3, 2), "planned", [s["Alder"]])
    db.session.commit()
    return DashWorld(p, other, s, clusters, parents, staff, autumn)


@pytest.fixture
def dash(world) -> DashWorld:
    return build(world)
