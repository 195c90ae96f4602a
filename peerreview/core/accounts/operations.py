"""Writes for accounts: signing in (with throttling), creating people, roles and passwords."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from peerreview.core import audit
from peerreview.core.accounts.models import ROLES, SCHOOL_ROLES, LoginThrottle, Person, RoleAssignment, SetPasswordLink
from peerreview.core.accounts.passwords import hash_password, needs_rehash, verify_password
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def utcnow() -> datetime:
    """Naive UTC, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


# --- signing in ---------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    person: Person | None
    locked_minutes: int = 0

    @property
    def ok(self) -> bool:
        return self.person is not None


def _throttle(email: str) -> LoginThrottle:
    row = db.session.get(LoginThrottle, email)
    if row is None:
        row = LoginThrottle(email=email, failures=0)
        db.session.add(row)
    return row


def minutes_locked(email: str) -> int:
    row = db.session.get(LoginThrottle, normalise_email(email))
    if row is None or row.locked_until is None:
        return 0
    remaining = row.locked_until - utcnow()
    if remaining.total_seconds() <= 0:
        return 0
    return max(1, int(remaining.total_seconds() // 60) + (1 if remaining.total_seconds() % 60 else 0))


def sign_in(email: str, password: str) -> SignInResult:
    """Check an email and password. After LOGIN_MAX_FAILURES failures the email is locked
    for LOGIN_LOCK_MINUTES, whether or not it belongs to anyone, so nothing is given away."""
    email = normalise_email(email)
    locked = minutes_locked(email)
    if locked:
        return SignInResult(None, locked)

    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is not None and person.active and verify_password(person.password_hash, password):
        if needs_rehash(person.password_hash):
            person.password_hash = hash_password(password)
        row = db.session.get(LoginThrottle, email)
        if row is not None:
            db.session.delete(row)
        person.last_login_at = utcnow()
        db.session.commit()
        return SignInResult(person)
    if person is None or not person.active:
        verify_password(None, password)  # same work as a wrong password

    row = _throttle(email)
    now = utcnow()
    window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    if row.last_failure_at is None or now - row.last_failure_at > window:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + window
        row.failures = 0
    db.session.commit()
    return SignInResult(None, minutes_locked(email))


# --- passwords and set-password links -----------------------------------------------


class AccountError(ValueError):
    """Bad input for an account operation; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None, person: Person | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.person = person


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        return _("Your password must be at least %(n)d characters long", n=minimum)
    if len(password) > 1024:
        return _("Your password must be 1,024 characters or fewer")
    if email and password.strip().lower() == normalise_email(email):
        return _("Your password must not be your email address")
    return None


def hash_token(token: str) -> str:
    """The keyed hash kept in place of a set-password token (HMAC-SHA256 with the app secret)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def set_password_url(token: str) -> str:
    if has_request_context():
        return url_for("accounts.set_password", token=token, _external=True)
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/set-password/{token}"


def _partnership_ids_of(person: Person) -> set[int]:
    return {r.partnership_id for r in person.roles}


def _audit_partnerships(person: Person, actor: Person | None) -> set[int | None]:
    """Which partnerships' audit logs an event about ``person`` belongs in: those the actor
    administers (from the web), or all of the person's (from the command line)."""
    theirs = _partnership_ids_of(person)
    if actor is not None:
        admin_of = {r.partnership_id for r in actor.roles if r.role == "admin"}
        theirs = theirs & admin_of or theirs
    return theirs or {None}


def _close_open_links(person: Person, now: datetime, keep: SetPasswordLink | None = None) -> None:
    stmt = select(SetPasswordLink).where(
        SetPasswordLink.person_id == person.id, SetPasswordLink.used_at.is_(None)
    )
    for link in db.session.scalars(stmt):
        if link is not keep:
            link.used_at = now


def issue_set_password_link(person: Person, *, actor: Person | None = None) -> str:
    """Create a one-time link for ``person`` to set a password, and return its absolute URL.
    Only the keyed hash of the token is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
    db.session.add(SetPasswordLink(
        person_id=person.id, token_hash=hash_token(token), expires_at=now + timedelta(hours=hours)
    ))
    if actor is not None:
        for pid in _audit_partnerships(person, actor):
            audit.record("password_link.issued", f"set-password link for {person.email}",
                         actor=actor, partnership_id=pid)
    db.session.commit()
    return set_password_url(token)


def set_password_with_link(link: SetPasswordLink, password: str) -> Person:
    """Use a valid link: set the password, close this and every other open link, lift any lock."""
    person = link.person
    problem = password_problem(password, person.email)
    if problem:
        raise AccountError(problem, "password")
    now = utcnow()
    person.password_hash = hash_password(password)
    link.used_at = now
    _close_open_links(person, now)
    throttle = db.session.get(LoginThrottle, person.email)
    if throttle is not None:
        db.session.delete(throttle)
    person.last_login_at = now
    db.session.commit()
    return person


def is_current_password(person: Person, password: str) -> bool:
    return verify_password(person.password_hash, password or "")


def change_password(person: Person, current_password: str, new_password: str) -> None:
    if not is_current_password(person, current_password):
        raise AccountError(_("Your current password is not right"), "current_password")
    problem = password_problem(new_password, person.email)
    if problem:
        raise AccountError(problem, "password")
    now = utcnow()
    person.password_hash = hash_password(new_password)
    _close_open_links(person, now)
    db.session.commit()


# --- people and roles ---------------------------------------------------------------


def _describe_role(role: str, partnership: Partnership | None, school: School | None) -> str:
    if school is not None:
        return f"{role} at {school.name} (URN {school.urn})"
    return f"{role} of {partnership.name}" if partnership is not None else role


def _check_role_target(role: str, partnership: Partnership | None, school: School | None,
                       trained_on: date | None) -> Partnership:
    if role not in ROLES:
        raise AccountError(_("Choose a role"), "role")
    if role in SCHOOL_ROLES:
        if school is None:
            raise AccountError(_("Choose the school this person works at"), "school")
        if partnership is not None and school.partnership_id != partnership.id:
            raise AccountError(_("Choose a school in your partnership"), "school")
        partnership = school.partnership
    elif partnership is None:
        raise AccountError(_("Choose a partnership"), "partnership")
    if trained_on is not None and role != "reviewer":
        raise AccountError(_("Only reviewers have a training date"), "trained_on")
    return partnership


def find_role(person: Person, role: str, partnership_id: int, school_id: int | None) -> RoleAssignment | None:
    for r in person.roles:
        if r.role == role and r.partnership_id == partnership_id and r.school_id == school_id:
            return r
    return None


def grant_role(person: Person, role: str, *, partnership: Partnership | None = None,
               school: School | None = None, trained_on: date | None = None,
               actor: Person | None = None, commit: bool = True) -> tuple[RoleAssignment, bool]:
    """Give ``person`` a role. Returns (assignment, created); an identical role already held
    is returned as it is (a new training date is recorded on it)."""
    partnership = _check_role_target(role, partnership, school, trained_on)
    school_id = school.id if role in SCHOOL_ROLES else None
    existing = find_role(person, role, partnership.id, school_id)
    if existing is not None:
        if trained_on is not None and existing.trained_on != trained_on:
            existing.trained_on = trained_on
            audit.record("role.updated", f"{person.email}: reviewer training date {trained_on.isoformat()}",
                         actor=actor, partnership_id=partnership.id)
            if commit:
                db.session.commit()
        return existing, False
    assignment = RoleAssignment(role=role, partnership_id=partnership.id, school_id=school_id,
                                trained_on=trained_on if role == "reviewer" else None)
    person.roles.append(assignment)
    audit.record("role.granted", f"{person.email}: {_describe_role(role, partnership, school)}",
                 actor=actor, partnership_id=partnership.id)
    if commit:
        db.session.commit()
    return assignment, True


def set_can_lead(assignment: RoleAssignment, can_lead: bool, *, actor: Person | None = None) -> bool:
    """Mark a reviewer role as an experienced lead reviewer (or not). Only a trained reviewer
    can lead. Returns False when nothing changed."""
    if can_lead and (assignment.role != "reviewer" or assignment.trained_on is None):
        raise AccountError(_("Only a reviewer with a training date can be an experienced lead reviewer"), "role")
    if bool(assignment.can_lead) == can_lead:
        return False
    assignment.can_lead = can_lead
    audit.record("role.updated", f"{assignment.person.email}: experienced lead reviewer {'yes' if can_lead else 'no'}"
                 f" at {assignment.school.name if assignment.school else '?'}",
                 actor=actor, partnership_id=assignment.partnership_id)
    db.session.commit()
    return True


def create_person(name: str, email: str, role: str, *, partnership: Partnership | None = None,
                  school: School | None = None, trained_on: date | None = None,
                  password: str | None = None, actor: Person | None = None) -> Person:
    """Create a person with one role (and optionally a password). Raises AccountError on bad input."""
    name = (name or "").strip()
    email = normalise_email(email)
    if not name:
        raise AccountError(_("Enter the person's name"), "name")
    existing = db.session.scalar(select(Person).where(Person.email == email))
    if existing is not None:
        raise AccountError(_("A person with this email address already exists"), "email", person=existing)
    _check_role_target(role, partnership, school, trained_on)
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise AccountError(problem, "password")
    person = Person(name=name, email=email, active=True,
                    password_hash=hash_password(password) if password is not None else None)
    db.session.add(person)
    db.session.flush()
    grant_role(person, role, partnership=partnership, school=school, trained_on=trained_on,
               actor=actor, commit=False)
    db.session.commit()
    return person


def set_password(person: Person, password: str) -> None:
    """Set a password directly (the command line)."""
    problem = password_problem(password, person.email)
    if problem:
        raise AccountError(problem, "password")
    person.password_hash = hash_password(password)
    _close_open_links(person, utcnow())
    db.session.commit()


def remove_role(assignment: RoleAssignment, *, actor: Person | None = None) -> None:
    person = assignment.person
    if actor is not None and person.id == actor.id and assignment.role == "admin":
        others = [r for r in person.roles if r.role == "admin" and r.id != assignment.id]
        if not others:
            raise AccountError(_("You cannot remove your own last administrator role"), "role")
    description = _describe_role(assignment.role, assignment.partnership, assignment.school)
    partnership_id = assignment.partnership_id
    person.roles.remove(assignment)
    audit.record("role.removed", f"{person.email}: {description}", actor=actor, partnership_id=partnership_id)
    db.session.commit()


def set_active(person: Person, active: bool, *, actor: Person | None = None) -> bool:
    """Deactivate or reactivate a person. Returns False when nothing changed."""
    if actor is not None and person.id == actor.id and not active:
        raise AccountError(_("You cannot deactivate yourself"))
    if person.active == active:
        return False
    person.active = active
    if not active:
        _close_open_links(person, utcnow())
    for pid in _audit_partnerships(person, actor):
        audit.record("person.reactivated" if active else "person.deactivated", person.email,
                     actor=actor, partnership_id=pid)
    db.session.commit()
    return True


def ensure_partnership(name: str = "My partnership") -> tuple[Partnership, bool]:
    """The partnership called ``name``, created when missing. Returns (partnership, created)."""
    existing = db.session.scalar(select(Partnership).where(Partnership.name == name))
    if existing is not None:
        return existing, False
    partnership = Partnership(name=name, kind="trust")
    db.session.add(partnership)
    db.session.flush()
    return partnership, True
