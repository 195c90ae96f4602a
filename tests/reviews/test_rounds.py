"""Review rounds for admins: who may reach the pages, creating and editing a round, proposing
teams and dates with the reasons shown, schools that cannot be placed."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.reviews.models import Review, ReviewRound, TeamMember
from peerreview.reviews.problem import build_problem, placements, round_reviews
from peerreview.reviews.rules import violations
from tests.conftest import get_token, sign_in
from tests.reviews.rounds_world import MONDAY, audit_actions, build, set_team, vale  # noqa: F401


def _form(token, **overrides):
    data = {
        "csrf_token": token, "name": "Summer 2027",
        "window_start": ["7", "6", "2027"], "window_end": ["18", "6", "2027"],
        "team_min": "2", "team_max": "3", "max_reviews_per_reviewer": "2", "max_distance_km": "",
    }
    data.update(overrides)
    return data


# --- who may reach what ---------------------------------------------------------------------


def _round_urls(v):
    rid = v.round.id
    review_id = v.reviews["Alder"].id
    return [f"/manage/rounds/{rid}", f"/manage/rounds/{rid}/edit", f"/manage/rounds/{rid}/reviews/{review_id}"]


def test_admin_reaches_every_round_page(client, vale):
    sign_in(client, vale.admin.email)
    for url in ["/manage/rounds", "/manage/rounds/new"] + _round_urls(vale):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who, expected", [("other_admin", 404), ("head", 403), ("reviewer", 403)])
def test_round_pages_are_for_this_partnerships_admins(client, vale, who, expected):
    person = vale.reviewers["Beech"] if who == "reviewer" else getattr(vale, who)
    sign_in(client, person.email)
    for url in _round_urls(vale):
        assert client.get(url).status_code == expected, url
    token = get_token(client, "/manage/rounds/schedule")
    for action in ("propose", "publish"):
        response = client.post(f"/manage/rounds/{vale.round.id}/{action}", data={"csrf_token": token})
        assert response.status_code == expected, action
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0


@pytest.mark.parametrize("who", ["head", "reviewer"])
def test_round_list_and_create_are_for_admins(client, vale, who):
    person = vale.reviewers["Beech"] if who == "reviewer" else vale.head
    sign_in(client, person.email)
    assert client.get("/manage/rounds").status_code == 403
    assert client.get("/manage/rounds/new").status_code == 403


def test_another_partnerships_admin_does_not_see_the_round_listed(client, vale):
    sign_in(client, vale.other_admin.email)
    page = client.get("/manage/rounds").get_data(as_text=True)
    assert "Spring 2027" not in page


def test_signed_out_people_are_sent_to_sign_in(client, vale):
    assert client.get(f"/manage/rounds/{vale.round.id}").status_code in (302, 401)


# --- creating and editing -------------------------------------------------------------------


def test_create_round_with_defaults_makes_a_proposed_review_per_open_host(client, world):
    p = world.partnership("Vale Partnership")
    a = world.school(p, "Alder Primary", phase="Primary")
    b = world.school(p, "Beech Academy", phase="Secondary", status="Open")
    world.school(p, "Closed Juniors", status="Closed")
    world.cluster(p, "North hub", [a])
    admin = world.person("admin@vale.example", ("admin", p))
    sign_in(client, admin.email)
    page = client.get("/manage/rounds/new").get_data(as_text=True)
    assert "Alder Primary (North hub; Primary)" in page
    assert "Closed Juniors (Closed)" in page
    # The open schools are ticked to start with, the closed one is not.
    assert f'value="{a.id}" checked' in page.replace("\n", " ") or f'checked value="{a.id}"' in page
    token = get_token(client, "/manage/rounds/new")
    response = client.post("/manage/rounds/new", data=_form(token, hosts=[str(a.id), str(b.id)]))
    assert response.status_code == 302
    review_round = db.session.scalar(select(ReviewRound))
    assert (review_round.team_min, review_round.team_max, review_round.max_reviews_per_reviewer) == (2, 3, 2)
    assert review_round.status == "draft" and not review_round.allow_reciprocal and not review_round.use_estimates
    assert sorted((r.host_school_id, r.status) for r in review_round.reviews) == [(a.id, "proposed"), (b.id, "proposed")]
    assert "round.created" in audit_actions()


@pytest.mark.parametrize("overrides, message", [
    ({"window_end": ["1", "6", "2027"]}, "The last day of the window must be the same as or after the first"),
    ({"team_min": "3", "team_max": "2"}, "The largest team cannot be smaller than the smallest team"),
    ({"team_max": "9"}, "Enter a whole number of reviewers from 1 to 6"),
    ({"max_reviews_per_reviewer": "two"}, "Enter a whole number of reviews from 1 to 10"),
    ({"max_distance_km": "-5"}, "Enter a distance from 1 to 1000 km, or leave it empty"),
    ({"window_start": ["31", "2", "2027"]}, "Enter a real date"),
    ({"name": "   "}, "Enter a name for the round"),
    ({"window_start": ["12", "6", "2027"], "window_end": ["13", "6", "2027"]}, "The window must include at least one weekday"),
])
def test_create_round_refuses_bad_settings_with_a_message(client, vale, overrides, message):
    sign_in(client, vale.admin.email)
    token = get_token(client, "/manage/rounds/new")
    before = db.session.scalar(select(func.count()).select_from(ReviewRound))
    response = client.post("/manage/rounds/new",
                           data=_form(token, hosts=[str(vale.schools["Alder"].id)], **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReviewRound)) == before


def test_create_round_refuses_no_hosts_and_another_partnerships_school(client, vale):
    sign_in(client, vale.admin.email)
    token = get_token(client, "/manage/rounds/new")
    response = client.post("/manage/rounds/new", data=_form(token))
    assert response.status_code == 422
    assert "Choose at least one school to host a review" in response.get_data(as_text=True)
    response = client.post("/manage/rounds/new", data=_form(token, hosts=[str(vale.hill.id)]))
    assert response.status_code == 422
    assert "Choose only schools from this partnership" in response.get_data(as_text=True)
    response = client.post("/manage/rounds/new", data=_form(token, hosts=["abc"]))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ReviewRound)) == 1


def test_edit_draft_round_changes_settings_and_hosts(client, vale):
    sign_in(client, vale.admin.email)
    url = f"/manage/rounds/{vale.round.id}/edit"
    token = get_token(client, url)
    keep = [str(vale.schools[n].id) for n in ("Alder", "Beech", "Cherry")]
    response = client.post(url, data=_form(token, name="Spring 2027 (revised)", hosts=keep, team_max="4",
                                           max_distance_km="20", exclude_same_cluster="y"))
    assert response.status_code == 302
    db.session.expire_all()
    r = db.session.get(ReviewRound, vale.round.id)
    assert (r.name, r.team_max, r.max_distance_km, r.exclude_same_cluster) == ("Spring 2027 (revised)", 4, 20, True)
    assert sorted(str(x.host_school_id) for x in r.reviews) == sorted(keep)


def test_edit_keeps_a_host_that_has_started_preparing(client, vale):
    alder = vale.reviews["Alder"]
    alder.self_evaluation = "Our reading is strong."
    db.session.commit()
    sign_in(client, vale.admin.email)
    url = f"/manage/rounds/{vale.round.id}/edit"
    token = get_token(client, url)
    response = client.post(url, data=_form(token, hosts=[str(vale.schools["Beech"].id)]))
    assert response.status_code == 422
    assert "started preparing" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, alder.id).self_evaluation == "Our reading is strong."
    assert len(db.session.get(ReviewRound, vale.round.id).reviews) == 6


def test_published_round_settings_cannot_change(client, vale):
    vale.round.status = "published"
    db.session.commit()
    sign_in(client, vale.admin.email)
    url = f"/manage/rounds/{vale.round.id}/edit"
    assert client.get(url).status_code == 409
    token = get_token(client, "/manage/rounds/schedule")
    assert client.post(url, data=_form(token, hosts=[str(vale.schools["Beech"].id)])).status_code == 409
    assert client.post(f"/manage/rounds/{vale.round.id}/propose", data={"csrf_token": token}).status_code == 409
    db.session.expire_all()
    assert len(db.session.get(ReviewRound, vale.round.id).reviews) == 6


# --- proposing ------------------------------------------------------------------------------


def _propose(client, v):
    sign_in(client, v.admin.email)
    token = get_token(client, f"/manage/rounds/{v.round.id}")
    return client.post(f"/manage/rounds/{v.round.id}/propose", data={"csrf_token": token}, follow_redirects=True)


def test_propose_places_every_school_and_says_why(client, vale):
    response = _propose(client, vale)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "6 of 6 schools placed" in page
    db.session.expire_all()
    reviews = round_reviews(db.session.get(ReviewRound, vale.round.id))
    assert all(r.review_date and r.team and r.lead is not None and r.unplaced is None for r in reviews)
    assert all(m.source == "proposed" and m.distance_km is not None for r in reviews for m in r.team)
    picture = build_problem(vale.round)
    assert violations(picture.problem, placements(reviews)) == []
    # Every member's line says how far they travel from which school, and which of their reviews it is.
    member = reviews[0].team[0]
    home = next(s for s in vale.schools.values() if s.id == picture.problem.reviewer_by_id[member.person_id].school_id)
    assert f"{member.distance_km:g} km from {home.name}" in page
    assert "review 1 of their 2" in page or "their only review in this round" in page
    assert "Total travel" in page
    assert "round.proposed" in audit_actions()


def test_unplaced_schools_are_listed_with_the_reason(client, vale):
    far = vale.schools["Hazel"]
    far.easting, far.northing = 600000, 600000  # hundreds of km from everyone
    vale.round.max_distance_km = 30
    db.session.commit()
    page = _propose(client, vale).get_data(as_text=True)
    assert "5 of 6 schools placed" in page
    db.session.expire_all()
    hazel = db.session.get(Review, vale.reviews["Hazel"].id)
    assert hazel.team == [] and hazel.unplaced["code"] == "no_trained_reviewers_in_reach"
    assert "1 school not placed" in page
    assert "No trained reviewer may review Hazel Primary." in page
    assert "too far: " in page


def test_proposing_again_replaces_every_team_including_manual_changes(client, vale):
    alder = vale.reviews["Alder"]
    set_team(alder, MONDAY, (vale.leads["Hazel"], True))
    _propose(client, vale)
    db.session.expire_all()
    team = db.session.scalars(select(TeamMember).where(TeamMember.review_id == alder.id)).all()
    assert team and all(m.source == "proposed" for m in team)


def test_round_page_tells_the_admin_that_proposing_again_replaces_teams(client, vale):
    _propose(client, vale)
    page = client.get(f"/manage/rounds/{vale.round.id}").get_data(as_text=True)
    assert "Proposing again replaces every team and date in this round, including changes you made by hand." in page


def test_not_enough_reviewers_is_explained(client, world):
    v = build(world, round_kwargs={"team_min": 3, "team_max": 3, "max_reviews_per_reviewer": 1})
    # Three people per team, one review each, twelve reviewers: only four hosts can be placed.
    page = _propose(client, v).get_data(as_text=True)
    assert "4 of 6 schools placed" in page
    assert "2 schools not placed" in page
    assert "they are all needed for other reviews" in page


def test_a_round_with_no_trained_reviewers_says_so(client, vale):
    from peerreview.core.accounts.models import RoleAssignment

    for role in db.session.scalars(select(RoleAssignment).where(RoleAssignment.role == "reviewer")):
        role.can_lead = False
        role.trained_on = None
    db.session.commit()
    page = _propose(client, vale).get_data(as_text=True)
    assert "0 of 6 schools placed" in page
    assert "No reviewer in this partnership has a training date recorded, so nobody can review Alder Primary yet." in page
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0
