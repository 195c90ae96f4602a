"""``flask create-user``: a person with a role, from the command line."""
from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from peerreview.core.accounts import operations, queries
from peerreview.core.accounts.models import ROLES, SCHOOL_ROLES
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db


def _partnership_for_admin(name: str | None, school: School | None):
    """(partnership or None, name to create) for an admin role; raises UsageError when ambiguous."""
    if name:
        found = db.session.scalar(select(Partnership).where(Partnership.name == name.strip()))
        if found is None:
            raise click.BadParameter(f"no partnership is called {name!r}", param_hint="'--partnership'")
        return found, None
    if school is not None:
        return school.partnership, None
    existing = list(db.session.scalars(select(Partnership).order_by(Partnership.name).limit(2)))
    if len(existing) == 1:
        return existing[0], None
    if not existing:
        return None, "My partnership"
    raise click.UsageError("there are several partnerships: say which with --partnership NAME")


@click.command("create-user")
@click.option("--email", required=True, help="Work email address (stored lower-cased).")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, type=click.Choice(ROLES, case_sensitive=False), help="The role to give.")
@click.option("--school", "urn", type=int, help="URN of the school, for head, reviewer and coordinator.")
@click.option("--partnership", "partnership_name", help="Partnership name, for admin (default: the only one).")
@click.option("--password", help="Set this password now instead of printing a set-password link.")
@click.option("--trained-on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Reviewer training date, YYYY-MM-DD.")
@with_appcontext
def create_user_command(email, name, role, urn, partnership_name, password, trained_on):
    """Create a person with a role, or add the role to an existing person.

    Without --password it prints a one-time set-password link."""
    role = role.lower()
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="'--email'") from None
    name = (name or "").strip()
    if not name:
        raise click.BadParameter("must not be empty", param_hint="'--name'")
    trained = trained_on.date() if trained_on else None
    if trained is not None and role != "reviewer":
        raise click.BadParameter("only reviewers have a training date", param_hint="'--trained-on'")

    school = None
    if urn is not None:
        school = db.session.scalar(select(School).where(School.urn == urn))
        if school is None:
            raise click.BadParameter(f"no school has URN {urn} (import schools first)", param_hint="'--school'")
    if role in SCHOOL_ROLES and school is None:
        raise click.UsageError(f"a {role} needs --school URN")
    if role in SCHOOL_ROLES:
        partnership, create_name, school_for_role = school.partnership, None, school
    else:
        (partnership, create_name), school_for_role = _partnership_for_admin(partnership_name, school), None
    if password is not None:
        problem = operations.password_problem(password, email)
        if problem:
            raise click.BadParameter(problem, param_hint="'--password'")

    person = queries.person_by_email(email)
    if create_name:
        partnership, _created = operations.ensure_partnership(create_name)

    said: list[str] = []
    try:
        if person is None:
            person = operations.create_person(name, email, role, partnership=partnership, school=school_for_role,
                                              trained_on=trained, password=password)
            if password is not None:
                said.append(f"created {role} {email}")
        else:
            _assignment, created = operations.grant_role(person, role, partnership=partnership,
                                                         school=school_for_role, trained_on=trained)
            if created:
                said.append(f"{email} already exists: added the role {role}")
            else:
                said.append(f"{email} already has the role {role}: nothing to add")
            if password is not None:
                operations.set_password(person, password)
                said.append(f"password set for {email}")
    except operations.AccountError as error:
        db.session.rollback()
        raise click.UsageError(error.message) from None
    if create_name:
        said.insert(0, f"there was no partnership yet: created {partnership.name!r} (rename it later)")

    for line in said:
        click.echo(line)
    if password is None:
        url = operations.issue_set_password_link(person)
        hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
        click.echo(f"set-password link (valid {hours} hours): {url}")
