"""``flask seed-demo``: a realistic demo partnership in an empty database.

It grows as features land. Demo people live at example.org (a domain reserved for
documentation) so no demo email can reach anyone. The logins are printed in the
contract's exact format and also kept in ``instance/demo-logins.txt`` so the demo
command can show them again on a later start.
"""
from __future__ import annotations

import re
import secrets
from datetime import date
from importlib import resources
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.accounts.passwords import hash_password
from peerreview.core.directory.importing import import_schools
from peerreview.core.directory.models import Cluster, Partnership, School
from peerreview.extensions import db

DEMO_DOMAIN = "riverside.example.org"
DEMO_PARTNERSHIP = "Riverside Learning Trust"

# (cluster name, description, names of member schools as substrings)
CLUSTERS = [
    ("North hub", "Schools north of the river, meeting at Harbour View each half term.", 0),
    ("South hub", "Schools south of the river.", 1),
    ("Early reading network", "Primary and infant schools working on phonics and early reading.", None),
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", text.lower()).strip(".")


def _person(name: str, email: str, password: str | None = None) -> Person:
    person = Person(name=name, email=email, password_hash=hash_password(password) if password else None)
    db.session.add(person)
    return person


def _school_role(person: Person, role: str, school: School, trained_on: date | None = None) -> None:
    person.roles.append(RoleAssignment(role=role, school=school, partnership_id=school.partnership_id, trained_on=trained_on))


def seed_directory() -> tuple[Partnership, list[tuple[str, str, str]]]:
    """The trust, its schools (from a GIAS-format file), clusters and people.
    Returns the partnership and the demo logins as (role, email, password)."""
    partnership = Partnership(name=DEMO_PARTNERSHIP, kind="trust")
    db.session.add(partnership)
    db.session.flush()
    source = resources.files("peerreview.demo_data").joinpath("demo_schools.csv").read_bytes()
    import_schools(source, partnership)

    schools = list(db.session.scalars(select(School).where(School.partnership_id == partnership.id).order_by(School.urn)))
    early_years = [s for s in schools if (s.phase or "").lower() in {"primary", "infant", "nursery", "first"}]
    halves = (schools[: len(schools) // 2], schools[len(schools) // 2 :])
    for name, description, half in CLUSTERS:
        members = halves[half] if half is not None else early_years
        db.session.add(Cluster(partnership=partnership, name=name, description=description, schools=list(members)))

    passwords = {role: f"demo-{role}-{secrets.token_hex(3)}" for role in ("admin", "head", "reviewer", "coordinator")}
    home, reviewer_school, coordinator_school = schools[0], schools[1], schools[2]

    admin = _person("Priya Natarajan", f"admin@{DEMO_DOMAIN}", passwords["admin"])
    admin.roles.append(RoleAssignment(role="admin", partnership=partnership))

    head = _person(home.head_name or "Demo Head", f"head@{DEMO_DOMAIN}", passwords["head"])
    _school_role(head, "head", home)
    # A head who is also a trained reviewer, as many are.
    _school_role(head, "reviewer", home, trained_on=date(2025, 10, 8))

    reviewer = _person("Tom Okafor", f"reviewer@{DEMO_DOMAIN}", passwords["reviewer"])
    _school_role(reviewer, "reviewer", reviewer_school, trained_on=date(2026, 9, 17))

    coordinator = _person("Gwen Price", f"coordinator@{DEMO_DOMAIN}", passwords["coordinator"])
    _school_role(coordinator, "coordinator", coordinator_school)

    # Every other school has a head (and most a trained reviewer) without a password yet:
    # the admin would hand each a set-password link.
    for index, school in enumerate(schools[1:], start=1):
        head_name = school.head_name or f"Head of {school.name}"
        other_head = _person(head_name, f"head.{_slug(school.name)}@{DEMO_DOMAIN}")
        _school_role(other_head, "head", school)
        if index % 3 != 0:
            _school_role(other_head, "reviewer", school, trained_on=date(2024 + index % 3, 9, 10 + index))

    db.session.commit()
    logins = [(role, f"{role}@{DEMO_DOMAIN}", passwords[role]) for role in ("admin", "head", "reviewer", "coordinator")]
    return partnership, logins


def demo_logins_file() -> Path:
    return Path(current_app.instance_path) / "demo-logins.txt"


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill an empty database with a demo partnership and print the demo logins."""
    if db.session.scalar(select(Partnership.id).limit(1)) is not None:
        raise click.ClickException(
            "The database already holds a partnership; seed-demo only fills an empty database."
        )
    _, logins = seed_directory()
    lines = [f"demo login: {role} {email} {password}" for role, email, password in logins]
    path = demo_logins_file()
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    for line in lines:
        click.echo(line)
