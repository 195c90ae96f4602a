"""Writes for planning and running a pupil visit. One commit each.

The visit's details, its children, adults, focus and prompts change only while it is planned;
feedback opens from planned (or gets a new code while open) and closes once; a closed visit
never opens again. A change the state does not allow raises ``WrongState`` (a 409 page) and
writes nothing. Children are kept by first name and year group only, and
``delete_pupil_names`` removes the first names after the retention period, keeping the feedback.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from peerreview.core import audit
from peerreview.core.accounts import mail
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db
from peerreview.visits import queries, sessions
from peerreview.visits.labels import focus_title
from peerreview.visits.manage_forms import MAX_ADULTS, MAX_PUPILS, PupilInput
from peerreview.visits.models import (
    MAX_PROMPTS,
    MIN_PROMPTS,
    FeedbackSession,
    PupilVisit,
    VisitAdult,
    VisitingSchool,
    VisitPrompt,
    VisitPupil,
)


class VisitProblem(Exception):
    """Input the visit cannot take; ``message`` says why in the reader's words."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WrongState(VisitProblem):
    status = 409


@dataclass(frozen=True)
class VisitDetails:
    host_school_id: int
    visit_date: date
    starts_at: time
    ends_at: time
    visiting_ids: frozenset[int]


@dataclass(frozen=True)
class PromptInput:
    en: str
    cy: str = ""


def _require_planned(visit: PupilVisit) -> None:
    if visit.status != "planned":
        raise WrongState(_("Feedback has been opened for this visit, so its plan can no longer change."))


def _check_details(partnership_id: int, details: VisitDetails) -> None:
    ids = {details.host_school_id, *details.visiting_ids}
    found = set(db.session.scalars(select(School.id).where(School.id.in_(ids),
                                                           School.partnership_id == partnership_id)))
    if ids - found:
        raise VisitProblem(_("Choose only schools from this partnership."))
    if details.host_school_id in details.visiting_ids:
        raise VisitProblem(_("The host school cannot also be a visiting school."))
    if not details.visiting_ids:
        raise VisitProblem(_("Choose at least one visiting school."))
    if details.ends_at <= details.starts_at:
        raise VisitProblem(_("The end time must be after the start time."))


def create_visit(partnership: Partnership, details: VisitDetails, *, actor=None) -> PupilVisit:
    _check_details(partnership.id, details)
    visit = PupilVisit(
        partnership_id=partnership.id, host_school_id=details.host_school_id, visit_date=details.visit_date,
        starts_at=details.starts_at, ends_at=details.ends_at, created_by_id=getattr(actor, "id", None),
        status="planned", focus_title="", focus_detail="", thank_you="",
    )
    visit.visiting_schools = [VisitingSchool(school_id=i) for i in sorted(details.visiting_ids)]
    db.session.add(visit)
    db.session.flush()
    audit.record("visit.created", f"pupil visit {visit.id} to school {visit.host_school_id} on "
                 f"{visit.visit_date.isoformat()}", actor=actor, partnership_id=partnership.id)
    db.session.commit()
    return visit


