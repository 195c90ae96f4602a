"""Pairing a peer review round: every hard rule in rules.violations (one example per code),
and property tests over random partnerships that every proposal keeps every rule (checked
by rules.violations and by a small independent re-implementation here), that every host
is placed or listed with a reason, that a round possible by construction is fully placed,
and that an impossible round is reported, never broken."""
from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerreview.reviews.pairing import greedy, propose
from peerreview.reviews.rules import (
    Member, Place, Placement, Problem, ReviewerInfo, RoundRules, allowed_pairs, distance_km, pair_violations,
    violations,
)

MONDAY = date(2027, 1, 4)
WEEK = tuple(MONDAY + timedelta(days=i) for i in range(5))
LIMIT = 2.0  # seconds per proposal; tiny rounds finish long before
PROPERTY = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])

UNPLACED_CODES = {"no_trained_reviewers_in_reach", "no_lead_in_reach", "not_enough_reviewers_in_reach",
                  "capacity", "no_free_day"}


def codes(found):
    return sorted(v.code for v in found)


# --- a small world for the examples ------------------------------------------------------
#
# Schools 1-4 on a line 10 km apart (1 and 2 share cluster 7 and trust "Oak"), school 5 has
# no location. Reviewers: 11 (school 1, lead), 12 (school 1), 21 (school 2, lead), 31
# (school 3, lead), 32 (school 3, untrained), 41 (school 4, conflict with host 2), 51
# (school 5, lead).

def small(**rules) -> Problem:
    places = {
        1: Place(1, 400_000, 200_000, frozenset({7}), "Oak"),
        2: Place(2, 410_000, 200_000, frozenset({7}), "Oak"),
        3: Place(3, 420_000, 200_000, frozenset({8}), None),
        4: Place(4, 430_000, 200_000, frozenset(), "Elm"),
        5: Place(5, None, None),
    }
    reviewers = (
        ReviewerInfo(11, 1, trained=True, can_lead=True),
        ReviewerInfo(12, 1, trained=True, can_lead=False),
        ReviewerInfo(21, 2, trained=True, can_lead=True),
        ReviewerInfo(31, 3, trained=True, can_lead=True),
        ReviewerInfo(32, 3, trained=False, can_lead=False),
        ReviewerInfo(41, 4, trained=True, can_lead=False, conflicts=frozenset({2})),
        ReviewerInfo(51, 5, trained=True, can_lead=True),
    )
    return Problem(places=places, hosts=(1, 2, 3, 4, 5), reviewers=reviewers, rules=RoundRules(**rules))


def team(host, *people, day=None):
    """people: person ids, the first is the lead."""
    return Placement(host, day, [Member(pid, i == 0, None) for i, pid in enumerate(people)])


def test_distance_is_straight_line_km_and_unknown_without_a_location():
    assert distance_km(Place(1, 0, 0), Place(2, 3000, 4000)) == 5.0
    assert distance_km(Place(1, 0, 0), Place(2, None, 4000)) is None


def test_a_valid_round_has_no_violations():
    problem = small(review_days=WEEK)
    assert violations(problem, [team(2, 31, 12, day=WEEK[0]), team(4, 11, 21, day=WEEK[1])]) == []


def test_reviewing_your_own_school_is_flagged():
    found = violations(small(), [team(1, 11, 21)])
    assert [(v.code, v.host_id, v.person_id) for v in found] == [("own_school", 1, 11)]


def test_untrained_reviewers_and_leads_who_cannot_lead_are_flagged():
    found = violations(small(), [team(4, 12, 32)])
    assert codes(found) == ["lead_not_experienced", "untrained"]
    assert {(v.code, v.person_id) for v in found} == {("lead_not_experienced", 12), ("untrained", 32)}


def test_a_declared_conflict_is_flagged():
    found = violations(small(), [team(2, 31, 41)])
    assert [(v.code, v.host_id, v.person_id) for v in found] == [("conflict", 2, 41)]


