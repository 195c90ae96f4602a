"""Reads for the round pages: the list of rounds, a round's reviews with the reason for every
assignment, the problems to fix before publishing, the reviewer picker, a person's schedule
and declared conflicts. Each page takes a fixed handful of queries whatever the round's size.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.core import permissions
from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db
from peerreview.reviews.models import ConflictOfInterest, Review, ReviewRound, TeamMember
from peerreview.reviews.problem import RoundPicture, build_problem, placements, review_days, round_reviews
from peerreview.reviews.rounds_messages import (
    distance_text, ordinal_load, pair_reason_phrase, unplaced_text, violation_text,
)
from peerreview.reviews.rules import Member, Placement, distance_km, pair_violations, violations

PAGE_SIZE = 100


@dataclass
class RoundRow:
    round: ReviewRound
    hosts: int
    placed: int


def round_rows(partnership_ids: set[int]) -> list[RoundRow]:
    if not partnership_ids:
        return []
    placed = (select(Review.round_id, func.count(func.distinct(Review.id)).label("n"))
              .join(TeamMember, TeamMember.review_id == Review.id).group_by(Review.round_id)).subquery()
    hosts = select(Review.round_id, func.count().label("n")).group_by(Review.round_id).subquery()
    stmt = (select(ReviewRound, func.coalesce(hosts.c.n, 0), func.coalesce(placed.c.n, 0))
            .outerjoin(hosts, hosts.c.round_id == ReviewRound.id)
            .outerjoin(placed, placed.c.round_id == ReviewRound.id)
            .where(ReviewRound.partnership_id.in_(partnership_ids))
            .options(selectinload(ReviewRound.partnership))
            .order_by(ReviewRound.window_start.desc(), ReviewRound.id.desc()))
    return [RoundRow(r, n_hosts, n_placed) for r, n_hosts, n_placed in db.session.execute(stmt)]


def is_open(school: School) -> bool:
    """GIAS "Open" and "Open, but proposed to close"; a school with no status recorded counts as open."""
    return school.status is None or school.status.strip().lower().startswith("open")


def host_choices(partnership: Partnership) -> list[tuple[School, list[str]]]:
    """The partnership's schools with their cluster names, by name."""
    schools = list(db.session.scalars(
        select(School).where(School.partnership_id == partnership.id)
        .options(selectinload(School.clusters)).order_by(School.name)))
    return [(s, [c.name for c in s.clusters]) for s in schools]


# --- the round page -----------------------------------------------------------------------


@dataclass
class MemberRow:
    member: TeamMember
    name: str
    lead: bool
    home: str
    distance: str
    load: str


@dataclass
class ReviewRow:
    review: Review
    members: list[MemberRow]
    unplaced: str | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Totals:
    hosts: int = 0
    placed: int = 0
    unplaced: int = 0
    reviewers_used: int = 0
    total_km: float = 0.0
    mean_km: float | None = None
    least_load: int = 0
    most_load: int = 0


@dataclass
class RoundPage:
    picture: RoundPicture
    rows: list[ReviewRow]
    unplaced: list[tuple[Review, str]]
    problems: list[str]
    totals: Totals
    page: int
    pages: int
    days: tuple[date, ...]
    to_confirm: int  # reviews with a team that publishing would confirm


def _load_positions(reviews: list[Review]) -> dict[tuple[int, int], tuple[int, int]]:
    """(person, review) -> (which of their reviews this is, how many they have), by date."""
    theirs: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        for m in review.team:
            theirs[m.person_id].append(review)
    found = {}
    for person_id, rs in theirs.items():
        rs.sort(key=lambda r: (r.review_date or date.max, r.id))
        for i, r in enumerate(rs, 1):
            found[(person_id, r.id)] = (i, len(rs))
    return found


