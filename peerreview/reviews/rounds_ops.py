"""Writes for review rounds: creating and editing a round, proposing its teams and dates,
changing a team by hand, publishing. One commit each, with its audit event.

Every change to a team or a date is checked with :func:`rules.violations` over the whole
round before anything is written: a change that would break a hard rule the round did not
already break is refused (:class:`TeamChangeRefused`) and nothing is saved. A team still
short of its minimum size, or without its lead, is allowed while it is being built (the
round page flags it, and publishing refuses it).
"""
from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db
from peerreview.reviews import notify, workflow
from peerreview.reviews.models import MAX_TEAM_SIZE, Review, ReviewRound, TeamMember
from peerreview.reviews.problem import (
    MAX_WINDOW_DAYS,
    RoundPicture,
    build_problem,
    placements,
    review_days,
    round_reviews,
)
from peerreview.reviews.rounds_messages import violation_text
from peerreview.reviews.rules import (
    Member,
    Placement,
    Violation,
    distance_km,
    violations,
)

if TYPE_CHECKING:
    from peerreview.reviews import pairing

MAX_REVIEWS_PER_REVIEWER = 10
MAX_DISTANCE_KM = 1000


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class RoundProblem(Exception):
    """Settings a round cannot take. ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


class RoundLocked(Exception):
    """The round is published: its settings, hosts and proposal can no longer change."""


class TeamChangeRefused(Exception):
    """A team change that would break the round's rules; ``messages`` says which, in words."""

    def __init__(self, messages: list[str], status: int = 422):
        super().__init__("; ".join(messages))
        self.messages = messages
        self.status = status


@dataclass(frozen=True)
class RoundSettings:
    name: str
    window_start: date
    window_end: date
    team_min: int = 2
    team_max: int = 3
    max_reviews_per_reviewer: int = 2
    max_distance_km: int | None = None
    allow_reciprocal: bool = False
    exclude_same_cluster: bool = False
    exclude_same_trust: bool = False
    use_estimates: bool = False
    host_ids: frozenset[int] = frozenset()


def check_settings(partnership: Partnership, s: RoundSettings) -> None:
    """The rules every round's settings keep (the forms say the same, earlier)."""
    if not (s.name or "").strip():
        raise RoundProblem("name", _l("Enter a name for the round"))
    if len(s.name) > 200:
        raise RoundProblem("name", _l("The name must be 200 characters or fewer"))
    if s.window_end < s.window_start:
        raise RoundProblem("window_end", _l("The last day of the window must be the same as or after the first"))
    if (s.window_end - s.window_start).days > MAX_WINDOW_DAYS:
        raise RoundProblem("window_end", _l("The window can be at most %(days)d days long", days=MAX_WINDOW_DAYS))
    if not review_days(s.window_start, s.window_end):
        raise RoundProblem("window_end", _l("The window must include at least one weekday"))
    if not 1 <= s.team_min <= MAX_TEAM_SIZE:
        raise RoundProblem("team_min", _l("The smallest team must be from 1 to %(max)d reviewers", max=MAX_TEAM_SIZE))
    if not 1 <= s.team_max <= MAX_TEAM_SIZE:
        raise RoundProblem("team_max", _l("The largest team must be from 1 to %(max)d reviewers", max=MAX_TEAM_SIZE))
    if s.team_max < s.team_min:
        raise RoundProblem("team_max", _l("The largest team cannot be smaller than the smallest team"))
    if not 1 <= s.max_reviews_per_reviewer <= MAX_REVIEWS_PER_REVIEWER:
        raise RoundProblem("max_reviews_per_reviewer",
                           _l("Enter a whole number of reviews from 1 to %(max)d", max=MAX_REVIEWS_PER_REVIEWER))
    if s.max_distance_km is not None and not 1 <= s.max_distance_km <= MAX_DISTANCE_KM:
        raise RoundProblem("max_distance_km",
                           _l("Enter a distance from 1 to %(max)d km, or leave it empty", max=MAX_DISTANCE_KM))
    if not s.host_ids:
        raise RoundProblem("hosts", _l("Choose at least one school to host a review"))
    own = set(db.session.scalars(select(School.id).where(School.partnership_id == partnership.id,
                                                         School.id.in_(s.host_ids))))
    if own != set(s.host_ids):
        raise RoundProblem("hosts", _l("Choose only schools from this partnership"))