def test_same_cluster_and_same_trust_only_when_the_round_excludes_them():
    placements = [team(2, 11, 31)]  # 11 is from school 1: cluster 7 and trust Oak, like host 2
    assert violations(small(), placements) == []
    found = violations(small(exclude_same_cluster=True, exclude_same_trust=True), placements)
    assert [(v.code, v.person_id, v.detail) for v in found] == [
        ("same_cluster", 11, {"clusters": [7]}), ("same_trust", 11, {"trust": "Oak"})]


def test_an_empty_trust_name_is_not_a_shared_trust():
    problem = small(exclude_same_trust=True)
    places = dict(problem.places)
    places[3] = Place(3, 420_000, 200_000, frozenset(), "")
    places[4] = Place(4, 430_000, 200_000, frozenset(), "")
    problem = Problem(places, problem.hosts, problem.reviewers, problem.rules)
    assert violations(problem, [team(4, 31, 12)]) == []


def test_too_far_carries_the_distance_and_the_limit():
    found = violations(small(max_distance_km=25), [team(4, 11, 21)])  # 11 is 30 km away, 21 is 20 km
    assert [(v.code, v.person_id, v.detail) for v in found] == [("too_far", 11, {"km": 30.0, "max_km": 25})]


def test_an_unknown_location_is_only_a_problem_when_there_is_a_maximum_distance():
    placements = [team(5, 31, 12), team(4, 51, 21)]
    assert violations(small(), placements) == []
    found = violations(small(max_distance_km=100), placements)
    assert {(v.code, v.host_id, v.person_id) for v in found} == {
        ("location_unknown", 5, 31), ("location_unknown", 5, 12), ("location_unknown", 4, 51)}
    assert found[0].detail == {"reviewer_school_id": 3, "missing": [5]}


def test_team_size_and_lead_count_when_complete_but_not_while_editing():
    placements = [team(3, 21), Placement(4, None, [Member(11, True, None), Member(21, True, None)]),
                  Placement(2, None, [Member(31, False, None), Member(12, False, None)]),
                  team(1, 21, 31, 41, 51)]
    found = violations(small(), placements)
    assert [(v.code, v.host_id, v.detail) for v in found if v.code == "team_size"] == [
        ("team_size", 3, {"size": 1, "min": 2, "max": 3}), ("team_size", 1, {"size": 4, "min": 2, "max": 3})]
    assert [(v.code, v.host_id) for v in found if v.code in {"no_lead", "several_leads"}] == [
        ("several_leads", 4), ("no_lead", 2)]
    relaxed = violations(small(max_reviews_per_reviewer=3, allow_reciprocal=True), placements, complete=False)
    assert codes(relaxed) == []


def test_someone_listed_twice_in_a_team_is_flagged():
    found = violations(small(), [Placement(4, None, [Member(11, True, None), Member(11, False, None)])])
    assert ("member_twice", 4, 11) in {(v.code, v.host_id, v.person_id) for v in found}


def test_more_reviews_than_allowed_is_overloaded():
    placements = [team(2, 31, 12), team(4, 11, 12)]
    assert violations(small(), placements) == []
    found = violations(small(max_reviews_per_reviewer=1), placements)
    assert [(v.code, v.person_id, v.detail) for v in found] == [("overloaded", 12, {"reviews": 2, "max": 1})]


def test_two_reviews_on_one_day_is_double_booked():
    placements = [team(2, 31, 12, day=WEEK[0]), team(4, 11, 12, day=WEEK[0])]
    found = violations(small(review_days=WEEK), placements)
    assert [(v.code, v.person_id, v.detail) for v in found] == [
        ("double_booked", 12, {"day": WEEK[0].isoformat(), "reviews": 2})]
    placements[1].day = WEEK[1]
    assert violations(small(review_days=WEEK), placements) == []


