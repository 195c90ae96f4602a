"""Reads for the review's page, "My reviews" and the host's preparation.

Who may see what is decided in ``access``; these functions only gather what a page shows.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import select, union
from sqlalchemy.orm import selectinload

from peerreview.core import permissions
from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.reviews import access, workflow
from peerreview.reviews.models import (
    Attachment,
    EvidenceEntry,
    LineOfEnquiry,
    RecordField,
    ReportFinding,
    ReportShare,
    Review,
    ReviewRound,
    TeamMember,
)

# What to do next, by part and state; each names the page it leads to.
PREPARE, RECORD, WRITE, REPLY, READ = "prepare", "record", "write", "reply", "read"


@dataclass
class ReviewRow:
    review: Review
    next_step: str | None = None  # one of PREPARE, RECORD, WRITE, REPLY, READ


@dataclass
class RoundGroup:
    review_round: ReviewRound
    rows: list[ReviewRow] = field(default_factory=list)


@dataclass
class MyReviews:
    hosting: list[ReviewRow] = field(default_factory=list)
    reviewing: list[tuple[ReviewRow, bool]] = field(default_factory=list)  # (row, is_lead)
    shared: list[ReviewRow] = field(default_factory=list)
    partnership_rounds: list[RoundGroup] = field(default_factory=list)  # admins: every review

    @property
    def empty(self) -> bool:
        return not (self.hosting or self.reviewing or self.shared or self.partnership_rounds)


@dataclass
class TeamRow:
    member: TeamMember
    school: School | None


def _sort_key(review: Review):
    return (review.review_date or date.max, review.host.name.lower(), review.id)


def is_ready(review: Review) -> bool:
    """The host's preparation is ready once it has at least one line of enquiry."""
    return len(review.lines) >= 1


def preparation_version(review: Review) -> str:
    """A short fingerprint of the saved preparation: the browser's draft copy records which
    version it was typed over, so a copy older than what is saved is never put back unasked."""
    saved = [review.self_evaluation or ""] + [
        [line.id, line.question, line.sip_priority, line.context or "", line.evidence_wanted or ""]
        for line in review.lines]
    return hashlib.sha256(json.dumps(saved, ensure_ascii=False).encode()).hexdigest()[:16]


def next_step(part: str, review: Review, today: date) -> str | None:
    """What this person should do next on this review, for the part they play in it."""
    if part == "host_head":
        if workflow.preparation_open(review) and not is_ready(review):
            return PREPARE
        if workflow.reply_open(review):
            return REPLY
        return None
    if part == "lead":
        if workflow.report_open(review):
            # Before and on the day the team gathers evidence; after it the lead writes up.
            visited = review.review_date is not None and review.review_date < today
            return WRITE if visited else RECORD
        return None
    if part == "reviewer":
        return RECORD if workflow.record_open(review) else None
    if part == "shared":
        return READ if review.status in ("submitted", "agreed") else None
    return None


def my_reviews(person: Person, today: date) -> MyReviews:
    """Every review the person has a part in, grouped by that part."""
    ids = access.visible_review_ids(person)
    result = MyReviews()
    if not ids:
        return result
    reviews = list(db.session.scalars(
        select(Review).where(Review.id.in_(ids)).options(
            selectinload(Review.host), selectinload(Review.round), selectinload(Review.lines),
            selectinload(Review.team))
    ))
    admin_of = permissions.admin_partnership_ids(person)
    head_of = permissions.head_school_ids(person)
    shared_ids = set(db.session.scalars(select(ReportShare.review_id).where(ReportShare.person_id == person.id)))
    rounds: dict[int, RoundGroup] = {}
    for review in sorted(reviews, key=_sort_key):
        if review.host_school_id in head_of:
            result.hosting.append(ReviewRow(review, next_step("host_head", review, today)))
        if review.round.status == "published":
            member = next((m for m in review.team if m.person_id == person.id), None)
            if member is not None:
                part = "lead" if member.is_lead else "reviewer"
                result.reviewing.append((ReviewRow(review, next_step(part, review, today)), member.is_lead))
        if review.id in shared_ids:
            result.shared.append(ReviewRow(review, next_step("shared", review, today)))
        if review.round.partnership_id in admin_of:
            group = rounds.setdefault(review.round_id, RoundGroup(review.round))
            group.rows.append(ReviewRow(review))
    result.partnership_rounds = sorted(
        rounds.values(), key=lambda g: (g.review_round.window_start, g.review_round.id), reverse=True)
    return result


def team_rows(review: Review) -> list[TeamRow]:
    """The team, lead first, each with the school they review from (their reviewer role in
    this partnership)."""
    person_ids = [m.person_id for m in review.team]
    schools: dict[int, School] = {}
    if person_ids:
        rows = db.session.execute(
            select(RoleAssignment.person_id, School)
            .join(School, School.id == RoleAssignment.school_id)
            .where(RoleAssignment.person_id.in_(person_ids), RoleAssignment.role == "reviewer",
                   RoleAssignment.partnership_id == review.round.partnership_id)
            .order_by(RoleAssignment.id)
        ).all()
        for person_id, school in rows:
            schools.setdefault(person_id, school)
    return [TeamRow(m, schools.get(m.person_id)) for m in review.team]


def referenced_line_ids(review: Review) -> set[int]:
    """Lines of enquiry that a reviewer's record or the report already refers to: removing
    one would lose what was written against it."""
    line_ids = select(LineOfEnquiry.id).where(LineOfEnquiry.review_id == review.id)
    stmt = union(
        select(RecordField.line_id).where(RecordField.line_id.in_(line_ids)),
        select(EvidenceEntry.line_id).where(EvidenceEntry.line_id.in_(line_ids)),
        select(ReportFinding.line_id).where(ReportFinding.line_id.in_(line_ids)),
    )
    return {line_id for line_id in db.session.scalars(stmt) if line_id is not None}


def attachment_or_404(review: Review, attachment_id: int) -> Attachment:
    """One of this review's attachments, else 404 (another review's id is not found here)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.review_id != review.id:
        abort(404)
    return attachment
