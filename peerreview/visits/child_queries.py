"""Reads for the children's pages at /v/<code>: what a session code opens, whether it still takes
feedback, the visit list of names (with who has already sent feedback), and a pupil on the list.

A session's code is never stored, only its keyed hash (``surveys.codes.hash_code``), so a code is
found by hashing what was typed. Nothing here records who asked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from peerreview.extensions import db
from peerreview.visits.models import ChildFeedback, FeedbackSession, InterviewNote, PupilVisit, VisitPupil
from surveys import codes

# Longer than any code we issue: anything longer is refused without a query.
MAX_CODE_LENGTH = 40

# Why a session cannot take feedback now (None when it can).
CLOSED = "closed"
EXPIRED = "expired"

ANONYMOUS = "anon"


def utcnow() -> datetime:
    """Now in UTC without a zone, as session times are stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise(raw: str | None) -> str | None:
    """What a child or adult typed, as the code it means (capitals, no spaces or dashes), or None
    when it cannot be a code at all."""
    code = codes.normalise(raw or "")
    if not code or len(code) > MAX_CODE_LENGTH or not code.isalnum() or not code.isascii():
        return None
    return code


def session_for_code(raw: str | None) -> FeedbackSession | None:
    """The feedback session a code opens (with its visit, host and prompts loaded), or None for a
    code we never issued. Case, spaces and dashes do not matter."""
    code = normalise(raw)
    if code is None:
        return None
    code_hash = codes.hash_code(current_app.config["SECRET_KEY"], code)
    return db.session.scalar(
        select(FeedbackSession)
        .options(joinedload(FeedbackSession.visit).joinedload(PupilVisit.host),
                 joinedload(FeedbackSession.visit).selectinload(PupilVisit.prompts))
        .where(FeedbackSession.code_hash == code_hash)
    )


def problem(session: FeedbackSession, now: datetime | None = None) -> str | None:
    """Why this session cannot take feedback now (closed by an adult, or past its time), or None."""
    now = now or utcnow()
    if session.closed_at is not None or session.visit.status == "closed":
        return CLOSED
    if session.expires_at <= now:
        return EXPIRED
    return None


@dataclass
class NameButton:
    """One name on the visit list as a child sees it."""

    pupil_id: int
    first_name: str
    year_group: int
    school_name: str
    done: bool


@dataclass
class SchoolNames:
    school_name: str
    names: list[NameButton]


def _pupils(visit_id: int) -> list[VisitPupil]:
    return list(db.session.scalars(
        select(VisitPupil).options(joinedload(VisitPupil.school))
        .where(VisitPupil.visit_id == visit_id, VisitPupil.first_name.is_not(None))
        .order_by(VisitPupil.school_id, func.lower(VisitPupil.first_name), VisitPupil.year_group, VisitPupil.id)
    ))


def done_pupil_ids(visit_id: int) -> set[int]:
    """The pupils on the list who have already sent their feedback."""
    return set(db.session.scalars(
        select(ChildFeedback.pupil_id).where(ChildFeedback.visit_id == visit_id, ChildFeedback.pupil_id.is_not(None))
    ))


def names_by_school(visit: PupilVisit) -> list[SchoolNames]:
    """The visit list of first names, grouped by school in the order the schools were added
    (names in alphabetical order within each), each marked done when that child has sent feedback.
    Pupils whose names have been deleted are not listed."""
    done = done_pupil_ids(visit.id)
    order = {v.school_id: i for i, v in enumerate(visit.visiting_schools)}
    groups: dict[int, SchoolNames] = {}
    for pupil in _pupils(visit.id):
        group = groups.setdefault(pupil.school_id, SchoolNames(pupil.school.name, []))
        group.names.append(NameButton(pupil.id, pupil.first_name, pupil.year_group, pupil.school.name,
                                      pupil.id in done))
    return [groups[k] for k in sorted(groups, key=lambda k: (order.get(k, len(order)), groups[k].school_name))]


def pupil_on_visit(visit_id: int, raw: str | None) -> VisitPupil | None:
    """The pupil a ``pupil=`` value names when they are on this visit's list (name not deleted);
    None for anything else (another visit's pupil, a forged or malformed id)."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 9:  # ids fit a 32-bit integer
        return None
    return db.session.scalar(
        select(VisitPupil).options(joinedload(VisitPupil.school))
        .where(VisitPupil.id == int(raw), VisitPupil.visit_id == visit_id, VisitPupil.first_name.is_not(None))
    )


def has_sent(visit_id: int, pupil_id: int) -> bool:
    return db.session.scalar(
        select(func.count()).select_from(ChildFeedback)
        .where(ChildFeedback.visit_id == visit_id, ChildFeedback.pupil_id == pupil_id)
    ) > 0


def interview_count(visit_id: int) -> int:
    """How many interview notes this visit has: the only thing about them the tablet shows."""
    return db.session.scalar(
        select(func.count()).select_from(InterviewNote).where(InterviewNote.visit_id == visit_id)
    ) or 0


def interview_note(client_id: str) -> InterviewNote | None:
    return db.session.scalar(select(InterviewNote).where(InterviewNote.client_id == client_id))


def draft_key(session: FeedbackSession, pupil: str) -> str:
    """The browser storage key for one child's unsent answers in one session (``pupil`` is the
    pupil's id or "anon"). It holds no name and no code."""
    return f"visit-feedback:{session.id}:{pupil}"


def interview_draft_key(session: FeedbackSession) -> str:
    return f"visit-interview:{session.id}"

