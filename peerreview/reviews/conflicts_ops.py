"""Writes for declared conflicts of interest: a reviewer declares (or withdraws) a school they
should not review. The pairing and every manual team change respect them (through
:mod:`peerreview.reviews.problem`)."""
from __future__ import annotations

from sqlalchemy import select

from peerreview.core import audit
from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.reviews.models import ConflictOfInterest


def declare(person: Person, school: School, reason: str) -> tuple[ConflictOfInterest, bool]:
    """Record the conflict (a second declaration for the same school updates the reason).
    Returns (conflict, created)."""
    reason = " ".join((reason or "").split())[:300]
    existing = db.session.scalar(select(ConflictOfInterest).where(
        ConflictOfInterest.person_id == person.id, ConflictOfInterest.school_id == school.id))
    if existing is not None:
        existing.reason = reason
        created = False
        conflict = existing
    else:
        conflict = ConflictOfInterest(person_id=person.id, school_id=school.id, reason=reason)
        db.session.add(conflict)
        created = True
    audit.record("conflict.declared", f"{person.email}: conflict of interest with {school.name} (URN {school.urn})",
                 actor=person, partnership_id=school.partnership_id)
    db.session.commit()
    return conflict, created


def withdraw(conflict: ConflictOfInterest, *, actor: Person) -> None:
    school = conflict.school
    audit.record("conflict.withdrawn", f"{conflict.person.email}: conflict of interest with {school.name} "
                 f"(URN {school.urn}) withdrawn", actor=actor, partnership_id=school.partnership_id)
    db.session.delete(conflict)
    db.session.commit()
