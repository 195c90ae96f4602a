"""``flask create-user``: the contract in DESIGN.md and its bad input."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview.core.accounts.models import Person, RoleAssignment, SetPasswordLink
from peerreview.core.audit import AuditEvent
from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from tests.conftest import sign_in


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["create-user", *args])

    return invoke


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_a_head_with_a_password(run, world, client):
    p = world.partnership()
    school = world.school(p, "Northfield Primary")
    result = run("--email", "Head@North.org.uk", "--name", "Hal Head", "--role", "head",
                 "--school", str(school.urn), "--password", "long enough password")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "created head head@north.org.uk"
    person = db.session.scalar(select(Person))
    assert person.email == "head@north.org.uk" and person.name == "Hal Head"
    assert person.password_hash.startswith("$argon2id$")
    assert [(r.role, r.school_id, r.partnership_id) for r in person.roles] == [("head", school.id, p.id)]
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "role.granted" and event.actor_id is None and event.partnership_id == p.id
    assert sign_in(client, "head@north.org.uk", "long enough password").status_code == 302


def test_without_a_password_it_prints_a_one_time_link(run, world, app, client):
    p = world.partnership()
    school = world.school(p)
    result = run("--email", "rev@north.org.uk", "--name", "Rita", "--role", "reviewer", "--school", str(school.urn),
                 "--trained-on", "2026-09-17")
    assert result.exit_code == 0, result.output
    match = re.search(r"^set-password link \(valid 72 hours\): (\S+)$", result.output, re.M)
    assert match, result.output
    url = match.group(1)
    assert url.startswith(app.config["PUBLIC_BASE_URL"] + "/set-password/")
    person = db.session.scalar(select(Person))
    assert person.password_hash is None
    assert person.roles[0].trained_on == date(2026, 9, 17)
    assert _count(SetPasswordLink) == 1
    assert client.get("/set-password/" + url.rsplit("/", 1)[1]).status_code == 200


def test_an_admin_joins_the_only_partnership(run, world):
    p = world.partnership("North Star Trust")
    result = run("--email", "admin@north.org.uk", "--name", "Ada", "--role", "admin", "--password", "long enough password")
    assert result.exit_code == 0, result.output
    assert "created admin admin@north.org.uk" in result.output
    person = db.session.scalar(select(Person))
    assert [(r.role, r.partnership_id, r.school_id) for r in person.roles] == [("admin", p.id, None)]


def test_an_admin_with_no_partnership_yet_creates_one(run, world):
    result = run("--email", "admin@north.org.uk", "--name", "Ada", "--role", "admin", "--password", "long enough password")
    assert result.exit_code == 0, result.output
    assert "My partnership" in result.output
    assert "created admin admin@north.org.uk" in result.output
    [p] = db.session.scalars(select(Partnership)).all()
    assert p.name == "My partnership"


def test_an_admin_names_one_of_several_partnerships(run, world):
    world.partnership("North Star Trust")
    south = world.partnership("South Bay Alliance", kind="alliance")
    result = run("--email", "admin@south.org.uk", "--name", "Sam", "--role", "admin", "--partnership", "South Bay Alliance")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(RoleAssignment)).partnership_id == south.id


def test_an_existing_email_gets_the_role_added_once(run, world):
    p = world.partnership()
    school = world.school(p)
    world.person("head@north.org.uk", ("head", school))
    result = run("--email", "HEAD@north.org.uk", "--name", "Hal", "--role", "reviewer", "--school", str(school.urn),
                 "--password", "long enough password")
    assert result.exit_code == 0, result.output
    assert "already exists" in result.output
    assert _count(Person) == 1
    assert sorted(r.role for r in db.session.scalar(select(Person)).roles) == ["head", "reviewer"]

    again = run("--email", "head@north.org.uk", "--name", "Hal", "--role", "reviewer", "--school", str(school.urn),
                "--password", "long enough password")
    assert again.exit_code == 0, again.output
    assert "already has the role reviewer" in again.output
    assert _count(RoleAssignment) == 2
    assert _count(AuditEvent) == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "superuser"], "superuser"),
    (["--role", "head"], "needs --school"),
    (["--role", "head", "--school", "123"], "no school has URN 123"),
    (["--role", "head", "--school", "abc"], "abc"),
    (["--role", "head", "--school", "{urn}", "--email", "not-an-email"], "--email"),
    (["--role", "head", "--school", "{urn}", "--email", ""], "--email"),
    (["--role", "head", "--school", "{urn}", "--password", "short"], "at least 10 characters"),
    (["--role", "head", "--school", "{urn}", "--password", "x@north.org.uk"], "must not be your email address"),
    (["--role", "head", "--school", "{urn}", "--trained-on", "2026-09-17"], "only reviewers"),
    (["--role", "reviewer", "--school", "{urn}", "--trained-on", "17/09/2026"], "--trained-on"),
    (["--role", "admin"], "several partnerships"),
    (["--role", "admin", "--partnership", "Nowhere Trust"], "no partnership is called"),
    (["--role", "head", "--school", "{urn}", "--name", "  "], "--name"),
])
def test_bad_input_is_a_usage_error_and_writes_nothing(run, world, args, message):
    p = world.partnership("North Star Trust")
    world.partnership("South Bay Alliance", kind="alliance")
    school = world.school(p)
    base = {"--email": "x@north.org.uk", "--name": "X Person"}
    args = [a.format(urn=school.urn) for a in args]
    for flag, value in base.items():
        if flag not in args:
            args += [flag, value]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert _count(Person) == 0
    assert _count(AuditEvent) == 0
    assert _count(SetPasswordLink) == 0
    assert _count(Partnership) == 2


def test_missing_required_options_are_usage_errors(run, world):
    result = run("--email", "x@north.org.uk")
    assert result.exit_code == 2
    assert "--name" in result.output or "--role" in result.output