def test_days_must_be_in_the_window_and_given_once_complete():
    saturday = MONDAY + timedelta(days=5)
    found = violations(small(review_days=WEEK), [team(2, 31, 12, day=saturday), team(4, 11, 21)])
    assert [(v.code, v.host_id) for v in found] == [("day_outside_window", 2), ("no_day", 4)]
    assert found[0].detail == {"day": saturday.isoformat(), "first": WEEK[0].isoformat(), "last": WEEK[-1].isoformat()}
    assert codes(violations(small(review_days=WEEK), [team(4, 11, 21)], complete=False)) == []


def test_a_host_reviewed_twice_in_a_round_is_flagged():
    found = violations(small(), [team(4, 11, 21), team(4, 31, 12)])
    assert [(v.code, v.host_id, v.detail) for v in found] == [("host_twice", 4, {"reviews": 2})]


def test_a_reciprocal_pair_is_flagged_once_unless_allowed():
    placements = [team(1, 31, 41), team(3, 11, 21)]  # school 3 reviews 1 while school 1 reviews 3
    found = violations(small(), placements)
    assert [(v.code, v.host_id, v.detail) for v in found] == [("reciprocal", 1, {"other_host_id": 3})]
    assert violations(small(allow_reciprocal=True), placements) == []


def test_people_and_hosts_the_round_does_not_know_are_flagged():
    found = violations(small(), [team(4, 11, 99), team(6, 31, 12)])
    assert {(v.code, v.host_id, v.person_id) for v in found} == {("unknown_reviewer", 4, 99), ("not_a_host", 6, None)}


def test_pair_violations_names_every_reason_in_a_fixed_order():
    problem = small(exclude_same_cluster=True, exclude_same_trust=True, max_distance_km=5)
    untrained_far = ReviewerInfo(90, 1, trained=False, can_lead=False, conflicts=frozenset({2}))
    assert codes(pair_violations(problem, untrained_far, 2)) == sorted(
        ["untrained", "conflict", "same_cluster", "same_trust", "too_far"])
    assert [v.code for v in pair_violations(problem, untrained_far, 2)] == [
        "untrained", "conflict", "same_cluster", "same_trust", "too_far"]
    assert [v.code for v in pair_violations(problem, problem.reviewer_by_id[11], 1)] == ["own_school"]
    assert pair_violations(small(exclude_same_cluster=True), problem.reviewer_by_id[31], 4) == []


def test_bad_rules_are_refused():
    with pytest.raises(ValueError):
        RoundRules(team_min=3, team_max=2)
    with pytest.raises(ValueError):
        RoundRules(team_min=0)


# --- examples of proposals ---------------------------------------------------------------


def test_a_round_with_no_trained_reviewers_is_reported_not_broken():
    problem = small()
    problem = Problem(problem.places, problem.hosts,
                      tuple(ReviewerInfo(r.person_id, r.school_id, False, r.can_lead) for r in problem.reviewers))
    proposal = propose(problem, time_limit_s=LIMIT)
    assert proposal.placements == []
    assert proposal.status == "infeasible"
    assert [(u.host_id, u.code) for u in proposal.unplaced] == [(h, "no_trained_reviewers_in_reach") for h in range(1, 6)]
    assert proposal.unplaced[0].detail["trained"] == 0
    assert proposal.unplaced[0].detail["blocked"]["untrained"] == 7


