"""Who may do what to a review: the one place for the reviews' permission rules.

The report belongs to the host school: its head (and whoever the head shares it with) and
the partnership's admins read it; the lead reviewer writes it; other reviewers see only their
own record. Team members see a review only once the round is published.

As elsewhere, a review outside every partnership the person belongs to is "not found" (404);
one inside it that they have no part in is 403 (see ``peerreview.core.permissions``).
"""
from __future__ import annotations

from enum import StrEnum

from flask import abort
from sqlalchemy import select

from peerreview.core import permissions
from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from peerreview.reviews.models import Review, ReviewRound, ReportShare


class ReviewAction(StrEnum):
    VIEW = "view"  # the review's page: host, date, team, lines of enquiry, the host's attachments
    PREPARE = "prepare"  # self-evaluation, lines of enquiry, attachments (host head, admins)
    RECORD = "record"  # one's own visit record (team members)
    WRITE_REPORT = "write_report"  # the report (the lead reviewer)
    READ_REPORT = "read_report"  # the submitted report (host head, those it is shared with, admins, its author)
    REPLY = "reply"  # right of reply, agreeing next steps, sharing (host head)


def can_manage_rounds(person: Person | None, partnership: Partnership) -> bool:
    return partnership.id in permissions.admin_partnership_ids(person)


def parts(person: Person | None, review: Review) -> set[str]:
    """The parts this person plays in this review: admin, host_head, lead, reviewer, shared."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.active:
        return set()
    found: set[str] = set()
    if review.round.partnership_id in permissions.admin_partnership_ids(person):
        found.add("admin")
    if review.host_school_id in permissions.head_school_ids(person):
        found.add("host_head")
    if review.round.status == "published":
        for member in review.team:
            if member.person_id == person.id:
                found.add("lead" if member.is_lead else "reviewer")
    if db.session.get(ReportShare, (review.id, person.id)) is not None:
        found.add("shared")
    return found


_WHO = {
    ReviewAction.VIEW: {"admin", "host_head", "lead", "reviewer", "shared"},
    ReviewAction.PREPARE: {"admin", "host_head"},
    ReviewAction.RECORD: {"lead", "reviewer"},
    ReviewAction.WRITE_REPORT: {"lead"},
    ReviewAction.READ_REPORT: {"admin", "host_head", "shared", "lead"},
    ReviewAction.REPLY: {"host_head"},
}


def can(person: Person | None, action: ReviewAction, review: Review) -> bool:
    return bool(parts(person, review) & _WHO[action])


def require(person: Person | None, action: ReviewAction, review: Review) -> None:
    if not can(person, action, review):
        abort(403)


def review_or_404(person: Person | None, review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None or review.round.partnership_id not in permissions.partnership_ids(person):
        abort(404)
    return review


def round_or_404(person: Person | None, round_id: int) -> ReviewRound:
    review_round = db.session.get(ReviewRound, round_id)
    if review_round is None or review_round.partnership_id not in permissions.partnership_ids(person):
        abort(404)
    return review_round


def visible_review_ids(person: Person) -> list[int]:
    """Reviews this person has a part in (for their list of reviews)."""
    from peerreview.reviews.models import TeamMember

    admin_of = permissions.admin_partnership_ids(person)
    head_of = permissions.head_school_ids(person)
    stmt = (
        select(Review.id).join(ReviewRound)
        .outerjoin(TeamMember, (TeamMember.review_id == Review.id) & (TeamMember.person_id == person.id))
        .outerjoin(ReportShare, (ReportShare.review_id == Review.id) & (ReportShare.person_id == person.id))
        .where(
            ReviewRound.partnership_id.in_(admin_of)
            | Review.host_school_id.in_(head_of)
            | ((ReviewRound.status == "published") & TeamMember.id.is_not(None))
            | ReportShare.person_id.is_not(None)
        )
        .distinct()
    )
    return list(db.session.scalars(stmt))
