"""Reads for the partnership directory: schools (search, filters, pages), clusters, people at a school.

Every query here is scoped by the partnership ids it is given; the views pass the ids the
signed-in person belongs to (from ``permissions``), so nothing outside them is ever read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import selectinload

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import Cluster, Partnership, School, cluster_school
from peerreview.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class SchoolFilters:
    """What the schools list is narrowed by. Values are already checked against the options."""

    q: str = ""
    phase: str | None = None
    local_authority: str | None = None
    cluster_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.phase or self.local_authority or self.cluster_id)


@dataclass(frozen=True)
class FilterOptions:
    """The choices offered by the filter selects, built from the data the person can see."""

    phases: list[str] = field(default_factory=list)
    local_authorities: list[str] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


@dataclass(frozen=True)
class SchoolPage:
    schools: list[School]
    total: int
    page: int
    pages: int
    page_size: int = PAGE_SIZE

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.page * self.page_size, self.total)


def partnerships(partnership_ids: set[int]) -> list[Partnership]:
    if not partnership_ids:
        return []
    return list(db.session.scalars(
        select(Partnership).where(Partnership.id.in_(partnership_ids)).order_by(Partnership.name)
    ))


def filter_options(partnership_ids: set[int]) -> FilterOptions:
    if not partnership_ids:
        return FilterOptions()
    in_reach = School.partnership_id.in_(partnership_ids)
    phases = db.session.scalars(
        select(School.phase).where(in_reach, School.phase.is_not(None), School.phase != "")
        .distinct().order_by(School.phase)
    )
    authorities = db.session.scalars(
        select(School.local_authority)
        .where(in_reach, School.local_authority.is_not(None), School.local_authority != "")
        .distinct().order_by(School.local_authority)
    )
    return FilterOptions(phases=list(phases), local_authorities=list(authorities),
                         clusters=clusters(partnership_ids))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_condition(q: str):
    """Name, URN or postcode containing q, ignoring case (and spaces, for postcodes).

    lower(), replace(), CAST and LIKE ... ESCAPE behave the same on SQLite and PostgreSQL.
    """
    text = q.strip().lower()
    conditions = [
        func.lower(School.name).like(_like_pattern(text), escape="\\"),
        cast(School.urn, String).like(_like_pattern(text), escape="\\"),
    ]
    compact = text.replace(" ", "")
    if compact:
        conditions.append(
            func.replace(func.lower(School.postcode), " ", "").like(_like_pattern(compact), escape="\\")
        )
    return or_(*conditions)


def _schools_statement(partnership_ids: set[int], filters: SchoolFilters):
    stmt = select(School).where(School.partnership_id.in_(partnership_ids))
    if filters.q:
        stmt = stmt.where(_search_condition(filters.q))
    if filters.phase:
        stmt = stmt.where(School.phase == filters.phase)
    if filters.local_authority:
        stmt = stmt.where(School.local_authority == filters.local_authority)
    if filters.cluster_id:
        stmt = stmt.where(School.id.in_(
            select(cluster_school.c.school_id).where(cluster_school.c.cluster_id == filters.cluster_id)
        ))
    return stmt


def search_schools(partnership_ids: set[int], filters: SchoolFilters, page: int = 1,
                   page_size: int = PAGE_SIZE) -> SchoolPage:
    """One page of matching schools, by name. A page past the end shows the last page."""
    if not partnership_ids:
        return SchoolPage(schools=[], total=0, page=1, pages=1, page_size=page_size)
    stmt = _schools_statement(partnership_ids, filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, ceil(total / page_size))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        stmt.options(selectinload(School.clusters), selectinload(School.partnership))
        .order_by(func.lower(School.name), School.id)
        .limit(page_size).offset((page - 1) * page_size)
    )
    return SchoolPage(schools=list(rows), total=total, page=page, pages=pages, page_size=page_size)


def clusters(partnership_ids: set[int]) -> list[Cluster]:
    if not partnership_ids:
        return []
    return list(db.session.scalars(
        select(Cluster).where(Cluster.partnership_id.in_(partnership_ids))
        .options(selectinload(Cluster.partnership))
        .order_by(func.lower(Cluster.name), Cluster.id)
    ))


def clusters_with_counts(partnership_ids: set[int]) -> list[tuple[Cluster, int]]:
    """Each cluster with how many schools it holds, counted in the database."""
    if not partnership_ids:
        return []
    counts = (
        select(cluster_school.c.cluster_id, func.count().label("n"))
        .group_by(cluster_school.c.cluster_id).subquery()
    )
    rows = db.session.execute(
        select(Cluster, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cluster_id == Cluster.id)
        .where(Cluster.partnership_id.in_(partnership_ids))
        .options(selectinload(Cluster.partnership))
        .order_by(func.lower(Cluster.name), Cluster.id)
    )
    return [(cluster, int(n)) for cluster, n in rows]


def cluster_name_taken(partnership_id: int, name: str, *, except_id: int | None = None) -> bool:
    """Whether another cluster of the partnership already has this name (ignoring case)."""
    stmt = select(Cluster.id).where(
        Cluster.partnership_id == partnership_id,
        func.lower(Cluster.name) == name.strip().lower(),
    )
    if except_id is not None:
        stmt = stmt.where(Cluster.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


def partnership_schools(partnership_id: int) -> list[School]:
    return list(db.session.scalars(
        select(School).where(School.partnership_id == partnership_id).order_by(func.lower(School.name), School.id)
    ))


def cluster_schools(cluster: Cluster) -> list[School]:
    return list(db.session.scalars(
        select(School).join(cluster_school, cluster_school.c.school_id == School.id)
        .where(cluster_school.c.cluster_id == cluster.id)
        .order_by(func.lower(School.name), School.id)
    ))


@dataclass(frozen=True)
class SchoolRole:
    person: Person
    role: str
    trained_on: object


ROLE_ORDER = {"head": 0, "reviewer": 1, "coordinator": 2}


def people_at_school(school: School) -> list[SchoolRole]:
    """Who holds a role at the school: heads first, then reviewers, then coordinators, by name."""
    rows = db.session.execute(
        select(RoleAssignment, Person).join(Person, Person.id == RoleAssignment.person_id)
        .where(RoleAssignment.school_id == school.id)
    )
    people = [SchoolRole(person=person, role=ra.role, trained_on=ra.trained_on) for ra, person in rows]
    people.sort(key=lambda r: (ROLE_ORDER.get(r.role, 9), r.person.name.lower(), r.person.id))
    return people