def test_no_lead_and_too_few_in_reach_are_told_apart():
    # Within 10 km of host 4 is school 3 only: 31 (here conflicted with 4) and 32 (untrained).
    problem = small(max_distance_km=10, team_min=2)
    reviewers = tuple(ReviewerInfo(r.person_id, r.school_id, r.trained, r.can_lead,
                                   frozenset({4}) if r.person_id == 31 else r.conflicts) for r in problem.reviewers)
    problem = Problem(problem.places, (4, 1), reviewers, problem.rules)
    proposal = propose(problem, time_limit_s=LIMIT)
    by_host = {u.host_id: u for u in proposal.unplaced}
    assert by_host[4].code == "no_trained_reviewers_in_reach"
    assert by_host[4].detail == {"reviewers": 7, "trained": 6, "blocked": {
        "own_school": 1, "untrained": 1, "conflict": 1, "location_unknown": 1, "too_far": 3}}
    # Host 1: within 10 km only school 2 (21 leads) -> one person, fewer than team_min.
    assert by_host[1].code == "not_enough_reviewers_in_reach"
    assert by_host[1].detail == {"in_reach": 1, "team_min": 2}
    no_lead = Problem(problem.places, (1,), tuple(r for r in reviewers if r.person_id != 21) +
                      (ReviewerInfo(22, 2, True, False), ReviewerInfo(23, 2, True, False)), problem.rules)
    assert [(u.code, u.detail) for u in propose(no_lead, time_limit_s=LIMIT).unplaced] == [
        ("no_lead_in_reach", {"in_reach": 2})]


def _school_c(conflicts_by_person, max_reviews=2, days=WEEK[:2]):
    """Hosts 1, 2, 3 and a non-host school 9 whose three leads p1..p3 are the only reviewers."""
    places = {i: Place(i, 400_000 + i * 1000, 200_000) for i in (1, 2, 3, 9)}
    reviewers = tuple(ReviewerInfo(pid, 9, True, True, frozenset(c)) for pid, c in conflicts_by_person.items())
    return Problem(places, (1, 2, 3), reviewers,
                   RoundRules(max_reviews_per_reviewer=max_reviews, review_days=days))


def test_hosts_competing_for_the_same_people_are_reported_as_capacity():
    problem = _school_c({1: (), 2: ()}, max_reviews=1)  # two people, one review each: one host only
    proposal = propose(problem, time_limit_s=LIMIT)
    assert len(proposal.placements) == 1
    assert [u.code for u in proposal.unplaced] == ["capacity", "capacity"]
    assert proposal.unplaced[0].detail == {"in_reach": 2, "leads_in_reach": 2}
    assert proposal.status == "optimal"


def test_teams_that_cannot_all_get_a_day_are_reported_as_no_free_day():
    # Each host has exactly two people in reach, each pair of teams shares a person, and there
    # are two days: three teams in a triangle need three days, so one host has no free day.
    problem = _school_c({1: (2,), 2: (3,), 3: (1,)})
    proposal = propose(problem, time_limit_s=LIMIT)
    assert len(proposal.placements) == 2
    assert [u.code for u in proposal.unplaced] == ["no_free_day"]
    assert proposal.unplaced[0].detail["days"] == 2
    assert violations(problem, proposal.placements) == []


def test_the_solver_prefers_near_reviewers_and_spreads_the_load():
    # Hosts 1 and 2; school 9 sits next to both with two leads; school 8 is 20 km away with
    # two leads. Teams of one, one review each allowed twice: the near pair takes both.
    places = {1: Place(1, 400_000, 200_000), 2: Place(2, 401_000, 200_000),
              9: Place(9, 400_500, 200_000), 8: Place(8, 420_000, 200_000)}
    reviewers = (ReviewerInfo(91, 9, True, True), ReviewerInfo(92, 9, True, True),
                 ReviewerInfo(81, 8, True, True), ReviewerInfo(82, 8, True, True))
    problem = Problem(places, (1, 2), reviewers, RoundRules(team_min=1, team_max=2))
    proposal = propose(problem, time_limit_s=LIMIT)
    assert sorted(m.person_id for pl in proposal.placements for m in pl.members) == [91, 92]
    assert proposal.loads == {91: 1, 92: 1} and proposal.load_spread == 0
    assert [m.distance_km for pl in proposal.placements for m in pl.members] == [0.5, 0.5]
    assert proposal.total_km == 1.0
    assert proposal.status == "optimal"


