"""Writes for accounts: signing in (with throttling), creating people, roles and passwords."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from peerreview.core import audit
from peerreview.core.accounts.models import SCHOOL_ROLES, LoginThrottle, Person, RoleAssignment, SetPasswordLink
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
