"""Shared fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), emptied after each test, plus helpers to make people and sign in."""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from peerreview import create_app
from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.accounts.passwords import hash_password
from peerreview.core.directory.models import Cluster, Partnership, School
from peerreview.extensions import db

PASSWORD = "correct horse battery"


class FreshRequestClient(FlaskClient):
    """Tests that build data hold an app context open, and Flask then runs each request
    inside it, so ``g`` (the signed-in person, the CSRF token) would leak from one request
    to the next. Starting each request with an empty ``g`` makes it behave like production."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    overrides = {"INSTANCE_DIR": str(instance)}
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'test.db'}"
    app = create_app(TestingConfig, **overrides)
    app.test_client_class = FreshRequestClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # A clean schema every run: the schema is only ever built by migrations.
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    yield app


@pytest.fixture(autouse=True)
def _clean_database(app):
    yield
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # One statement instead of a DELETE per table keeps the PostgreSQL run quick.
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def get_token(client, url: str) -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


def sign_in(client, email: str, password: str = PASSWORD):
    token = get_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


class World:
    """Builds partnerships, schools and people for a test, committed to the database."""

    def __init__(self):
        self._urn = 900000

    def partnership(self, name="North Star Trust", kind="trust") -> Partnership:
        p = Partnership(name=name, kind=kind)
        db.session.add(p)
        db.session.commit()
        return p

    def school(self, partnership, name=None, **fields) -> School:
        self._urn += 1
        s = School(partnership=partnership, urn=fields.pop("urn", self._urn), name=name or f"School {self._urn}", **fields)
        db.session.add(s)
        db.session.commit()
        return s

    def cluster(self, partnership, name, schools=()) -> Cluster:
        c = Cluster(partnership=partnership, name=name, schools=list(schools))
        db.session.add(c)
        db.session.commit()
        return c

    def person(self, email, *roles, name=None, password=PASSWORD, active=True) -> Person:
        """roles: ("admin", partnership) or ("head"|"reviewer"|"coordinator", school), or ("lead", school):
        a trained reviewer who may lead a review team."""
        p = Person(name=name or email.split("@")[0].title(), email=email.lower(),
                   password_hash=hash_password(password) if password else None, active=active)
        for role, target in roles:
            if role == "admin":
                p.roles.append(RoleAssignment(role="admin", partnership_id=target.id))
            else:
                reviewer = role in ("reviewer", "lead")
                p.roles.append(RoleAssignment(
                    role="reviewer" if reviewer else role, school_id=target.id,
                    partnership_id=target.partnership_id, can_lead=role == "lead",
                    trained_on=date(2026, 9, 1) if reviewer else None))
        db.session.add(p)
        db.session.commit()
        return p


@pytest.fixture
def world(ctx):
    return World()
