"""Feedback session codes: short enough for a child or an adult to type from the board, shown
in two groups of three ("KQ7 4M2"), stored only as a keyed hash.

- ``new_code()``: six characters from the survey codes' unambiguous alphabet (no 0/O, 1/I/L);
  31^6 is about 887 million codes, and guesses at /v/ are rate limited.
- ``display(code)``: the code as people read it, "KQ7 4M2".
- ``hash_for(code)``: ``surveys.codes.hash_code`` with the app's secret (what the database keeps;
  ``normalise`` makes case, spaces and dashes not matter, so "kq7-4m2" hashes the same).
- ``utcnow()``: the time as stored (naive UTC, as the rest of the app stores times).
- ``is_live(session, now)``: not closed and not expired.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import current_app

from surveys.codes import CODE_ALPHABET, hash_code, normalise

SESSION_CODE_LENGTH = 6


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SESSION_CODE_LENGTH))


def display(code: str) -> str:
    plain = normalise(code)
    return f"{plain[:3]} {plain[3:]}" if len(plain) == SESSION_CODE_LENGTH else plain


def hash_for(code: str) -> str:
    return hash_code(current_app.config["SECRET_KEY"], normalise(code))


def is_live(session, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return session is not None and session.closed_at is None and session.expires_at > now