def test_the_greedy_baseline_keeps_the_rules_too():
    problem = small(review_days=WEEK[:2], max_distance_km=25, exclude_same_cluster=True)
    proposal = greedy(problem)
    assert violations(problem, proposal.placements) == []
    assert {pl.host_id for pl in proposal.placements} | {u.host_id for u in proposal.unplaced} == set(problem.hosts)


# --- random partnerships -------------------------------------------------------------------


@st.composite
def partnerships(draw, max_schools: int = 12) -> Problem:
    n = draw(st.integers(1, max_schools))
    ids = [100 + i for i in range(n)]
    places = {}
    for s in ids:
        located = draw(st.integers(0, 9)) > 0  # about one in ten has no location
        places[s] = Place(
            s,
            draw(st.integers(300_000, 360_000)) if located else None,  # a 60 x 60 km box
            draw(st.integers(200_000, 260_000)) if located else None,
            frozenset(draw(st.sets(st.integers(1, 4), max_size=2))),
            draw(st.sampled_from([None, "", "Oak", "Elm"])),
        )
    reviewers = []
    for s in ids:
        for _ in range(draw(st.integers(0, 4))):
            reviewers.append(ReviewerInfo(
                len(reviewers) + 1, s,
                trained=draw(st.integers(0, 4)) > 0,
                can_lead=draw(st.booleans()),
                conflicts=frozenset(draw(st.sets(st.sampled_from(ids), max_size=2))),
            ))
    team_min = draw(st.integers(1, 3))
    n_days = draw(st.integers(0, 5))
    rules = RoundRules(
        team_min=team_min,
        team_max=team_min + draw(st.integers(0, 2)),
        max_reviews_per_reviewer=draw(st.integers(0, 3)),
        max_distance_km=draw(st.one_of(st.none(), st.floats(3, 90))),
        allow_reciprocal=draw(st.booleans()),
        exclude_same_cluster=draw(st.booleans()),
        exclude_same_trust=draw(st.booleans()),
        review_days=WEEK[:n_days],
    )
    hosts = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=n)))
    return Problem(places=places, hosts=hosts, reviewers=tuple(reviewers), rules=rules)


def independent_check(problem: Problem, placements: list[Placement]) -> list[str]:
    """A few of the hard rules again, written separately from rules.py."""
    problems = []
    person = {r.person_id: r for r in problem.reviewers}
    rules = problem.rules
    on_team = {pl.host_id: {person[m.person_id].school_id for m in pl.members} for pl in placements}
    for pl in placements:
        if not rules.team_min <= len(pl.members) <= rules.team_max:
            problems.append(f"team size at {pl.host_id}")
        if [m.lead for m in pl.members].count(True) != 1 or not all(
                person[m.person_id].can_lead for m in pl.members if m.lead):
            problems.append(f"lead at {pl.host_id}")
        for m in pl.members:
            r = person[m.person_id]
            if r.school_id == pl.host_id:
                problems.append(f"{r.person_id} reviews own school")
            if not r.trained or pl.host_id in r.conflicts:
                problems.append(f"{r.person_id} untrained or conflicted")
            if rules.max_distance_km is not None:
                a, b = problem.places[r.school_id], problem.places[pl.host_id]
                if None in (a.easting, a.northing, b.easting, b.northing):
                    problems.append(f"{r.person_id} location unknown")
                elif math.sqrt((a.easting - b.easting) ** 2 + (a.northing - b.northing) ** 2) > rules.max_distance_km * 1000:
                    problems.append(f"{r.person_id} too far")
        if not rules.allow_reciprocal:
            for school in on_team[pl.host_id]:
                if pl.host_id in on_team.get(school, ()):
                    problems.append(f"reciprocal {pl.host_id} {school}")
        if rules.review_days and pl.day not in rules.review_days:
            problems.append(f"day at {pl.host_id}")
    load = Counter(m.person_id for pl in placements for m in pl.members)
    problems += [f"{p} overloaded" for p, n in load.items() if n > rules.max_reviews_per_reviewer]
    booked = Counter((m.person_id, pl.day) for pl in placements for m in pl.members if pl.day is not None)
    problems += [f"{p} double booked {d}" for (p, d), n in booked.items() if n > 1]
    hosts = Counter(pl.host_id for pl in placements)
    problems += [f"host {h} twice" for h, n in hosts.items() if n > 1]
    return problems