def round_page(review_round: ReviewRound, *, page: int = 1, only_problems: bool = False) -> RoundPage:
    reviews = round_reviews(review_round)
    picture = build_problem(review_round)
    placed = [p for p in placements(reviews) if p.members]
    broken = violations(picture.problem, placed, complete=True)
    problems_of: dict[int, list[str]] = defaultdict(list)  # host id -> messages
    host_of_person: dict[int, list[int]] = defaultdict(list)
    for r in reviews:
        for m in r.team:
            host_of_person[m.person_id].append(r.host_school_id)
    for v in broken:
        text = violation_text(v, picture)
        if v.host_id is not None:
            problems_of[v.host_id].append(text)
            if v.code == "reciprocal":
                problems_of[v.detail.get("other_host_id")].append(text)
        elif v.person_id is not None:
            for h in host_of_person.get(v.person_id, ()):
                problems_of[h].append(text)

    positions = _load_positions(reviews)
    reviewer_by_id = picture.problem.reviewer_by_id
    totals = Totals(hosts=len(reviews))
    loads = Counter()
    kms = []
    rows = []
    unplaced = []
    for review in reviews:
        members = []
        for m in review.team:
            reviewer = reviewer_by_id.get(m.person_id)
            home = picture.school(reviewer.school_id) if reviewer else "?"
            index, total = positions.get((m.person_id, review.id), (1, 1))
            members.append(MemberRow(m, m.person.name, bool(m.is_lead), home,
                                     distance_text(m.distance_km, home), ordinal_load(index, total)))
            loads[m.person_id] += 1
            if m.distance_km is not None:
                kms.append(m.distance_km)
        reason = unplaced_text(review.host_school_id, review.unplaced, picture) if review.unplaced and not review.team else None
        if review.team:
            totals.placed += 1
        elif reason:
            unplaced.append((review, reason))
        rows.append(ReviewRow(review, members, reason, problems_of.get(review.host_school_id, [])))
    totals.unplaced = len(unplaced)
    totals.reviewers_used = len(loads)
    totals.total_km = round(sum(kms), 1)
    totals.mean_km = round(sum(kms) / len(kms), 1) if kms else None
    totals.least_load = min(loads.values(), default=0)
    totals.most_load = max(loads.values(), default=0)

    rows.sort(key=lambda row: (row.review.review_date or date.max, row.review.host.name))
    if only_problems:
        rows = [row for row in rows if row.problems or not row.review.team]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return RoundPage(picture=picture, rows=shown, unplaced=unplaced,
                     problems=[violation_text(v, picture) for v in broken], totals=totals,
                     page=page, pages=pages,
                     days=review_days(review_round.window_start, review_round.window_end),
                     to_confirm=sum(1 for r in reviews if r.team and r.status == "proposed"))


# --- one review's team --------------------------------------------------------------------


@dataclass
class Candidate:
    person_id: int
    name: str
    home: str
    km: float | None
    distance: str
    load: int
    can_lead: bool
    reasons: list[str]

    @property
    def eligible(self) -> bool:
        return not self.reasons


@dataclass
class TeamPage:
    review: Review
    picture: RoundPicture
    members: list[MemberRow]
    problems: list[str]
    candidates: list[Candidate]
    days: tuple[date, ...]
    eligible_count: int
    ineligible_count: int


def _key(v) -> tuple:
    return (v.code, v.host_id, v.person_id, repr(sorted(v.detail.items())))


def team_page(review: Review, *, search: str = "", limit: int = 40) -> TeamPage:
    """The team with reasons, the rules it breaks, and the reviewers who could join it: those
    who may (nearest first), then those who may not, with the reason. Whether someone may join
    is worked out by :func:`rules.violations` on the few placements adding them can affect
    (their own reviews, the host's team, and their school's review for the reciprocal rule)."""
    review_round = review.round
    reviews = round_reviews(review_round)
    picture = build_problem(review_round)
    problem = picture.problem
    all_placements = placements(reviews)
    by_host = {p.host_id: p for p in all_placements}
    host_id = review.host_school_id
    mine = by_host.get(host_id) or Placement(host_id, review.review_date, [])
    on_team = {m.person_id for m in mine.members}
    of_person: dict[int, list[Placement]] = defaultdict(list)
    for p in all_placements:
        for m in p.members:
            of_person[m.person_id].append(p)

    broken = violations(problem, [p for p in all_placements if p.members], complete=True)
    problems = [violation_text(v, picture) for v in broken
                if v.host_id == host_id or v.person_id in on_team
                or (v.code == "reciprocal" and v.detail.get("other_host_id") == host_id)]

    needle = " ".join((search or "").lower().split())
    candidates = []
    for reviewer in problem.reviewers:
        pid = reviewer.person_id
        if pid in on_team:
            continue
        name = picture.person(pid)
        if needle and needle not in name.lower():
            continue
        home = picture.school(reviewer.school_id)
        km = distance_km(problem.place(reviewer.school_id), problem.place(host_id))
        km = None if km is None else round(km, 1)
        pair = pair_violations(problem, reviewer, host_id)
        if pair:
            reasons = [pair_reason_phrase(v.code, v.detail) for v in pair]
        else:
            affected = {id(p): p for p in of_person.get(pid, [])}
            home_review = by_host.get(reviewer.school_id)
            if home_review is not None:
                affected[id(home_review)] = home_review
            affected.pop(id(mine), None)
            before = [mine] + list(affected.values())
            after = [Placement(mine.host_id, mine.day, list(mine.members) + [Member(pid, False, km)])] + list(affected.values())
            old = {_key(v) for v in violations(problem, before, complete=False)}
            reasons = [violation_text(v, picture) for v in violations(problem, after, complete=False)
                       if _key(v) not in old]
        candidates.append(Candidate(pid, name, home, km, distance_text(km, home), len(of_person.get(pid, [])),
                                    reviewer.can_lead, reasons))
    candidates.sort(key=lambda c: (not c.eligible, c.km is None, c.km or 0.0, c.name))
    eligible = [c for c in candidates if c.eligible]
    ineligible = [c for c in candidates if not c.eligible]
    shown = eligible[:limit] + ineligible[:limit]

    positions = _load_positions(reviews)
    members = []
    for m in review.team:
        reviewer = problem.reviewer_by_id.get(m.person_id)
        home = picture.school(reviewer.school_id) if reviewer else "?"
        index, total = positions.get((m.person_id, review.id), (1, 1))
        members.append(MemberRow(m, m.person.name, bool(m.is_lead), home, distance_text(m.distance_km, home),
                                 ordinal_load(index, total)))
    return TeamPage(review=review, picture=picture, members=members, problems=problems, candidates=shown,
                    days=review_days(review_round.window_start, review_round.window_end),
                    eligible_count=len(eligible), ineligible_count=len(ineligible))