def _apply_settings(review_round: ReviewRound, s: RoundSettings) -> None:
    review_round.name = s.name.strip()
    review_round.window_start = s.window_start
    review_round.window_end = s.window_end
    review_round.team_min = s.team_min
    review_round.team_max = s.team_max
    review_round.max_reviews_per_reviewer = s.max_reviews_per_reviewer
    review_round.max_distance_km = s.max_distance_km
    review_round.allow_reciprocal = s.allow_reciprocal
    review_round.exclude_same_cluster = s.exclude_same_cluster
    review_round.exclude_same_trust = s.exclude_same_trust
    review_round.use_estimates = s.use_estimates


def create_round(partnership: Partnership, s: RoundSettings, *, actor=None) -> ReviewRound:
    """A draft round with one review (status proposed) per host school."""
    check_settings(partnership, s)
    review_round = ReviewRound(partnership_id=partnership.id, status="draft")
    _apply_settings(review_round, s)
    for host_id in sorted(s.host_ids):
        review_round.reviews.append(Review(host_school_id=host_id, status="proposed"))
    db.session.add(review_round)
    db.session.flush()
    audit.record("round.created", f"round {review_round.id} “{review_round.name}”: {len(s.host_ids)} host schools",
                 actor=actor, partnership_id=partnership.id)
    db.session.commit()
    return review_round


def _has_preparation(review: Review) -> bool:
    return bool((review.self_evaluation or "").strip() or review.lines or review.attachments)


def update_round(review_round: ReviewRound, s: RoundSettings, *, actor=None) -> None:
    """Change a draft round's settings and hosts. A host that has started preparing (a
    self-evaluation, a line of enquiry or an attachment) cannot be taken out."""
    if review_round.status != "draft":
        raise RoundLocked()
    check_settings(review_round.partnership, s)
    current = {r.host_school_id: r for r in review_round.reviews}
    dropped = [current[h] for h in current if h not in s.host_ids]
    started = [r.host.name for r in dropped if _has_preparation(r)]
    if started:
        raise RoundProblem("hosts", _l("These schools have started preparing their review, so they stay in the "
                                       "round: %(schools)s", schools=", ".join(sorted(started))))
    _apply_settings(review_round, s)
    for review in dropped:
        review_round.reviews.remove(review)
    for host_id in sorted(set(s.host_ids) - set(current)):
        review_round.reviews.append(Review(host_school_id=host_id, status="proposed"))
    audit.record("round.updated", f"round {review_round.id} “{review_round.name}”: settings saved, "
                 f"{len(s.host_ids)} host schools", actor=actor, partnership_id=review_round.partnership_id)
    db.session.commit()


# --- proposing ----------------------------------------------------------------------------


def _json_safe(detail: dict) -> dict:
    return json.loads(json.dumps(detail or {}, default=str))


def propose(review_round: ReviewRound, *, actor=None) -> pairing.Proposal:
    """Teams and dates for every host of a draft round, replacing every team it had (those
    proposed before and those changed by hand). Hosts that cannot be placed get the reason."""
    if review_round.status != "draft":
        raise RoundLocked()
    picture = build_problem(review_round)
    # OR-Tools is loaded only when a round is proposed: about 50 MB that the web and pack
    # worker processes otherwise never need.
    from peerreview.reviews import pairing

    proposal = pairing.propose(picture.problem, time_limit_s=current_app.config["PAIRING_TIME_LIMIT_S"])
    reviews = round_reviews(review_round)
    ids = [r.id for r in reviews]
    db.session.execute(delete(TeamMember).where(TeamMember.review_id.in_(ids)))
    db.session.expire_all()
    reviews = round_reviews(review_round)
    by_host = {r.host_school_id: r for r in reviews}
    for review in reviews:
        review.review_date = None
        review.unplaced = None
    for placement in proposal.placements:
        review = by_host[placement.host_id]
        review.review_date = placement.day
        for m in placement.members:
            review.team.append(TeamMember(person_id=m.person_id, is_lead=m.lead, distance_km=m.distance_km,
                                          source="proposed"))
    for u in proposal.unplaced:
        by_host[u.host_id].unplaced = {"code": u.code, "detail": _json_safe(u.detail)}
    audit.record("round.proposed", f"round {review_round.id} “{review_round.name}”: {len(proposal.placements)} placed, "
                 f"{len(proposal.unplaced)} not placed, {proposal.total_km} km in all ({proposal.status})",
                 actor=actor, partnership_id=review_round.partnership_id)
    db.session.commit()
    return proposal


