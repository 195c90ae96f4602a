"""Changing a team by hand: every change is checked against the whole round at once; one that
breaks a hard rule is refused with a message and a 4xx, and nothing saved changes."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from peerreview.core.accounts.models import RoleAssignment
from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.reviews.models import ConflictOfInterest, Review, TeamMember
from tests.conftest import get_token, sign_in
from tests.reviews.rounds_world import MONDAY, audit_actions, set_team, team_of, vale  # noqa: F401

TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)


@pytest.fixture
def teams(vale):
    """Alder on Monday (lead from Beech, reviewer from Cherry); Elm on Tuesday (lead from Fir,
    reviewer from Cherry); Fir on Wednesday (lead from Hazel, reviewer from Elm)."""
    set_team(vale.reviews["Alder"], MONDAY, (vale.leads["Beech"], True), (vale.reviewers["Cherry"], False))
    set_team(vale.reviews["Elm"], TUESDAY, (vale.leads["Fir"], True), (vale.reviewers["Cherry"], False))
    set_team(vale.reviews["Fir"], WEDNESDAY, (vale.leads["Hazel"], True), (vale.reviewers["Elm"], False))
    return vale


def _url(v, host, tail=""):
    return f"/manage/rounds/{v.round.id}/reviews/{v.reviews[host].id}{tail}"


def _post(client, v, host, tail, **data):
    if client.get("/login").status_code == 200:  # not signed in yet
        sign_in(client, v.admin.email)
    token = get_token(client, _url(v, host))
    return client.post(_url(v, host, tail), data={"csrf_token": token, **data})


def _add(client, v, host, person, lead=False):
    data = {"person_id": str(person.id)}
    if lead:
        data["lead"] = "1"
    return _post(client, v, host, "/members", **data)


def _snapshot(v):
    db.session.expire_all()
    teams = {name: (team_of(r.id), db.session.get(Review, r.id).review_date) for name, r in v.reviews.items()}
    return teams, _team_changes()


def _team_changes():
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.in_(("review.team_changed", "review.date_changed"))))


def _refused(response, snapshot_before, v, *messages):
    assert response.status_code in (400, 409, 422), response.status_code
    page = response.get_data(as_text=True)
    assert "That change was not made" in page
    for message in messages:
        assert message in page, message
    assert _snapshot(v) == snapshot_before  # the teams, dates and audit log as they were


# --- refused ------------------------------------------------------------------------------


def test_reviewer_cannot_review_their_own_school(client, teams):
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Alder"])
    _refused(response, before, teams, "Rae Alder works at Alder Primary, and nobody reviews their own school.")
    assert response.status_code == 422


def test_two_reviews_on_one_day_are_refused(client, teams):
    # Cherry's reviewer is at Alder on Monday; Hazel's review is put on Monday too.
    set_team(teams.reviews["Hazel"], MONDAY, (teams.leads["Elm"], True))
    before = _snapshot(teams)
    response = _add(client, teams, "Hazel", teams.reviewers["Cherry"])
    _refused(response, before, teams, "Rae Cherry would have two reviews on 11 Jan 2027.")


def test_moving_a_review_onto_a_day_a_member_is_busy_is_refused(client, teams):
    before = _snapshot(teams)
    response = _post(client, teams, "Elm", "/date", day=MONDAY.isoformat())
    _refused(response, before, teams, "Rae Cherry would have two reviews on 11 Jan 2027.")


def test_more_reviews_than_the_round_allows_are_refused(client, teams):
    set_team(teams.reviews["Hazel"], date(2027, 1, 14), (teams.leads["Elm"], True))
    before = _snapshot(teams)
    response = _add(client, teams, "Hazel", teams.reviewers["Cherry"])
    _refused(response, before, teams, "Rae Cherry would have 3 reviews in this round; the most is 2.")


def test_declared_conflict_is_refused(client, teams):
    db.session.add(ConflictOfInterest(person_id=teams.reviewers["Hazel"].id, school_id=teams.schools["Alder"].id,
                                      reason="My daughter goes there"))
    db.session.commit()
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Hazel"])
    _refused(response, before, teams, "Rae Hazel has a conflict of interest with Alder Primary.")


def test_reciprocal_pair_is_refused_unless_allowed(client, teams):
    # A lead from Beech reviews Alder, so nobody from Alder may review Beech.
    set_team(teams.reviews["Beech"], date(2027, 1, 15), (teams.leads["Elm"], True))
    before = _snapshot(teams)
    response = _add(client, teams, "Beech", teams.reviewers["Alder"])
    _refused(response, before, teams, "Alder Primary and Beech Primary would review each other")

    teams.round.allow_reciprocal = True
    db.session.commit()
    assert _add(client, teams, "Beech", teams.reviewers["Alder"]).status_code == 302
    assert (teams.reviewers["Alder"].id, False) in team_of(teams.reviews["Beech"].id)


def test_untrained_reviewer_is_refused(client, teams):
    role = db.session.scalar(select(RoleAssignment).where(RoleAssignment.person_id == teams.reviewers["Hazel"].id))
    role.trained_on = None
    db.session.commit()
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Hazel"])
    _refused(response, before, teams, "Rae Hazel has no reviewer training recorded.")


def test_lead_must_be_experienced(client, teams):
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Hazel"], lead=True)
    _refused(response, before, teams, "Rae Hazel is not an experienced lead reviewer, so cannot lead the team for Alder Primary.")
    cherry = next(m for m in teams.reviews["Alder"].team if m.person_id == teams.reviewers["Cherry"].id)
    response = _post(client, teams, "Alder", f"/members/{cherry.id}/lead")
    _refused(response, before, teams, "Rae Cherry is not an experienced lead reviewer")


def test_too_far_is_refused(client, teams):
    teams.round.max_distance_km = 10  # Hazel is 15 km from Alder
    db.session.commit()
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Hazel"])
    _refused(response, before, teams, "Rae Hazel’s school is 15 km from Alder Primary, more than this round’s limit of 10 km.")


def test_same_cluster_is_refused_when_excluded(client, teams, world):
    world.cluster(teams.partnership, "East hub", [teams.schools["Alder"], teams.schools["Hazel"]])
    teams.round.exclude_same_cluster = True
    db.session.commit()
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Hazel"])
    _refused(response, before, teams, "Rae Hazel works in the same cluster as Alder Primary")


def test_a_full_team_takes_nobody_else(client, teams):
    set_team(teams.reviews["Alder"], MONDAY, (teams.leads["Beech"], True), (teams.reviewers["Cherry"], False),
             (teams.reviewers["Fir"], False))
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Hazel"])
    _refused(response, before, teams, "The team for Alder Primary has 4 reviewers; this round needs 2 to 3.")


def test_a_day_outside_the_window_or_not_a_date_is_refused(client, teams):
    before = _snapshot(teams)
    for day in ("2027-01-16", "2027-02-01", "next tuesday", ""):  # a Saturday, after the window, nonsense
        response = _post(client, teams, "Alder", "/date", day=day)
        assert response.status_code == 422, day
        assert _snapshot(teams) == before


def test_someone_who_is_not_a_reviewer_here_cannot_be_added(client, teams):
    before = _snapshot(teams)
    for person_id in (str(teams.hill_reviewer.id), str(teams.head.id), "999999", "x"):
        response = _post(client, teams, "Hazel", "/members", person_id=person_id)
        assert response.status_code == 400, person_id
        assert _snapshot(teams) == before


def test_adding_someone_twice_is_refused(client, teams):
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.reviewers["Cherry"])
    _refused(response, before, teams, "Rae Cherry is already on this team.")
    assert response.status_code == 409


def test_another_rounds_review_or_member_is_not_found(client, teams):
    sign_in(client, teams.admin.email)
    token = get_token(client, _url(teams, "Alder"))
    alder_member = teams.reviews["Alder"].team[0]
    response = client.post(_url(teams, "Elm", f"/members/{alder_member.id}/remove"), data={"csrf_token": token})
    assert response.status_code == 409
    assert len(team_of(teams.reviews["Alder"].id)) == 2


def test_a_change_without_csrf_is_refused(client, teams):
    sign_in(client, teams.admin.email)
    before = _snapshot(teams)
    response = client.post(_url(teams, "Hazel", "/members"), data={"person_id": str(teams.leads["Elm"].id)})
    assert response.status_code == 400
    assert _snapshot(teams) == before


# --- accepted -----------------------------------------------------------------------------


def test_add_remove_make_lead_and_change_date_are_saved_and_audited(client, teams):
    hazel = teams.reviews["Hazel"]
    assert _add(client, teams, "Hazel", teams.leads["Elm"], lead=True).status_code == 302
    assert _add(client, teams, "Hazel", teams.leads["Cherry"]).status_code == 302
    db.session.expire_all()
    team = db.session.scalars(select(TeamMember).where(TeamMember.review_id == hazel.id)).all()
    elm = next(m for m in team if m.person_id == teams.leads["Elm"].id)
    cherry = next(m for m in team if m.person_id == teams.leads["Cherry"].id)
    assert elm.is_lead and elm.source == "manual" and elm.distance_km == 6.0
    assert cherry.distance_km == 9.0

    assert _post(client, teams, "Hazel", f"/members/{cherry.id}/lead").status_code == 302
    assert team_of(hazel.id) == sorted([(teams.leads["Elm"].id, False), (teams.leads["Cherry"].id, True)])
    assert _post(client, teams, "Hazel", f"/members/{elm.id}/remove").status_code == 302
    assert team_of(hazel.id) == [(teams.leads["Cherry"].id, True)]
    assert _post(client, teams, "Hazel", "/date", day="2027-01-20").status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, hazel.id).review_date == date(2027, 1, 20)
    assert audit_actions().count("review.team_changed") == 4
    assert audit_actions().count("review.date_changed") == 1


def test_a_team_short_of_its_minimum_is_allowed_but_flagged(client, teams):
    assert _add(client, teams, "Hazel", teams.leads["Elm"], lead=True).status_code == 302
    page = client.get(_url(teams, "Hazel")).get_data(as_text=True)
    assert "The team for Hazel Primary has 1 reviewers; this round needs 2 to 3." in page
    page = client.get(f"/manage/rounds/{teams.round.id}").get_data(as_text=True)
    assert "things to fix before publishing" in page or "thing to fix before publishing" in page


def test_the_picker_lists_who_may_join_nearest_first_and_why_others_may_not(client, teams):
    sign_in(client, teams.admin.email)
    page = client.get(_url(teams, "Alder")).get_data(as_text=True)
    # Elm's lead (9 km) comes before Hazel's (15 km); Alder's own reviewer cannot join.
    assert page.index("Lee Elm") < page.index("Lee Hazel")
    assert "9 km from Elm Primary" in page
    assert "Cannot join: works at the school" in page
    # Cherry's reviewer already has two reviews, the most this round allows.
    page = client.get(_url(teams, "Hazel")).get_data(as_text=True)
    assert "Cannot join: Rae Cherry would have 3 reviews in this round; the most is 2." in page


def test_a_team_can_still_change_after_publishing_but_not_once_the_visit_starts(client, teams):
    teams.round.status = "published"
    for r in teams.round.reviews:
        if r.team:
            r.status = "confirmed"
    db.session.commit()
    assert _add(client, teams, "Alder", teams.leads["Elm"]).status_code == 302
    # The same rules apply after publishing.
    before = _snapshot(teams)
    _refused(_add(client, teams, "Alder", teams.reviewers["Alder"]), before, teams, "nobody reviews their own school")

    alder = db.session.get(Review, teams.reviews["Alder"].id)
    alder.status = "in_progress"
    db.session.commit()
    before = _snapshot(teams)
    response = _add(client, teams, "Alder", teams.leads["Hazel"])
    assert response.status_code == 409
    assert _snapshot(teams) == before
    page = client.get(_url(teams, "Alder")).get_data(as_text=True)
    assert "The visit has started, so this team can no longer change." in page