# --- schedules ----------------------------------------------------------------------------


@dataclass
class ScheduleRow:
    review: Review
    part: str  # "lead", "reviewer", "host"


def schedule_for(person: Person) -> list[ScheduleRow]:
    """Published reviews this person is on the team for, or whose host school they lead,
    soonest first (reviews with no date last). Reviews in draft rounds are not shown."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    head_of = permissions.head_school_ids(person)
    member = select(TeamMember.review_id).where(TeamMember.person_id == person.id)
    stmt = (select(Review).join(ReviewRound)
            .where(ReviewRound.status == "published",
                   Review.id.in_(member) | Review.host_school_id.in_(head_of))
            .options(selectinload(Review.host), selectinload(Review.team).selectinload(TeamMember.person),
                     selectinload(Review.round))
            .order_by(Review.review_date.is_(None), Review.review_date, Review.id))
    rows = []
    for review in db.session.scalars(stmt):
        mine = next((m for m in review.team if m.person_id == person.id), None)
        if mine is not None:
            rows.append(ScheduleRow(review, "lead" if mine.is_lead else "reviewer"))
        elif review.host_school_id in head_of:
            rows.append(ScheduleRow(review, "host"))
    return rows


def feed_reviews(person: Person) -> list[Review]:
    """What a person's calendar feed lists: their scheduled reviews that have a date and a team."""
    return [row.review for row in schedule_for(person)
            if row.review.review_date is not None and row.review.status != "proposed"]


# --- conflicts of interest ------------------------------------------------------------------


def reviewer_partnership_ids(person: Person) -> set[int]:
    if person is None or not getattr(person, "is_authenticated", False) or not person.active:
        return set()
    return {r.partnership_id for r in person.roles if r.role == "reviewer"}


def own_conflicts(person: Person) -> list[ConflictOfInterest]:
    return list(db.session.scalars(
        select(ConflictOfInterest).where(ConflictOfInterest.person_id == person.id)
        .options(selectinload(ConflictOfInterest.school)).order_by(ConflictOfInterest.id)))


def declarable_schools(person: Person) -> list[School]:
    """Schools of the partnerships where the person reviews."""
    ids = reviewer_partnership_ids(person)
    if not ids:
        return []
    return list(db.session.scalars(select(School).where(School.partnership_id.in_(ids)).order_by(School.name)))


def partnership_conflicts(partnership_ids: set[int]) -> list[ConflictOfInterest]:
    """Every conflict declared by a reviewer of these partnerships, about a school in them."""
    if not partnership_ids:
        return []
    reviewers = select(RoleAssignment.person_id).where(RoleAssignment.role == "reviewer",
                                                       RoleAssignment.partnership_id.in_(partnership_ids))
    return list(db.session.scalars(
        select(ConflictOfInterest).join(School, School.id == ConflictOfInterest.school_id)
        .where(ConflictOfInterest.person_id.in_(reviewers), School.partnership_id.in_(partnership_ids))
        .options(selectinload(ConflictOfInterest.school), selectinload(ConflictOfInterest.person))
        .order_by(School.name, ConflictOfInterest.id)))
