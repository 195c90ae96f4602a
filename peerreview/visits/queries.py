"""Reads for the visits' management pages: the person's visits with what to do next, the
schools to choose from, what a visit still needs before feedback can open, the live tally.

A visit's pupils are read here only for the adults' pages; what a child wrote is read by
``summary`` (for the host head), never next to a name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db
from peerreview.visits import access
from peerreview.visits.access import VisitAction
from peerreview.visits.models import ChildFeedback, FeedbackSession, PupilVisit, VisitingSchool, VisitPupil

# What to do next, for the list of visits.
ADD_PUPILS = "add_pupils"
SET_FOCUS = "set_focus"
WAIT_FOCUS = "wait_focus"
OPEN_FEEDBACK = "open_feedback"
RUN_SESSION = "run_session"
READ_FEEDBACK = "read_feedback"
SEND_THANKS = "send_thanks"
READ_THANKS = "read_thanks"

# Feedback can be opened from the day before the visit (to set the tablets up) to a week after it
# (a visit moved at short notice, or children who finish their forms back at school).
OPEN_DAYS_BEFORE = 1
OPEN_DAYS_AFTER = 7


@dataclass
class VisitRow:
    visit: PupilVisit
    parts: set[str]
    next_step: str | None


@dataclass
class VisitList:
    upcoming: list[VisitRow] = field(default_factory=list)
    past: list[VisitRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.upcoming and not self.past


def _has_focus(visit: PupilVisit) -> bool:
    return bool(visit.focus_title) and len(visit.prompts) >= 3


def next_step(person, visit: PupilVisit, today: date) -> str | None:
    can = {action: access.can(person, action, visit) for action in VisitAction}
    if visit.status == "planned":
        if can[VisitAction.SET_FOCUS] and not _has_focus(visit):
            return SET_FOCUS
        if can[VisitAction.MANAGE] and not visit.pupils:
            return ADD_PUPILS
        if can[VisitAction.MANAGE] and not _has_focus(visit):
            return WAIT_FOCUS
        if can[VisitAction.MANAGE] and not problems_before_opening(visit, today):
            return OPEN_FEEDBACK
        return None
    if visit.status == "open":
        return RUN_SESSION if can[VisitAction.MANAGE] else None
    if can[VisitAction.THANK] and not visit.thank_you_sent_at:
        return SEND_THANKS
    if can[VisitAction.READ_FEEDBACK]:
        return READ_FEEDBACK
    if visit.thank_you_sent_at and can[VisitAction.VIEW]:
        return READ_THANKS
    return None


def visit_list(person, today: date) -> VisitList:
    ids = access.visible_visit_ids(person)
    if not ids:
        return VisitList()
    visits = db.session.scalars(
        select(PupilVisit).where(PupilVisit.id.in_(ids))
        .options(selectinload(PupilVisit.host), selectinload(PupilVisit.prompts),
                 selectinload(PupilVisit.visiting_schools).selectinload(VisitingSchool.school),
                 selectinload(PupilVisit.pupils))
        .order_by(PupilVisit.visit_date, PupilVisit.starts_at, PupilVisit.id)
    ).all()
    result = VisitList()
    for visit in visits:
        row = VisitRow(visit, access.parts(person, visit), next_step(person, visit, today))
        if visit.status != "closed" or visit.visit_date >= today:
            result.upcoming.append(row)
        else:
            result.past.append(row)
    result.past.reverse()  # the most recent first
    return result


def partnerships_for_create(person) -> list[Partnership]:
    ids = {r.partnership_id for r in getattr(person, "roles", [])}
    if not ids:
        return []
    found = db.session.scalars(select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name))
    return [p for p in found if access.can_create(person, p)]


def schools_of(partnership_id: int) -> list[School]:
    return list(db.session.scalars(
        select(School).where(School.partnership_id == partnership_id).order_by(School.name, School.id)))


def visiting_schools(visit: PupilVisit) -> list[School]:
    return sorted((v.school for v in visit.visiting_schools), key=lambda s: (s.name, s.id))


def pupils_by_school(visit: PupilVisit) -> list[tuple[School, list[VisitPupil]]]:
    """Each visiting school with its children (by first name, then year group), in school order;
    a school no longer visiting but with children listed still shows, so none is hidden."""
    schools = visiting_schools(visit)
    known = {s.id for s in schools}
    schools += sorted({p.school for p in visit.pupils if p.school_id not in known}, key=lambda s: (s.name, s.id))
    return [(school, sorted((p for p in visit.pupils if p.school_id == school.id),
                            key=lambda p: ((p.first_name or "").casefold(), p.year_group, p.id)))
            for school in schools]


def existing_names(visit: PupilVisit, school_id: int) -> set[tuple[str, int]]:
    return {(p.first_name.casefold(), p.year_group) for p in visit.pupils
            if p.school_id == school_id and p.first_name}


def open_window(visit: PupilVisit) -> tuple[date, date]:
    return visit.visit_date - timedelta(days=OPEN_DAYS_BEFORE), visit.visit_date + timedelta(days=OPEN_DAYS_AFTER)


def problems_before_opening(visit: PupilVisit, today: date) -> list[str]:
    """Keys of what stops feedback opening: focus, prompts, pupils, too_early, too_late."""
    problems = []
    if not visit.focus_title:
        problems.append("focus")
    if len(visit.prompts) < 3:
        problems.append("prompts")
    if not visit.pupils:
        problems.append("pupils")
    first, last = open_window(visit)
    if today < first:
        problems.append("too_early")
    elif today > last:
        problems.append("too_late")
    return problems


def current_session(visit: PupilVisit) -> FeedbackSession | None:
    """The newest session that has not been closed (it may have expired)."""
    return db.session.scalars(
        select(FeedbackSession).where(FeedbackSession.visit_id == visit.id, FeedbackSession.closed_at.is_(None))
        .order_by(FeedbackSession.id.desc()).limit(1)).first()


@dataclass
class Tally:
    count: int
    named: list[VisitPupil]  # children on the list who have sent their feedback
    anonymous: int  # forms sent as "I'd rather not say"
    waiting: int  # children on the list who have not sent one yet


def tally(visit: PupilVisit) -> Tally:
    rows = db.session.execute(
        select(ChildFeedback.pupil_id, func.count()).where(ChildFeedback.visit_id == visit.id)
        .group_by(ChildFeedback.pupil_id)).all()
    done_ids = {pupil_id for pupil_id, _n in rows if pupil_id is not None}
    anonymous = sum(n for pupil_id, n in rows if pupil_id is None)
    named = sorted((p for p in visit.pupils if p.id in done_ids),
                   key=lambda p: ((p.first_name or "").casefold(), p.year_group, p.id))
    return Tally(count=len(done_ids) + anonymous, named=named, anonymous=anonymous,
                 waiting=sum(1 for p in visit.pupils if p.id not in done_ids))


def feedback_count(visit: PupilVisit) -> int:
    return db.session.scalar(select(func.count()).select_from(ChildFeedback)
                             .where(ChildFeedback.visit_id == visit.id)) or 0


def staff_at(school_ids: set[int], roles: tuple[str, ...]) -> list[Person]:
    """Active people with one of ``roles`` at any of the schools, each once."""
    if not school_ids:
        return []
    return list(db.session.scalars(
        select(Person).join(RoleAssignment)
        .where(RoleAssignment.role.in_(roles), RoleAssignment.school_id.in_(school_ids), Person.active.is_(True))
        .order_by(Person.id).distinct()))


def host_heads(visit: PupilVisit) -> list[Person]:
    return staff_at({visit.host_school_id}, ("head",))


def visiting_staff(visit: PupilVisit) -> list[Person]:
    return staff_at({v.school_id for v in visit.visiting_schools}, ("head", "coordinator"))


def names_deleted_on(visit: PupilVisit, days: int) -> date:
    """The first day the daily clean-up deletes this visit's first names (more than ``days`` after it)."""
    return visit.visit_date + timedelta(days=days + 1)
