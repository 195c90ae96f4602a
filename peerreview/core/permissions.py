"""One place that answers "may this person do this to that?".

Views ask here and nowhere else. Lookups by id go through the ``*_or_404`` helpers:
something outside every partnership the person belongs to is reported as not found
(its existence is not given away); something inside it that they may not touch is 403.
"""
from __future__ import annotations

from enum import StrEnum

from flask import abort
from sqlalchemy import select

from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Cluster, Partnership, School
from peerreview.extensions import db


class Action(StrEnum):
    VIEW_DIRECTORY = "view_directory"  # the partnership's schools and clusters (public GIAS facts)
    VIEW_SCHOOL = "view_school"  # a school's own page, its people, later its reviews and surveys
    MANAGE_PARTNERSHIP = "manage_partnership"  # import schools, clusters, people and roles, audit log
    MANAGE_SURVEYS = "manage_surveys"  # questionnaires, survey runs, every school's results, raw exports
    SCHOOL_SURVEYS = "school_surveys"  # one school's survey links, codes and results (its head, admins)
    PARTNERSHIP_RESULTS = "partnership_results"  # the partnership-wide aggregate, as a benchmark


def _roles(person: Person | None):
    if person is None or not getattr(person, "is_authenticated", False) or not person.active:
        return []
    return person.roles


def partnership_ids(person: Person | None) -> set[int]:
    """Every partnership the person holds any role in."""
    return {r.partnership_id for r in _roles(person)}


def admin_partnership_ids(person: Person | None) -> set[int]:
    return {r.partnership_id for r in _roles(person) if r.role == "admin"}


def school_ids(person: Person | None) -> set[int]:
    """Schools where the person holds a school role (head, reviewer, coordinator)."""
    return {r.school_id for r in _roles(person) if r.school_id is not None}


def head_school_ids(person: Person | None) -> set[int]:
    return {r.school_id for r in _roles(person) if r.role == "head"}


def head_partnership_ids(person: Person | None) -> set[int]:
    return {r.partnership_id for r in _roles(person) if r.role == "head"}


def has_role(person: Person | None, role: str) -> bool:
    return any(r.role == role for r in _roles(person))


def can(person: Person | None, action: Action, target) -> bool:
    if isinstance(target, Partnership):
        if action is Action.VIEW_DIRECTORY:
            return target.id in partnership_ids(person)
        if action in (Action.MANAGE_PARTNERSHIP, Action.MANAGE_SURVEYS):
            return target.id in admin_partnership_ids(person)
        if action is Action.PARTNERSHIP_RESULTS:
            return target.id in admin_partnership_ids(person) or target.id in head_partnership_ids(person)
    if isinstance(target, School):
        if action is Action.VIEW_DIRECTORY:
            return target.partnership_id in partnership_ids(person)
        if action is Action.VIEW_SCHOOL:
            return target.partnership_id in admin_partnership_ids(person) or target.id in school_ids(person)
        if action is Action.MANAGE_PARTNERSHIP:
            return target.partnership_id in admin_partnership_ids(person)
        if action is Action.SCHOOL_SURVEYS:
            return target.partnership_id in admin_partnership_ids(person) or target.id in head_school_ids(person)
    if isinstance(target, Cluster):
        if action is Action.VIEW_DIRECTORY:
            return target.partnership_id in partnership_ids(person)
        if action is Action.MANAGE_PARTNERSHIP:
            return target.partnership_id in admin_partnership_ids(person)
    if isinstance(target, Person):
        if action is Action.MANAGE_PARTNERSHIP:
            theirs = {r.partnership_id for r in target.roles}
            return bool(theirs & admin_partnership_ids(person))
    return False


def require(person: Person | None, action: Action, target) -> None:
    if not can(person, action, target):
        abort(403)


def _in_reach_or_404(person: Person | None, obj, partnership_of) -> object:
    if obj is None or partnership_of(obj) not in partnership_ids(person):
        abort(404)
    return obj


def admin_partnerships(person: Person | None) -> list[Partnership]:
    ids = admin_partnership_ids(person)
    if not ids:
        return []
    return list(db.session.scalars(select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name)))


def partnership_to_create_in(person: Person | None, requested: str | None) -> tuple[list[Partnership], Partnership | None]:
    """For an admin's "create" page: the partnerships they administer (403 when none) and the one
    it is for: their only one, or the one asked for; None while someone with several must choose."""
    admin_of = admin_partnerships(person)
    if not admin_of:
        abort(403)
    if len(admin_of) == 1:
        return admin_of, admin_of[0]
    return admin_of, next((p for p in admin_of if str(p.id) == requested), None)


def school_or_404(person: Person | None, school_id: int) -> School:
    return _in_reach_or_404(person, db.session.get(School, school_id), lambda s: s.partnership_id)


def cluster_or_404(person: Person | None, cluster_id: int) -> Cluster:
    return _in_reach_or_404(person, db.session.get(Cluster, cluster_id), lambda c: c.partnership_id)


def person_or_404(viewer: Person | None, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or not ({r.partnership_id for r in person.roles} & partnership_ids(viewer)):
        abort(404)
    return person