# --- changing a team by hand ----------------------------------------------------------------


def _key(v: Violation) -> tuple:
    return (v.code, v.host_id, v.person_id, json.dumps(v.detail, sort_keys=True, default=str))


def new_violations(picture: RoundPicture, before: list[Placement], after: list[Placement]) -> list[Violation]:
    """What ``after`` breaks that ``before`` did not, over the whole round. Teams may be short
    of their minimum or without a lead while they are built; a team over its maximum or with
    two leads is refused."""
    problem = picture.problem
    old = {_key(v) for v in violations(problem, before, complete=False)}
    found = [v for v in violations(problem, after, complete=False) if _key(v) not in old]
    old_complete = {_key(v) for v in violations(problem, before, complete=True)}
    for v in violations(problem, after, complete=True):
        if _key(v) in old_complete:
            continue
        if v.code == "several_leads" or (v.code == "team_size" and v.detail.get("size", 0) > v.detail.get("max", 0)):
            found.append(v)
    return found


@dataclass
class _Edit:
    review_round: ReviewRound
    review: Review
    picture: RoundPicture
    before: list[Placement]
    after: list[Placement]
    placement: Placement


def _start_edit(review: Review) -> _Edit:
    workflow_ok = workflow.team_editable(review)
    if not workflow_ok:
        raise workflow.WrongState(review, "change the team")
    review_round = review.round
    reviews = round_reviews(review_round)
    picture = build_problem(review_round)
    before = placements(reviews)
    after = deepcopy(before)
    placement = next((p for p in after if p.host_id == review.host_school_id), None)
    if placement is None:
        placement = Placement(review.host_school_id, review.review_date, [])
        after.append(placement)
    return _Edit(review_round, review, picture, before, after, placement)


def _check(edit: _Edit) -> None:
    broken = new_violations(edit.picture, edit.before, edit.after)
    if broken:
        raise TeamChangeRefused([violation_text(v, edit.picture) for v in broken])


