"""Who may make and download a school's feedback packs: the one place for the rule.

Only the school's head and the admins of its partnership. As elsewhere, a school (or a pack)
outside every partnership the person belongs to is not found (404); one inside it that is not
theirs is forbidden (403). The partnership dashboard reuses ``can_use_packs`` for its links.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from peerreview.core import permissions
from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.packs.models import PackJob


def can_use_packs(person: Person | None, school: School) -> bool:
    """Make, follow and download this school's packs."""
    return (school.partnership_id in permissions.admin_partnership_ids(person)
            or school.id in permissions.head_school_ids(person))


def school_or_404(person: Person | None, school_id: int) -> School:
    school = permissions.school_or_404(person, school_id)
    if not can_use_packs(person, school):
        abort(403)
    return school


def job_or_404(person: Person | None, job_id: int) -> PackJob:
    job = db.session.get(PackJob, job_id)
    if job is None or job.school.partnership_id not in permissions.partnership_ids(person):
        abort(404)
    if not can_use_packs(person, job.school):
        abort(403)
    return job


def schools_for(person: Person | None) -> list[School]:
    """Every school whose packs this person may use, by name."""
    admin_of = permissions.admin_partnership_ids(person)
    heads_of = permissions.head_school_ids(person)
    if not admin_of and not heads_of:
        return []
    stmt = (select(School)
            .where(School.partnership_id.in_(admin_of) | School.id.in_(heads_of))
            .order_by(School.name, School.id))
    return list(db.session.scalars(stmt))
