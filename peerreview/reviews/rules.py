"""The hard rules of a peer review round, in one place.

Pure Python (no Flask, no database): the web layer builds a :class:`Problem` from the
round's rows, the solver (:mod:`peerreview.reviews.pairing`) proposes placements, and both
the solver and the manual-edit pages check placements with :func:`violations`.

The rules (every proposal keeps all of them; manual edits are checked against them):

1. each placed host has between ``team_min`` and ``team_max`` reviewers, exactly one of them
   the lead (``team_size``, ``no_lead``, ``several_leads``; a person listed twice in one team
   is ``member_twice``);
2. nobody reviews their own school (``own_school``);
3. no reciprocal pair in a round: a reviewer from school A on B's team while a reviewer from
   B is on A's team (``reciprocal``), unless ``allow_reciprocal``;
4. optionally no reviewer from a school sharing a cluster with the host (``same_cluster``) or
   in the same trust (``same_trust``; equal, non-empty trust names);
5. declared conflicts of interest are respected (``conflict``);
6. only trained reviewers (``untrained``); the lead is an experienced lead
   (``lead_not_experienced``);
7. a reviewer takes at most ``max_reviews_per_reviewer`` reviews in the round (``overloaded``);
8. with ``max_distance_km`` set, the straight-line distance between the reviewer's home
   school and the host is at most that (``too_far``); if either school has no location the
   pair is not allowed (``location_unknown``);
9. a placed review's day is one of ``review_days`` (``day_outside_window``; no day at all is
   ``no_day`` when the placements are complete); a reviewer never has two reviews on one day
   (``double_booked``); a host has one review per round (``host_twice``).

Placements naming someone or some school the problem does not know are reported as
``unknown_reviewer`` / ``not_a_host`` rather than guessed at.

Codes are stable strings; the web layer turns them into translated messages, so each
:class:`Violation` carries the numbers a message needs in ``detail``.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

__all__ = [
    "Place", "ReviewerInfo", "RoundRules", "Problem", "Member", "Placement", "Violation",
    "distance_km", "pair_violations", "allowed_pairs", "violations", "PAIR_CODES",
]

#: The codes :func:`pair_violations` can give: the reasons a reviewer may not join a host's
#: team at all, whatever else is in the round.
PAIR_CODES = ("own_school", "untrained", "conflict", "same_cluster", "same_trust", "location_unknown", "too_far")


@dataclass(frozen=True)
class Place:
    """A school as the rules see it. Easting/northing are OSGB36 national grid metres."""

    school_id: int
    easting: int | None
    northing: int | None
    clusters: frozenset[int] = frozenset()
    trust: str | None = None


@dataclass(frozen=True)
class ReviewerInfo:
    """A reviewer available for the round. ``conflicts`` holds school ids they must not review."""

    person_id: int
    school_id: int
    trained: bool
    can_lead: bool
    conflicts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RoundRules:
    """The settings of a round. ``review_days`` are the days reviews may take place (weekdays
    in the round's window); when empty, no days are given or checked beyond double booking."""

    team_min: int = 2
    team_max: int = 3
    max_reviews_per_reviewer: int = 2
    max_distance_km: float | None = None
    allow_reciprocal: bool = False
    exclude_same_cluster: bool = False
    exclude_same_trust: bool = False
    review_days: tuple[date, ...] = ()

    def __post_init__(self):
        if self.team_min < 1:
            raise ValueError("team_min must be at least 1 (a team needs its lead)")
        if self.team_max < self.team_min:
            raise ValueError("team_max must be at least team_min")
        if self.max_reviews_per_reviewer < 0:
            raise ValueError("max_reviews_per_reviewer cannot be negative")
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("max_distance_km cannot be negative")


@dataclass(frozen=True)
class Problem:
    """One round to pair: the schools involved (hosts and every reviewer's home school), the
    hosts to be reviewed, the reviewers available and the rules."""

    places: dict[int, Place]
    hosts: tuple[int, ...]
    reviewers: tuple[ReviewerInfo, ...]
    rules: RoundRules = field(default_factory=RoundRules)

    def __post_init__(self):
        if len(set(self.hosts)) != len(self.hosts):
            raise ValueError("a host is listed twice")
        ids = [r.person_id for r in self.reviewers]
        if len(set(ids)) != len(ids):
            raise ValueError("a reviewer is listed twice")

    @cached_property
    def reviewer_by_id(self) -> dict[int, ReviewerInfo]:
        return {r.person_id: r for r in self.reviewers}

    @cached_property
    def host_set(self) -> frozenset[int]:
        return frozenset(self.hosts)

    def place(self, school_id: int) -> Place:
        """The school's place; a school the problem has no place for has no location."""
        found = self.places.get(school_id)
        return found if found is not None else Place(school_id, None, None)


@dataclass
class Member:
    person_id: int
    lead: bool
    distance_km: float | None


@dataclass
class Placement:
    host_id: int
    day: date | None
    members: list[Member]


@dataclass(frozen=True)
class Violation:
    """One broken rule. ``detail`` holds what a message needs, e.g. ``{"km": 41.2, "max_km": 30}``."""

    code: str
    host_id: int | None
    person_id: int | None
    detail: dict = field(default_factory=dict, hash=False)


def distance_km(a: Place, b: Place) -> float | None:
    """Straight-line distance in km between two places, None when either has no location."""
    if a.easting is None or a.northing is None or b.easting is None or b.northing is None:
        return None
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / 1000.0


def pair_violations(problem: Problem, reviewer: ReviewerInfo, host_id: int) -> list[Violation]:
    """Why ``reviewer`` may not review ``host_id`` at all (rules 2, 4, 5, 6 trained, 8), in the
    order of :data:`PAIR_CODES`; empty when the pair is allowed. Leading, load, days and
    reciprocity depend on the rest of the round and are checked by :func:`violations`."""
    pid = reviewer.person_id
    found = [Violation(code, host_id, pid, {}) for code in _person_reasons(reviewer, host_id)]
    found.extend(Violation(code, host_id, pid, detail)
                 for code, detail in _school_reasons(problem, reviewer.school_id, host_id, with_detail=True))
    order = {code: i for i, code in enumerate(PAIR_CODES)}
    found.sort(key=lambda v: order[v.code])
    return found


def allowed_pairs(problem: Problem) -> dict[int, list[tuple[ReviewerInfo, float | None]]]:
    """For each host, every reviewer with no :func:`pair_violations` for it, with the distance
    in km (None when a location is unknown and no maximum distance is set), nearest first.

    The same rules as :func:`pair_violations`, worked out once per pair of schools rather than
    once per reviewer, which is what makes pairing a 500-school round quick."""
    by_school: dict[int, list[ReviewerInfo]] = defaultdict(list)
    for r in problem.reviewers:
        if r.trained:
            by_school[r.school_id].append(r)
    result: dict[int, list[tuple[ReviewerInfo, float | None]]] = {}
    for host_id in problem.hosts:
        found: list[tuple[ReviewerInfo, float | None]] = []
        for school_id, people in by_school.items():
            if school_id == host_id or _school_reasons(problem, school_id, host_id, with_detail=False):
                continue
            km = distance_km(problem.place(school_id), problem.place(host_id))
            found.extend((r, km) for r in people if not _person_reasons(r, host_id))
        found.sort(key=lambda e: (e[1] is None, e[1] or 0.0, e[0].person_id))
        result[host_id] = found
    return result


def _person_reasons(reviewer: ReviewerInfo, host_id: int) -> list[str]:
    reasons = []
    if reviewer.school_id == host_id:
        reasons.append("own_school")
    if not reviewer.trained:
        reasons.append("untrained")
    if host_id in reviewer.conflicts:
        reasons.append("conflict")
    return reasons


def _school_reasons(problem: Problem, home_id: int, host_id: int, *, with_detail: bool) -> list[tuple[str, dict]]:
    """The school-level reasons (rules 4 and 8) a reviewer from ``home_id`` may not review
    ``host_id``. Without detail it stops at the first reason (the fast path)."""
    rules = problem.rules
    home = problem.place(home_id)
    host = problem.place(host_id)
    reasons: list[tuple[str, dict]] = []
    if home_id != host_id:
        if rules.exclude_same_cluster:
            shared = home.clusters & host.clusters
            if shared:
                reasons.append(("same_cluster", {"clusters": sorted(shared)} if with_detail else {}))
                if not with_detail:
                    return reasons
        if rules.exclude_same_trust and home.trust and home.trust == host.trust:
            reasons.append(("same_trust", {"trust": home.trust} if with_detail else {}))
            if not with_detail:
                return reasons
    if rules.max_distance_km is not None:
        km = distance_km(home, host)
        if km is None:
            missing = [s for s, p in ((home_id, home), (host_id, host)) if p.easting is None or p.northing is None]
            reasons.append(("location_unknown", {"reviewer_school_id": home_id, "missing": missing}))
        elif km > rules.max_distance_km:
            reasons.append(("too_far", {"km": round(km, 1), "max_km": rules.max_distance_km}))
    return reasons


def violations(problem: Problem, placements: list[Placement], *, complete: bool = True) -> list[Violation]:
    """Every hard rule over a whole set of placements (a round, or the part of it being edited).

    ``complete=False`` skips the checks that only make sense once teams are finished (team
    size, exactly one lead, a day given), for an admin still building a team; everything else
    (a lead who cannot lead included) is still checked. Returns [] when all rules hold.
    """
    rules = problem.rules
    by_id = problem.reviewer_by_id
    found: list[Violation] = []
    window = set(rules.review_days)

    host_count = Counter(p.host_id for p in placements)
    for host_id, n in sorted(host_count.items()):
        if n > 1:
            found.append(Violation("host_twice", host_id, None, {"reviews": n}))

    load: Counter[int] = Counter()
    days_of: dict[int, Counter] = defaultdict(Counter)
    home_schools: dict[int, set[int]] = defaultdict(set)  # host -> reviewers' home schools

    for pl in placements:
        h = pl.host_id
        if h not in problem.host_set:
            found.append(Violation("not_a_host", h, None, {}))
        ids = [m.person_id for m in pl.members]
        for pid, n in sorted(Counter(ids).items()):
            if n > 1:
                found.append(Violation("member_twice", h, pid, {"times": n}))
        if complete:
            size = len(set(ids))
            if not rules.team_min <= size <= rules.team_max:
                found.append(Violation("team_size", h, None,
                                       {"size": size, "min": rules.team_min, "max": rules.team_max}))
            leads = sum(1 for m in pl.members if m.lead)
            if leads == 0:
                found.append(Violation("no_lead", h, None, {}))
            elif leads > 1:
                found.append(Violation("several_leads", h, None, {"leads": leads}))
        if pl.day is None:
            if complete and window:
                found.append(Violation("no_day", h, None, {}))
        elif window and pl.day not in window:
            found.append(Violation("day_outside_window", h, None, {
                "day": pl.day.isoformat(), "first": min(window).isoformat(), "last": max(window).isoformat()}))
        for pid in dict.fromkeys(ids):  # each person once per team, in order
            reviewer = by_id.get(pid)
            if reviewer is None:
                found.append(Violation("unknown_reviewer", h, pid, {}))
                continue
            found.extend(pair_violations(problem, reviewer, h))
            if any(m.lead for m in pl.members if m.person_id == pid) and not reviewer.can_lead:
                found.append(Violation("lead_not_experienced", h, pid, {}))
            load[pid] += 1
            if pl.day is not None:
                days_of[pid][pl.day] += 1
            home_schools[h].add(reviewer.school_id)

    for pid, n in sorted(load.items()):
        if n > rules.max_reviews_per_reviewer:
            found.append(Violation("overloaded", None, pid, {"reviews": n, "max": rules.max_reviews_per_reviewer}))
    for pid in sorted(days_of):
        for day, n in sorted(days_of[pid].items()):
            if n > 1:
                found.append(Violation("double_booked", None, pid, {"day": day.isoformat(), "reviews": n}))

    if not rules.allow_reciprocal:
        for a in sorted(home_schools):
            for b in sorted(home_schools[a]):
                if b > a and a in home_schools.get(b, ()):
                    # Reported once per pair, on the lower host id; detail names the other.
                    found.append(Violation("reciprocal", a, None, {"other_host_id": b}))
    return found
