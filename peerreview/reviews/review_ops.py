"""Writes for the host's preparation and its attachments. One commit each.

Every change checks the review's state here (``workflow``), so no caller can change the
preparation once the visit has started: that raises ``WrongState`` (a 409 page) and nothing
is written. A line of enquiry that a reviewer's record or the report already refers to is
never deleted (the database would take what was written against it with it): the save is
refused with ``LinesInUse`` instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from peerreview.core import audit
from peerreview.extensions import db
from peerreview.reviews import attachments, review_queries, workflow
from peerreview.reviews.models import MAX_LINES_OF_ENQUIRY, Attachment, LineOfEnquiry, Review
from peerreview.reviews.workflow import WrongState


@dataclass(frozen=True)
class LineInput:
    line_id: int | None  # an existing line of this review to update, or None for a new one
    question: str
    sip_priority: str
    context: str = ""
    evidence_wanted: str = ""


class PreparationProblem(Exception):
    """Input the preparation cannot take (the forms check the same first)."""


class LinesInUse(Exception):
    """Lines of enquiry the save would remove although a record or the report refers to them."""

    def __init__(self, lines: list[LineOfEnquiry]):
        super().__init__(", ".join(str(line.id) for line in lines))
        self.lines = lines


def _require_preparation_open(review: Review, wanted: str) -> None:
    if not workflow.preparation_open(review):
        raise WrongState(review, wanted)


def lines_in_use(review: Review, line_ids: set[int]) -> list[LineOfEnquiry]:
    """Those of ``line_ids`` (this review's lines) that something written refers to."""
    used = review_queries.referenced_line_ids(review) & line_ids
    return [line for line in review.lines if line.id in used]


def save_preparation(review: Review, self_evaluation: str, lines: list[LineInput], *, actor=None) -> None:
    """Replace the self-evaluation and the lines of enquiry with what the host wrote.

    Existing lines keep their id (so what reviewers wrote against them stays attached) and
    their order; new lines follow them. Lines left out are deleted, unless something refers
    to them (LinesInUse)."""
    _require_preparation_open(review, "prepare")
    if not 1 <= len(lines) <= MAX_LINES_OF_ENQUIRY:
        raise PreparationProblem(f"{len(lines)} lines of enquiry")
    existing = {line.id: line for line in review.lines}
    kept = {item.line_id: item for item in lines if item.line_id in existing}
    if len(kept) != sum(1 for item in lines if item.line_id is not None):
        raise PreparationProblem("a line id is not one of this review's, or is given twice")
    removed = [line for line_id, line in existing.items() if line_id not in kept]
    blocked = lines_in_use(review, {line.id for line in removed})
    if blocked:
        raise LinesInUse(blocked)

    try:
        review.self_evaluation = self_evaluation
        for line in removed:
            review.lines.remove(line)
            db.session.delete(line)
        db.session.flush()
        # Kept lines only move towards the top (0, 1, 2 in their old order), each into a
        # place already free, so the unique (review, position) index never sees two at once.
        position = 0
        for line in sorted((existing[i] for i in kept), key=lambda line: line.position):
            item = kept[line.id]
            line.question, line.sip_priority = item.question, item.sip_priority
            line.context, line.evidence_wanted = item.context, item.evidence_wanted
            if line.position != position:
                line.position = position
                db.session.flush()
            position += 1
        for item in lines:
            if item.line_id is None:
                db.session.add(LineOfEnquiry(
                    review_id=review.id, position=position, question=item.question,
                    sip_priority=item.sip_priority, context=item.context, evidence_wanted=item.evidence_wanted))
                position += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expire(review)


def add_attachment(review: Review, upload, *, actor=None) -> Attachment:
    """Check and keep an uploaded PDF (AttachmentProblem if it is not one, too big, or one too many)."""
    _require_preparation_open(review, "add an attachment")
    count = db.session.scalar(select(func.count()).select_from(Attachment).where(Attachment.review_id == review.id))
    if count >= attachments.MAX_PER_REVIEW:
        raise attachments.AttachmentProblem(attachments.too_many_message())
    size = attachments.check(upload)
    stored_name = attachments.store(upload, review.id)
    attachment = Attachment(review_id=review.id, original_name=attachments.display_name(upload.filename),
                            stored_name=stored_name, size_bytes=size, uploaded_by_id=getattr(actor, "id", None))
    try:
        db.session.add(attachment)
        db.session.flush()
        audit.record("review.attachment.added",
                     f"Attachment {attachment.id} ({size} bytes) added to review {review.id}",
                     actor=actor, partnership_id=review.round.partnership_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.remove(review.id, stored_name)
        raise
    return attachment


def delete_attachment(review: Review, attachment: Attachment, *, actor=None) -> None:
    _require_preparation_open(review, "delete an attachment")
    stored_name = attachment.stored_name
    audit.record("review.attachment.deleted", f"Attachment {attachment.id} deleted from review {review.id}",
                 actor=actor, partnership_id=review.round.partnership_id)
    db.session.delete(attachment)
    db.session.commit()
    attachments.remove(review.id, stored_name)  # after the commit: a failed commit keeps the file


def record_download(review: Review, attachment: Attachment, *, actor=None) -> None:
    audit.record("review.attachment.downloaded",
                 f"Attachment {attachment.id} of review {review.id} downloaded",
                 actor=actor, partnership_id=review.round.partnership_id)
    db.session.commit()


def remove_orphaned_attachment_files() -> int:
    """Delete stored PDFs whose attachment row is gone (a review deleted with its round takes
    its rows with it, not its files). Returns how many were removed. For a clean-up command."""
    known = {(row[0], row[1]) for row in db.session.execute(select(Attachment.review_id, Attachment.stored_name))}
    orphans = attachments.orphaned_files(known)
    for path in orphans:
        path.unlink(missing_ok=True)
    return len(orphans)
