"""Argon2 hashing and the rules for new passwords."""
from __future__ import annotations

import pytest

from peerreview.core.accounts import operations
from peerreview.core.accounts.passwords import hash_password, needs_rehash, verify_password


def test_hashes_are_argon2id_salted_and_verify(ctx):
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second
    assert verify_password(first, "correct horse battery")
    assert not verify_password(first, "Correct horse battery")
    assert not needs_rehash(first)


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$argon2id$broken"])
def test_missing_or_broken_hashes_never_verify(ctx, stored):
    assert not verify_password(stored, "anything at all")


@pytest.mark.parametrize(("password", "ok"), [
    ("123456789", False),
    ("1234567890", True),
    ("jo@school.org.uk", False),
    (" JO@School.org.uk ", False),
    ("x" * 1025, False),
    ("pässwörd ünïcode", True),
])
def test_new_password_rules(ctx, password, ok):
    assert (operations.password_problem(password, "jo@school.org.uk") is None) is ok


def test_token_hashes_are_keyed_by_the_app_secret(app):
    with app.app_context():
        a = operations.hash_token("token")
        app.config["SECRET_KEY"], old = "another secret", app.config["SECRET_KEY"]
        try:
            b = operations.hash_token("token")
        finally:
            app.config["SECRET_KEY"] = old
    assert a != b and len(a) == 64
