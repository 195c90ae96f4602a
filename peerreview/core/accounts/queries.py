"""Reads for accounts: people in a partnership, their roles, set-password links."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from peerreview.core.accounts.models import ROLES, Person, RoleAssignment, SetPasswordLink
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db


def person_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == (email or "").strip().lower()))


def link_for_token_hash(token_hash: str) -> SetPasswordLink | None:
    return db.session.scalar(select(SetPasswordLink).where(SetPasswordLink.token_hash == token_hash))


def partnerships(ids: set[int]) -> list[Partnership]:
    if not ids:
        return []
    return list(db.session.scalars(select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name)))


def schools_in(partnership_ids: set[int]) -> list[School]:
    if not partnership_ids:
        return []
    stmt = select(School).where(School.partnership_id.in_(partnership_ids)).order_by(School.name)
    return list(db.session.scalars(stmt))


def school_in(partnership_ids: set[int], school_id: int | None) -> School | None:
    """A school by id, only when it belongs to one of the partnerships."""
    if school_id is None:
        return None
    school = db.session.get(School, school_id)
    if school is None or school.partnership_id not in partnership_ids:
        return None
    return school


@dataclass(frozen=True)
class PersonRow:
    person: Person
    roles: list[RoleAssignment]  # only the roles in the partnerships being looked at


def people_in(partnership_ids: set[int], search: str | None = None, role: str | None = None) -> list[PersonRow]:
    """People holding any role in the partnerships, by name; optionally matching a search
    on name or email and holding a given role there."""
    if not partnership_ids:
        return []
    in_reach = select(RoleAssignment.person_id).where(RoleAssignment.partnership_id.in_(partnership_ids))
    if role in ROLES:
        in_reach = in_reach.where(RoleAssignment.role == role)
    stmt = (
        select(Person)
        .where(Person.id.in_(in_reach))
        .options(selectinload(Person.roles).selectinload(RoleAssignment.school))
        .order_by(func.lower(Person.name), Person.id)
    )
    term = (search or "").strip().lower()
    if term:
        like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(Person.name).like(like, escape="\\"), Person.email.like(like, escape="\\")))
    return [
        PersonRow(p, [r for r in p.roles if r.partnership_id in partnership_ids])
        for p in db.session.scalars(stmt)
    ]


def roles_in(person: Person, partnership_ids: set[int]) -> list[RoleAssignment]:
    return [r for r in person.roles if r.partnership_id in partnership_ids]


def role_of(person: Person, role_id: int) -> RoleAssignment | None:
    return next((r for r in person.roles if r.id == role_id), None)


def open_link_count(person: Person) -> int:
    from peerreview.core.accounts.operations import utcnow

    stmt = select(func.count()).select_from(SetPasswordLink).where(
        SetPasswordLink.person_id == person.id,
        SetPasswordLink.used_at.is_(None),
        SetPasswordLink.expires_at > utcnow(),
    )
    return db.session.scalar(stmt) or 0
