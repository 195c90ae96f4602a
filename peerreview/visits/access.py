"""Who may do what to a pupil visit: the one place for the visits' permission rules.

A coordinator or admin creates a visit. The host head chooses the focus and receives the
children's feedback; the staff of the host and visiting schools (heads and coordinators) run the
day and see the visit and the head's thank-you. As elsewhere, a visit outside every partnership
the person belongs to is 404; one inside it that they have no part in is 403.
"""
from __future__ import annotations

from enum import StrEnum

from flask import abort
from sqlalchemy import select

from peerreview.core import permissions
from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from peerreview.visits.models import PupilVisit, VisitingSchool


class VisitAction(StrEnum):
    VIEW = "view"  # the visit's page: host, date, focus, prompts, visiting schools, the thank-you
    MANAGE = "manage"  # details, pupils and adults, opening and closing the feedback session
    SET_FOCUS = "set_focus"  # the focus and the children's prompts (host head, admins)
    READ_FEEDBACK = "read_feedback"  # the children's feedback and interview notes (host head, admins)
    THANK = "thank"  # the thank-you the visiting schools see (host head)


def _staff_roles(person: Person | None):
    if person is None or not getattr(person, "is_authenticated", False) or not person.active:
        return []
    return [r for r in person.roles if r.role in ("head", "coordinator")]


def can_create(person: Person | None, partnership: Partnership) -> bool:
    """Admins, and coordinators at any of the partnership's schools."""
    return (partnership.id in permissions.admin_partnership_ids(person)
            or any(r.role == "coordinator" and r.partnership_id == partnership.id for r in _staff_roles(person)))


def parts(person: Person | None, visit: PupilVisit) -> set[str]:
    """admin, host_head, host_staff (coordinator at the host), visiting_staff (head or coordinator of a
    visiting school), creator."""
    found: set[str] = set()
    if person is None or not getattr(person, "is_authenticated", False) or not person.active:
        return found
    if visit.partnership_id in permissions.admin_partnership_ids(person):
        found.add("admin")
    visiting = {v.school_id for v in visit.visiting_schools}
    for role in _staff_roles(person):
        if role.school_id == visit.host_school_id:
            found.add("host_head" if role.role == "head" else "host_staff")
        if role.school_id in visiting:
            found.add("visiting_staff")
    if visit.created_by_id == person.id and visit.partnership_id in permissions.partnership_ids(person):
        found.add("creator")
    return found


_WHO = {
    VisitAction.VIEW: {"admin", "host_head", "host_staff", "visiting_staff", "creator"},
    VisitAction.MANAGE: {"admin", "host_staff", "visiting_staff", "creator"},
    VisitAction.SET_FOCUS: {"admin", "host_head"},
    VisitAction.READ_FEEDBACK: {"admin", "host_head"},
    VisitAction.THANK: {"host_head"},
}


def can(person: Person | None, action: VisitAction, visit: PupilVisit) -> bool:
    return bool(parts(person, visit) & _WHO[action])


def require(person: Person | None, action: VisitAction, visit: PupilVisit) -> None:
    if not can(person, action, visit):
        abort(403)


def visit_or_404(person: Person | None, visit_id: int) -> PupilVisit:
    visit = db.session.get(PupilVisit, visit_id)
    if visit is None or visit.partnership_id not in permissions.partnership_ids(person):
        abort(404)
    return visit


def visible_visit_ids(person: Person) -> list[int]:
    """Visits this person has a part in (for their list of visits)."""
    admin_of = permissions.admin_partnership_ids(person)
    school_ids = {r.school_id for r in _staff_roles(person)}
    stmt = (
        select(PupilVisit.id)
        .outerjoin(VisitingSchool, VisitingSchool.visit_id == PupilVisit.id)
        .where(
            PupilVisit.partnership_id.in_(admin_of)
            | PupilVisit.host_school_id.in_(school_ids)
            | VisitingSchool.school_id.in_(school_ids)
            | (PupilVisit.created_by_id == person.id)
        )
        .distinct()
    )
    return list(db.session.scalars(stmt))
