"""Password hashing with Argon2 (argon2-cffi's recommended parameters)."""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hashers() -> dict[bool, PasswordHasher]:
    return {
        False: PasswordHasher(),
        # Tests hash hundreds of passwords; cheap parameters keep the suite quick.
        True: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    }


def _hasher() -> PasswordHasher:
    return _hashers()[bool(current_app.config.get("ARGON2_FAST"))]


@cache
def _dummy_hash(fast: bool) -> str:
    return _hashers()[fast].hash("a password nobody has")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches. With no hash, still does the work, so an unknown
    email or a person without a password takes as long to refuse as a wrong password."""
    target = password_hash or _dummy_hash(bool(current_app.config.get("ARGON2_FAST")))
    try:
        matched = _hasher().verify(target, password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