def _commit_team_change() -> None:
    """Commit; if someone else changed the same team at the same moment (the database's
    one-lead and one-place-per-person rules), nothing is saved and the admin is told."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise TeamChangeRefused([str(_l("Someone else changed this team at the same moment. Nothing was saved: "
                                        "reload the page and try again."))], status=409) from None


def _audit_team(edit: _Edit, text: str, actor, action: str = "review.team_changed") -> None:
    # The detail starts "review <id> ": the calendar counts date changes by it.
    audit.record(action, f"review {edit.review.id} ({edit.review.host.name}): {text}",
                 actor=actor, partnership_id=edit.review_round.partnership_id)


def _member_distance(picture: RoundPicture, person_id: int, host_id: int) -> float | None:
    reviewer = picture.problem.reviewer_by_id.get(person_id)
    if reviewer is None:
        return None
    km = distance_km(picture.problem.place(reviewer.school_id), picture.problem.place(host_id))
    return None if km is None else round(km, 1)


def add_member(review: Review, person_id: int, *, lead: bool = False, actor=None) -> TeamMember:
    """Add a reviewer to the team (as its lead, replacing the lead, when ``lead``)."""
    edit = _start_edit(review)
    problem = edit.picture.problem
    if person_id not in problem.reviewer_by_id:
        raise TeamChangeRefused([str(_l("Choose one of this partnership’s active reviewers."))], status=400)
    if any(m.person_id == person_id for m in edit.placement.members):
        raise TeamChangeRefused([str(_l("%(person)s is already on this team.", person=edit.picture.person(person_id)))],
                                status=409)
    km = _member_distance(edit.picture, person_id, review.host_school_id)
    if lead:
        for m in edit.placement.members:
            m.lead = False
    edit.placement.members.append(Member(person_id, lead, km))
    _check(edit)

    if lead:
        for m in review.team:
            m.is_lead = False
        db.session.flush()
    member = TeamMember(person_id=person_id, is_lead=lead, distance_km=km, source="manual")
    review.team.append(member)
    review.unplaced = None
    name = edit.picture.person(person_id)
    _audit_team(edit, f"{name} added{' as lead' if lead else ''}", actor)
    _commit_team_change()
    notify.team_changed(review, added=[person_id])
    return member


def _member(review: Review, member_id: int) -> TeamMember:
    member = next((m for m in review.team if m.id == member_id), None)
    if member is None:
        raise TeamChangeRefused([str(_l("That reviewer is not on this team any more. Reload the page."))], status=409)
    return member


def remove_member(review: Review, member_id: int, *, actor=None) -> None:
    edit = _start_edit(review)
    member = _member(review, member_id)
    edit.placement.members = [m for m in edit.placement.members if m.person_id != member.person_id]
    _check(edit)
    person_id = member.person_id
    review.team.remove(member)
    _audit_team(edit, f"{edit.picture.person(person_id)} removed", actor)
    _commit_team_change()
    notify.team_changed(review, removed=[person_id])


def make_lead(review: Review, member_id: int, *, actor=None) -> None:
    edit = _start_edit(review)
    member = _member(review, member_id)
    if member.is_lead:
        return
    for m in edit.placement.members:
        m.lead = m.person_id == member.person_id
    _check(edit)
    for m in review.team:
        m.is_lead = False
    db.session.flush()
    member.is_lead = True
    member.source = "manual"
    _audit_team(edit, f"{edit.picture.person(member.person_id)} made lead", actor)
    _commit_team_change()


def change_date(review: Review, day: date, *, actor=None) -> None:
    edit = _start_edit(review)
    if review.review_date == day:
        return
    edit.placement.day = day
    _check(edit)
    old = review.review_date
    review.review_date = day
    _audit_team(edit, f"date {old.isoformat() if old else 'none'} -> {day.isoformat()}", actor,
                action="review.date_changed")
    _commit_team_change()
    notify.date_changed(review)


# --- publishing -----------------------------------------------------------------------------


class PublishRefused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Published:
    confirmed: int
    emails_sent: int


def publish_problems(review_round: ReviewRound, picture: RoundPicture | None = None,
                     reviews: list[Review] | None = None) -> list[str]:
    """Why the round cannot be published as it is: every rule a placed team breaks (a team of
    the wrong size or without a lead included), in words; empty when it can be."""
    reviews = reviews if reviews is not None else round_reviews(review_round)
    picture = picture or build_problem(review_round)
    placed = [p for p in placements(reviews) if p.members]
    if not placed:
        return [str(_l("No review has a team yet. Propose teams and dates first, or add reviewers by hand."))]
    return [violation_text(v, picture) for v in violations(picture.problem, placed, complete=True)]


def publish(review_round: ReviewRound, *, actor=None) -> Published:
    """Confirm every review with a team and publish the round (again, after changes: reviews
    given a team since are confirmed then). Team members and host heads are emailed."""
    reviews = round_reviews(review_round)
    problems = publish_problems(review_round, reviews=reviews)
    if problems:
        raise PublishRefused(problems)
    confirmed = []
    for review in reviews:
        if review.team and review.status == "proposed":
            workflow.move(review, "confirmed")
            review.unplaced = None
            confirmed.append(review)
    first = review_round.status != "published"
    review_round.status = "published"
    if first:
        review_round.published_at = utcnow()
    audit.record("round.published", f"round {review_round.id} “{review_round.name}”: {len(confirmed)} reviews confirmed",
                 actor=actor, partnership_id=review_round.partnership_id)
    db.session.commit()
    sent = notify.reviews_confirmed(confirmed)
    return Published(confirmed=len(confirmed), emails_sent=sent)