def in_reach(problem: Problem, host: int) -> list[ReviewerInfo]:
    return [r for r in problem.reviewers if not pair_violations(problem, r, host)]


@PROPERTY
@given(partnerships())
def test_every_proposal_keeps_every_rule_and_accounts_for_every_host(problem):
    proposal = propose(problem, time_limit_s=LIMIT, seed=3)
    assert violations(problem, proposal.placements) == []
    assert independent_check(problem, proposal.placements) == []

    placed = [pl.host_id for pl in proposal.placements]
    unplaced = [u.host_id for u in proposal.unplaced]
    assert sorted(placed + unplaced) == sorted(problem.hosts)  # each host exactly once
    for u in proposal.unplaced:
        assert u.code in UNPLACED_CODES
        reach = in_reach(problem, u.host_id)
        if u.code == "no_trained_reviewers_in_reach":
            assert reach == []
        elif u.code == "no_lead_in_reach":
            assert reach and not any(r.can_lead for r in reach)
        elif u.code == "not_enough_reviewers_in_reach":
            assert 0 < len(reach) < problem.rules.team_min
        else:
            assert len(reach) >= problem.rules.team_min and any(r.can_lead for r in reach)
    for pl in proposal.placements:
        for m in pl.members:
            expected = distance_km(problem.places[problem.reviewer_by_id[m.person_id].school_id],
                                   problem.places[pl.host_id])
            assert m.distance_km == (None if expected is None else round(expected, 1))
    assert proposal.loads == dict(Counter(m.person_id for pl in proposal.placements for m in pl.members))
    if problem.hosts and not proposal.placements:
        assert proposal.status == "infeasible"
    else:
        assert proposal.status in {"optimal", "feasible"}


@PROPERTY
@given(partnerships())
def test_the_greedy_baseline_keeps_every_rule(problem):
    proposal = greedy(problem)
    assert violations(problem, proposal.placements) == []
    assert independent_check(problem, proposal.placements) == []


@PROPERTY
@given(partnerships())
def test_allowed_pairs_are_exactly_the_pairs_without_pair_violations(problem):
    fast = {h: sorted(r.person_id for r, _ in found) for h, found in allowed_pairs(problem).items()}
    slow = {h: sorted(r.person_id for r in in_reach(problem, h)) for h in problem.hosts}
    assert fast == slow


@st.composite
def feasible_rounds(draw) -> Problem:
    """A round that can be fully placed by construction: each host has a partner school that
    is not a host, close by, in no shared cluster or trust, with team_min trained leads. On
    top: random noise reviewers (untrained, conflicted, or simply extra)."""
    base = draw(partnerships(max_schools=6))
    rules = base.rules
    rules = RoundRules(
        team_min=rules.team_min, team_max=rules.team_max,
        max_reviews_per_reviewer=max(1, rules.max_reviews_per_reviewer),
        max_distance_km=None if rules.max_distance_km is None else max(rules.max_distance_km, 2.0),
        allow_reciprocal=rules.allow_reciprocal, exclude_same_cluster=rules.exclude_same_cluster,
        exclude_same_trust=rules.exclude_same_trust, review_days=rules.review_days,
    )
    places = dict(base.places)
    reviewers = list(base.reviewers)
    hosts = tuple(s for s in base.places if draw(st.booleans())) or (next(iter(base.places)),)
    for h in hosts:
        host = places[h]
        if host.easting is None or host.northing is None:
            host = places[h] = Place(h, 330_000, 230_000, host.clusters, host.trust)
        partner = 1000 + h
        places[partner] = Place(partner, host.easting + 1000, host.northing, frozenset({99}), f"partner of {h}")
        for _ in range(rules.team_min):
            reviewers.append(ReviewerInfo(len(reviewers) + 1, partner, trained=True, can_lead=True))
    return Problem(places, hosts, tuple(reviewers), rules)