def update_visit(visit: PupilVisit, details: VisitDetails, *, actor=None) -> None:
    _require_planned(visit)
    _check_details(visit.partnership_id, details)
    leaving = {v.school_id for v in visit.visiting_schools} - set(details.visiting_ids)
    still_listed = sorted({p.school.name for p in visit.pupils if p.school_id in leaving}
                          | {a.school.name for a in visit.adults if a.school_id in leaving})
    if still_listed:
        raise VisitProblem(_("%(schools)s still has children or adults on this visit. Remove them first, or keep "
                             "the school as a visiting school.", schools=", ".join(still_listed)))
    try:
        visit.host_school_id = details.host_school_id
        visit.visit_date, visit.starts_at, visit.ends_at = details.visit_date, details.starts_at, details.ends_at
        for link in [v for v in visit.visiting_schools if v.school_id in leaving]:
            visit.visiting_schools.remove(link)
        current = {v.school_id for v in visit.visiting_schools}
        for school_id in sorted(set(details.visiting_ids) - current):
            visit.visiting_schools.append(VisitingSchool(school_id=school_id))
        audit.record("visit.updated", f"pupil visit {visit.id}", actor=actor, partnership_id=visit.partnership_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


# --- children and adults --------------------------------------------------------------------


def _visiting_school_ids(visit: PupilVisit) -> set[int]:
    return {v.school_id for v in visit.visiting_schools}


def add_pupils(visit: PupilVisit, school_id: int, pupils: list[PupilInput], *, actor=None) -> int:
    """Add children of one visiting school (first name and year group only). All or none."""
    _require_planned(visit)
    if school_id not in _visiting_school_ids(visit):
        raise VisitProblem(_("Children can only be added for a visiting school."))
    if len(visit.pupils) + len(pupils) > MAX_PUPILS:
        raise VisitProblem(_("A visit can have up to %(max)d children.", max=MAX_PUPILS))
    taken = queries.existing_names(visit, school_id)
    for pupil in pupils:
        key = (pupil.first_name.casefold(), pupil.year_group)
        if key in taken:
            raise VisitProblem(_("%(name)s in the same year group is already on this school’s list.",
                                 name=pupil.first_name))
        taken.add(key)
    for pupil in pupils:
        visit.pupils.append(VisitPupil(school_id=school_id, first_name=pupil.first_name, year_group=pupil.year_group))
    db.session.commit()
    return len(pupils)


def remove_pupil(visit: PupilVisit, pupil: VisitPupil, *, actor=None) -> None:
    _require_planned(visit)
    visit.pupils.remove(pupil)
    db.session.commit()


def add_adult(visit: PupilVisit, school_id: int, name: str, phone: str = "", *, actor=None) -> VisitAdult:
    _require_planned(visit)
    if school_id not in _visiting_school_ids(visit) | {visit.host_school_id}:
        raise VisitProblem(_("Choose the host school or one of the visiting schools."))
    if len(visit.adults) >= MAX_ADULTS:
        raise VisitProblem(_("A visit can have up to %(max)d adults listed.", max=MAX_ADULTS))
    adult = VisitAdult(school_id=school_id, name=name, phone=phone or "")
    visit.adults.append(adult)
    db.session.commit()
    return adult


def remove_adult(visit: PupilVisit, adult: VisitAdult, *, actor=None) -> None:
    _require_planned(visit)
    visit.adults.remove(adult)
    db.session.commit()


# --- focus ----------------------------------------------------------------------------------


def set_focus(visit: PupilVisit, focus_key: str | None, title: str, detail: str, prompts: list[PromptInput], *,
              actor=None) -> None:
    """Replace the focus and its prompts (3 to 6, in the order given)."""
    _require_planned(visit)
    if not MIN_PROMPTS <= len(prompts) <= MAX_PROMPTS:
        raise VisitProblem(_("Write from %(min)d to %(max)d prompts.", min=MIN_PROMPTS, max=MAX_PROMPTS))
    if not title:
        raise VisitProblem(_("Write a title for the focus."))
    try:
        visit.focus_key, visit.focus_title, visit.focus_detail = focus_key or None, title, detail or ""
        for prompt in list(visit.prompts):
            visit.prompts.remove(prompt)
        db.session.flush()  # the old positions are free before the new prompts take them
        for position, item in enumerate(prompts):
            visit.prompts.append(VisitPrompt(position=position, text_en=item.en, text_cy=item.cy or None))
        audit.record("visit.focus_set", f"pupil visit {visit.id}: {len(prompts)} prompts", actor=actor,
                     partnership_id=visit.partnership_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


# --- the feedback session -------------------------------------------------------------------


def open_session(visit: PupilVisit, *, actor=None, today: date, now: datetime | None = None
                 ) -> tuple[FeedbackSession, str]:
    """A new code for the tablets (the visit opens; a code already open stops working).
    Returns the session and its plain code, which is not stored anywhere."""
    if visit.status == "closed":
        raise WrongState(_("Feedback for this visit is closed. It cannot be opened again."))
    problems = queries.problems_before_opening(visit, today)
    if problems:
        raise WrongState(_opening_message(visit, problems))
    now = now or sessions.utcnow()
    hours = int(current_app.config.get("VISIT_SESSION_HOURS", 6))
    for _attempt in range(5):
        code = sessions.new_code()
        try:
            for old in db.session.scalars(select(FeedbackSession).where(
                    FeedbackSession.visit_id == visit.id, FeedbackSession.closed_at.is_(None))):
                old.closed_at = now
            session = FeedbackSession(visit_id=visit.id, code_hash=sessions.hash_for(code), opened_at=now,
                                      expires_at=now + timedelta(hours=hours), opened_by_id=getattr(actor, "id", None))
            db.session.add(session)
            visit.status = "open"
            audit.record("visit.feedback_opened", f"pupil visit {visit.id}: feedback session opened for {hours} hours",
                         actor=actor, partnership_id=visit.partnership_id)
            db.session.commit()
            return session, code
        except IntegrityError:  # the same code as another session's, by chance: draw again
            db.session.rollback()
    raise VisitProblem(_("A code could not be made just now. Try again."))


def _opening_message(visit: PupilVisit, problems: list[str]) -> str:
    first, last = queries.open_window(visit)
    words = {
        "focus": _("the host school’s head has not chosen the focus yet"),
        "prompts": _("the focus needs at least three prompts"),
        "pupils": _("no children are on the visit list yet"),
        "too_early": _("feedback opens on the day of the visit (from %(date)s)", date=format_date(first, "long")),
        "too_late": _("feedback could be opened until %(date)s", date=format_date(last, "long")),
    }
    return _("Feedback cannot be opened yet: %(reasons)s.", reasons="; ".join(str(words[p]) for p in problems))


def _link(endpoint: str, **values) -> str:
    if not has_request_context():
        return ""
    try:
        return url_for(endpoint, _external=True, **values)
    except BuildError:
        return ""


@dataclass(frozen=True)
class Closed:
    children: int
    emailed: int


def close_feedback(visit: PupilVisit, *, actor=None, now: datetime | None = None) -> Closed:
    """Close the session for good and send the host head the summary (when mail is set up)."""
    if visit.status == "closed":
        raise WrongState(_("Feedback for this visit is already closed."))
    if visit.status != "open":
        raise WrongState(_("Feedback has not been opened for this visit yet."))
    now = now or sessions.utcnow()
    for session in visit.sessions:
        if session.closed_at is None:
            session.closed_at = now
    visit.status = "closed"
    children = queries.feedback_count(visit)
    audit.record("visit.feedback_closed", f"pupil visit {visit.id}: {children} feedback forms", actor=actor,
                 partnership_id=visit.partnership_id)
    db.session.commit()
    return Closed(children, _email_summary(visit, children))


def _email_summary(visit: PupilVisit, children: int) -> int:
    if not mail.configured():
        return 0
    link = _link("visits.feedback", visit_id=visit.id)
    sent = 0
    for head in queries.host_heads(visit):
        body = _("Hello %(name)s,\n\nThe pupil visit to %(school)s on %(date)s has finished. %(count)d children "
                 "sent their feedback on “%(focus)s”.\n\nRead the summary: %(link)s\n",
                 name=head.name, school=visit.host.name, date=format_date(visit.visit_date, "long"),
                 count=children, focus=focus_title(visit), link=link)
        sent += mail.send(head.email, _("Pupil visit feedback for %(school)s", school=visit.host.name), body)
    return sent


# --- thank-you ------------------------------------------------------------------------------


def send_thank_you(visit: PupilVisit, message: str, *, actor=None, now: datetime | None = None) -> int:
    """Save the head's thank-you; the visiting schools see it at once. The first time, their heads
    and coordinators are emailed too (when mail is set up). Returns how many emails went."""
    if visit.status != "closed":
        raise WrongState(_("A thank-you can be sent once feedback is closed."))
    first_time = visit.thank_you_sent_at is None
    visit.thank_you = message
    visit.thank_you_sent_at = now or sessions.utcnow()
    audit.record("visit.thanked", f"pupil visit {visit.id}", actor=actor, partnership_id=visit.partnership_id)
    db.session.commit()
    if not first_time or not mail.configured():
        return 0
    link = _link("visits.show", visit_id=visit.id)
    sent = 0
    for person in queries.visiting_staff(visit):
        body = _("Hello %(name)s,\n\n%(school)s has sent a thank-you for the pupil visit on %(date)s:\n\n"
                 "%(message)s\n\n%(link)s\n", name=person.name, school=visit.host.name,
                 date=format_date(visit.visit_date, "long"), message=message, link=link)
        sent += mail.send(person.email, _("A thank-you from %(school)s", school=visit.host.name), body)
    return sent


# --- names retention ------------------------------------------------------------------------


def delete_pupil_names(today: date, days: int, *, now: datetime | None = None) -> int:
    """Delete the first names of the children on every visit that took place more than ``days``
    days before ``today``; the feedback stays. Returns how many names were deleted (0 when run
    again)."""
    cutoff = today - timedelta(days=days)
    by_partnership = dict(db.session.execute(
        select(PupilVisit.partnership_id, func.count(VisitPupil.id))
        .join(VisitPupil, VisitPupil.visit_id == PupilVisit.id)
        .where(PupilVisit.visit_date < cutoff, VisitPupil.first_name.is_not(None))
        .group_by(PupilVisit.partnership_id)).all())
    visit_ids = select(PupilVisit.id).where(PupilVisit.visit_date < cutoff).scalar_subquery()
    result = db.session.execute(
        update(VisitPupil).where(VisitPupil.visit_id.in_(visit_ids), VisitPupil.first_name.is_not(None))
        .values(first_name=None).execution_options(synchronize_session=False))
    deleted = result.rowcount or 0
    db.session.execute(
        update(PupilVisit).where(PupilVisit.visit_date < cutoff, PupilVisit.names_deleted_at.is_(None))
        .values(names_deleted_at=now or sessions.utcnow()).execution_options(synchronize_session=False))
    for partnership_id, count in sorted(by_partnership.items()):
        audit.record("visit.names_deleted", f"{count} pupils' first names deleted from visits before "
                     f"{cutoff.isoformat()}", partnership_id=partnership_id)
    db.session.commit()
    db.session.expire_all()
    return deleted
