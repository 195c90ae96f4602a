"""Writes for the children's pages: one child's feedback form, and an interview note.

Each is one commit. A child on the list can send one form (the table's unique constraint on
visit and pupil is the backstop for two tablets sending at once); an interview note is stored
once per browser-made id, so sending the same note again changes nothing.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from peerreview.extensions import db
from peerreview.visits import child_queries as queries
from peerreview.visits.child_form import Feedback, Note
from peerreview.visits.models import ChildFeedback, FeedbackSession, InterviewNote


class AlreadySent(Exception):
    """This child has already sent their feedback for this visit."""


class NoteIdTaken(Exception):
    """The note's id belongs to a note on another visit (a forged or reused id)."""


def save_feedback(session: FeedbackSession, pupil_id: int | None, feedback: Feedback, language: str,
                  today: date) -> int:
    """Store one child's feedback (``pupil_id`` None for "I'd rather not say") and return its id.
    Only the day is kept, not the time."""
    row = ChildFeedback(
        visit_id=session.visit_id, pupil_id=pupil_id, faces=dict(feedback.faces), star_1=feedback.star_1,
        star_2=feedback.star_2, wish=feedback.wish, like_at_school=feedback.like_at_school,
        language="cy" if language.startswith("cy") else "en", submitted_on=today,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadySent() from None
    return row.id


def save_interview_note(session: FeedbackSession, note: Note) -> bool:
    """Store an interview note; True when it is new, False when a note with this id was already
    saved for this visit (a retry, kept as it was)."""
    visit_id = session.visit_id
    existing = queries.interview_note(note.client_id)
    if existing is not None:
        if existing.visit_id != visit_id:
            raise NoteIdTaken()
        return False
    db.session.add(InterviewNote(visit_id=visit_id, client_id=note.client_id, host_year_group=note.host_year_group,
                                 question=note.question, answer=note.answer))
    try:
        db.session.commit()
    except IntegrityError:  # the same note sent twice at once: the other one was stored
        db.session.rollback()
        existing = queries.interview_note(note.client_id)
        if existing is None or existing.visit_id != visit_id:
            raise NoteIdTaken() from None
        return False
    return True