@PROPERTY
@given(feasible_rounds())
def test_a_round_that_can_be_placed_is_placed_in_full(problem):
    proposal = propose(problem, time_limit_s=LIMIT)
    assert proposal.unplaced == []
    assert sorted(pl.host_id for pl in proposal.placements) == sorted(problem.hosts)
    assert violations(problem, proposal.placements) == []
    assert proposal.status in {"optimal", "feasible"}


@PROPERTY
@given(partnerships(), st.sampled_from(["untrained", "no_leads", "far", "no_load"]))
def test_an_impossible_round_is_reported_never_broken(problem, how):
    people = problem.reviewers
    rules = problem.rules
    if how == "untrained":
        people = tuple(ReviewerInfo(r.person_id, r.school_id, False, r.can_lead, r.conflicts) for r in people)
    elif how == "no_leads":
        people = tuple(ReviewerInfo(r.person_id, r.school_id, r.trained, False, r.conflicts) for r in people)
    elif how == "far":  # nobody is within 10 metres of anyone else
        rules = RoundRules(max_distance_km=0.001)
        places = {s: Place(s, i * 1000, 0, p.clusters, p.trust) for i, (s, p) in enumerate(problem.places.items())}
        problem = Problem(places, problem.hosts, people, rules)
    else:
        rules = RoundRules(max_reviews_per_reviewer=0)
    problem = Problem(problem.places, problem.hosts, people, rules)
    proposal = propose(problem, time_limit_s=LIMIT)
    assert proposal.placements == []
    assert sorted(u.host_id for u in proposal.unplaced) == sorted(problem.hosts)
    assert all(u.code in UNPLACED_CODES for u in proposal.unplaced)
    if how == "untrained":
        assert {u.code for u in proposal.unplaced} <= {"no_trained_reviewers_in_reach"}
    if how == "no_leads":
        assert {u.code for u in proposal.unplaced} <= {"no_trained_reviewers_in_reach", "no_lead_in_reach"}
    assert proposal.status == ("infeasible" if problem.hosts else "optimal")


@settings(deadline=None, max_examples=15)
@given(partnerships())
def test_the_same_round_and_seed_give_the_same_proposal(problem):
    first = propose(problem, time_limit_s=LIMIT, seed=5)
    again = propose(problem, time_limit_s=LIMIT, seed=5)
    assert first.placements == again.placements
    assert first.unplaced == again.unplaced


def test_days_keep_a_shared_reviewer_apart_and_the_busiest_day_as_light_as_possible():
    from peerreview.reviews.pairing import _Limit, _solve_days

    # Team 1 shares one person with each of teams 2, 3 and 4, which share nobody: with two
    # days, team 1 has a day to itself and the other three share the other day.
    teams = {1: [(1, True), (2, False), (3, False)], 2: [(1, True), (20, False)],
             3: [(2, True), (30, False)], 4: [(3, True), (40, False)]}
    day_of, proved = _solve_days(teams, WEEK[:2], _Limit(5.0, 1.0), seed=0)
    assert proved
    assert day_of[1] not in {day_of[2], day_of[3], day_of[4]}
    assert day_of[2] == day_of[3] == day_of[4]
    # With three days the other three teams spread out: no day has more than two reviews.
    day_of, proved = _solve_days(teams, WEEK[:3], _Limit(5.0, 1.0), seed=0)
    assert day_of[1] not in {day_of[2], day_of[3], day_of[4]}
    assert max(Counter(day_of.values()).values()) == 2
