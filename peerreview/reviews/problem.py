"""A round's rows as the rules see them: one function builds the :class:`rules.Problem`, one
turns the round's teams into :class:`rules.Placement` objects. The proposal, every manual
change, the round page's warnings and publishing all use these two, so the rules are always
checked against the same picture of the round.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import School, cluster_school
from peerreview.extensions import db
from peerreview.reviews.models import ConflictOfInterest, Review, ReviewRound, TeamMember
from peerreview.reviews.rules import Member, Place, Placement, Problem, ReviewerInfo, RoundRules

#: A round's window may not be longer than this (a school year and a bit).
MAX_WINDOW_DAYS = 400


def review_days(start: date, end: date) -> tuple[date, ...]:
    """The weekdays (Monday to Friday) from ``start`` to ``end``, both included."""
    if end < start or (end - start).days > MAX_WINDOW_DAYS:
        return ()
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return tuple(d for d in days if d.weekday() < 5)


def round_rules(review_round: ReviewRound) -> RoundRules:
    return RoundRules(
        team_min=review_round.team_min,
        team_max=review_round.team_max,
        max_reviews_per_reviewer=review_round.max_reviews_per_reviewer,
        max_distance_km=float(review_round.max_distance_km) if review_round.max_distance_km else None,
        allow_reciprocal=review_round.allow_reciprocal,
        exclude_same_cluster=review_round.exclude_same_cluster,
        exclude_same_trust=review_round.exclude_same_trust,
        review_days=review_days(review_round.window_start, review_round.window_end),
    )


@dataclass
class RoundPicture:
    """What the pages need beside the problem: names for the ids the rules talk about."""

    problem: Problem
    school_names: dict[int, str]
    person_names: dict[int, str]

    def school(self, school_id: int | None) -> str:
        return self.school_names.get(school_id, "?") if school_id is not None else "?"

    def person(self, person_id: int | None) -> str:
        return self.person_names.get(person_id, "?") if person_id is not None else "?"


def build_problem(review_round: ReviewRound) -> RoundPicture:
    """The round as a :class:`rules.Problem`: its hosts; every active person with a reviewer
    role in the partnership (trained when the role has a training date, a lead when the role
    says so, from the role's school; a person with reviewer roles at two schools is taken at
    their trained, leading, earliest one and kept away from the other); their declared
    conflicts; every school involved with its location, clusters and trust; and the weekdays
    of the window as review days. Five queries, whatever the size of the round."""
    partnership_id = review_round.partnership_id
    hosts = tuple(db.session.scalars(
        select(Review.host_school_id).where(Review.round_id == review_round.id).order_by(Review.id)))

    roles = db.session.execute(
        select(RoleAssignment.person_id, RoleAssignment.role, RoleAssignment.school_id,
               RoleAssignment.trained_on, RoleAssignment.can_lead, Person.name)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(RoleAssignment.partnership_id == partnership_id, RoleAssignment.school_id.is_not(None),
               Person.active.is_(True))
        .order_by(RoleAssignment.id)
    ).all()
    reviewer_roles: dict[int, list] = defaultdict(list)
    school_roles: dict[int, set[int]] = defaultdict(set)
    person_names: dict[int, str] = {}
    for row in roles:
        school_roles[row.person_id].add(row.school_id)
        if row.role == "reviewer":
            reviewer_roles[row.person_id].append(row)
            person_names[row.person_id] = row.name

    conflicts: dict[int, set[int]] = defaultdict(set)
    for person_id, school_id in db.session.execute(
        select(ConflictOfInterest.person_id, ConflictOfInterest.school_id)
        .where(ConflictOfInterest.person_id.in_(select(RoleAssignment.person_id).where(
            RoleAssignment.partnership_id == partnership_id, RoleAssignment.role == "reviewer")))
    ):
        conflicts[person_id].add(school_id)

    reviewers = []
    for person_id, options in reviewer_roles.items():
        home = min(options, key=lambda r: (r.trained_on is None, not r.can_lead))
        # The person's other schools here (a second reviewer role, a headship) count as
        # conflicts: nobody reviews a school they work at.
        barred = conflicts[person_id] | (school_roles[person_id] - {home.school_id})
        reviewers.append(ReviewerInfo(
            person_id=person_id, school_id=home.school_id, trained=home.trained_on is not None,
            can_lead=bool(home.can_lead and home.trained_on is not None), conflicts=frozenset(barred)))

    # Names of people on teams who are no longer reviewers here, for the messages about them.
    missing = select(TeamMember.person_id).join(Review).where(Review.round_id == review_round.id)
    for person_id, name in db.session.execute(
            select(Person.id, Person.name).where(Person.id.in_(missing))):
        person_names.setdefault(person_id, name)

    school_ids = set(hosts) | {r.school_id for r in reviewers}
    schools = db.session.execute(
        select(School.id, School.name, School.easting, School.northing, School.trust_name)
        .where((School.partnership_id == partnership_id) | School.id.in_(hosts))
    ).all()
    clusters_of: dict[int, set[int]] = defaultdict(set)
    for cluster_id, school_id in db.session.execute(
            select(cluster_school.c.cluster_id, cluster_school.c.school_id)
            .where(cluster_school.c.school_id.in_(school_ids))):
        clusters_of[school_id].add(cluster_id)
    places = {}
    school_names = {}
    for s in schools:
        school_names[s.id] = s.name
        if s.id in school_ids:
            places[s.id] = Place(s.id, s.easting, s.northing, frozenset(clusters_of[s.id]),
                                 (s.trust_name or "").strip() or None)

    problem = Problem(places=places, hosts=hosts, reviewers=tuple(sorted(reviewers, key=lambda r: r.person_id)),
                      rules=round_rules(review_round))
    return RoundPicture(problem=problem, school_names=school_names, person_names=person_names)


def round_reviews(review_round: ReviewRound) -> list[Review]:
    """The round's reviews with their hosts, teams and team members' names loaded (four queries)."""
    return list(db.session.scalars(
        select(Review).where(Review.round_id == review_round.id)
        .options(selectinload(Review.host), selectinload(Review.team).selectinload(TeamMember.person))
        .order_by(Review.id)
    ))


def placements(reviews: list[Review]) -> list[Placement]:
    """The round's current teams as placements: every review with a team member or a day.
    A review with neither is simply not placed (yet)."""
    found = []
    for review in reviews:
        if review.team or review.review_date is not None:
            found.append(Placement(
                host_id=review.host_school_id, day=review.review_date,
                members=[Member(m.person_id, bool(m.is_lead), m.distance_km)
                         for m in sorted(review.team, key=lambda m: (not m.is_lead, m.id or 0))]))
    return found
