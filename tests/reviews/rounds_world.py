"""A small partnership for the round tests: six schools 3 km apart on a line, each with an
experienced lead reviewer and a reviewer, an admin, a head, and an admin elsewhere."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.reviews import rounds_ops
from peerreview.reviews.models import Review, ReviewRound, TeamMember
from sqlalchemy import select

NAMES = ("Alder", "Beech", "Cherry", "Elm", "Fir", "Hazel")
MONDAY = date(2027, 1, 11)
FRIDAY_WEEK_2 = date(2027, 1, 22)


def build(world, *, round_kwargs=None):
    p = world.partnership("Vale Partnership")
    schools = {}
    for i, name in enumerate(NAMES):
        schools[name] = world.school(p, f"{name} Primary", easting=400000 + i * 3000, northing=300000,
                                     postcode=f"AB{i} 1CD", phase="Primary")
    leads = {n: world.person(f"lead.{n.lower()}@vale.example", ("lead", schools[n]), name=f"Lee {n}") for n in NAMES}
    reviewers = {n: world.person(f"rev.{n.lower()}@vale.example", ("reviewer", schools[n]), name=f"Rae {n}")
                 for n in NAMES}
    other = world.partnership("Hill Partnership")
    hill = world.school(other, "Hill School", easting=100000, northing=100000)
    people = SimpleNamespace(
        admin=world.person("admin@vale.example", ("admin", p), name="Ada Admin"),
        head=world.person("head.alder@vale.example", ("head", schools["Alder"]), name="Hal Head"),
        other_admin=world.person("admin@hill.example", ("admin", other), name="Olly Other"),
        hill_reviewer=world.person("rev@hill.example", ("lead", hill), name="Hilary Hill"),
    )
    settings = rounds_ops.RoundSettings(
        name="Spring 2027", window_start=MONDAY, window_end=FRIDAY_WEEK_2,
        host_ids=frozenset(s.id for s in schools.values()), **(round_kwargs or {}))
    review_round = rounds_ops.create_round(p, settings, actor=people.admin)
    reviews = {r.host.name.split()[0]: r for r in review_round.reviews}
    return SimpleNamespace(partnership=p, schools=schools, leads=leads, reviewers=reviewers, round=review_round,
                           reviews=reviews, other=other, hill=hill, **vars(people))


def set_team(review: Review, day: date | None, *members) -> None:
    """members: (person, is_lead) pairs; replaces the review's team."""
    review.team.clear()
    db.session.flush()
    review.review_date = day
    for person, lead in members:
        review.team.append(TeamMember(person_id=person.id, is_lead=lead, source="manual"))
    db.session.commit()


def team_of(review_id: int) -> list[tuple[int, bool]]:
    db.session.expire_all()
    return sorted((m.person_id, m.is_lead) for m in db.session.scalars(
        select(TeamMember).where(TeamMember.review_id == review_id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def vale(world):
    return build(world)


__all__ = ["build", "set_team", "team_of", "audit_actions", "vale", "MONDAY", "FRIDAY_WEEK_2", "NAMES",
           "Review", "ReviewRound"]
