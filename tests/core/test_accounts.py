"""Signing in (throttling, inactive people, Argon2, cookies), set-password links and
changing one's own password."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from peerreview.core.accounts import operations
from peerreview.core.accounts.models import LoginThrottle, Person, SetPasswordLink
from peerreview.core.accounts.passwords import verify_password
from peerreview.extensions import db
from tests.conftest import PASSWORD, get_token, sign_in

NEW_PASSWORD = "a brand new passphrase"


def fresh_client(app):
    """A second browser (each request starts with an empty g: see tests/conftest.py)."""
    return app.test_client()


# --- signing in ---------------------------------------------------------------------


def test_five_failures_lock_the_email_even_for_the_right_password(client, world, app):
    world.person("head@school.org.uk")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert sign_in(client, "head@school.org.uk", "wrong password").status_code == 401
    # The failure that reaches the limit already says so.
    assert sign_in(client, "head@school.org.uk", "wrong password").status_code == 429
    response = sign_in(client, "head@school.org.uk", PASSWORD)
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert re.search(r"Too many failed attempts for this email address\. Try again in \d+ minutes", body)
    assert "Try again in 15 minutes" in body
    assert client.get("/").status_code == 302


def test_the_lock_lifts_once_its_time_has_passed(client, world, app):
    world.person("head@school.org.uk")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, "head@school.org.uk", "wrong password")
    assert sign_in(client, "head@school.org.uk").status_code == 429
    row = db.session.get(LoginThrottle, "head@school.org.uk")
    row.locked_until = operations.utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, "head@school.org.uk").status_code == 302
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(LoginThrottle, "head@school.org.uk") is None


def test_an_unknown_email_is_throttled_the_same_way(client, world, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        response = sign_in(client, "nobody@school.org.uk", "wrong password")
        assert response.status_code == 401
        assert "The email address or password is not right" in response.get_data(as_text=True)
    assert sign_in(client, "nobody@school.org.uk", "wrong password").status_code == 429
    response = sign_in(client, "nobody@school.org.uk", "wrong password")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_an_inactive_person_cannot_sign_in(client, world):
    world.person("gone@school.org.uk", active=False)
    response = sign_in(client, "gone@school.org.uk")
    assert response.status_code == 401
    assert "The email address or password is not right" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_someone_deactivated_while_signed_in_is_signed_out(client, world):
    p = world.partnership()
    person = world.person("head@school.org.uk", ("admin", p))
    sign_in(client, "head@school.org.uk")
    assert client.get("/").status_code == 200
    person.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_argon2id(client, world):
    person = world.person("head@school.org.uk")
    assert person.password_hash.startswith("$argon2id$")
    assert PASSWORD not in person.password_hash


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    world.person("head@school.org.uk")
    response = sign_in(client, "head@school.org.uk")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies
    assert "HttpOnly" in cookies[-1]
    assert "SameSite=Lax" in cookies[-1]


def test_login_without_csrf_token_is_refused(client, world):
    world.person("head@school.org.uk")
    response = client.post("/login", data={"email": "head@school.org.uk", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


# --- set-password links -------------------------------------------------------------


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _path(url: str) -> str:
    return "/set-password/" + _token(url)


def test_a_link_stores_only_a_keyed_hash_and_expires_after_the_configured_hours(app, world):
    person = world.person("new@school.org.uk", password=None)
    url = operations.issue_set_password_link(person)
    assert url.startswith(app.config["PUBLIC_BASE_URL"] + "/set-password/")
    token = _token(url)
    assert len(token) >= 40
    link = db.session.scalar(select(SetPasswordLink))
    assert link.token_hash != token and token not in link.token_hash
    assert len(link.token_hash) == 64
    assert link.token_hash == operations.hash_token(token)
    hours = (link.expires_at - operations.utcnow()).total_seconds() / 3600
    assert app.config["SET_PASSWORD_LINK_HOURS"] - 0.1 < hours <= app.config["SET_PASSWORD_LINK_HOURS"]


def test_a_link_built_during_a_request_uses_the_request_host(app, world):
    person = world.person("new@school.org.uk", password=None)
    with app.test_request_context("/", base_url="https://reviews.example.org"):
        url = operations.issue_set_password_link(person)
    assert url.startswith("https://reviews.example.org/set-password/")


def test_setting_a_password_with_a_link_signs_in_and_closes_every_link(client, world):
    person = world.person("new@school.org.uk", password=None)
    first = operations.issue_set_password_link(person)
    second = operations.issue_set_password_link(person)
    page = client.get(_path(second))
    assert page.status_code == 200
    assert "Set your password" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = client.post(_path(second), data={
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": get_token(client, _path(second)),
    })
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    home = client.get("/")
    assert home.status_code == 200
    assert "Your password has been set" in home.get_data(as_text=True)

    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.password_hash.startswith("$argon2id$")
    assert verify_password(person.password_hash, NEW_PASSWORD)
    assert db.session.scalar(select(func.count()).select_from(SetPasswordLink).where(SetPasswordLink.used_at.is_(None))) == 0

    other = fresh_client(client.application)
    used = other.get(_path(second))
    assert used.status_code == 410
    assert "This link has already been used." in used.get_data(as_text=True)
    assert other.get(_path(first)).status_code == 410
    assert sign_in(other, "new@school.org.uk", NEW_PASSWORD).status_code == 302


def test_a_forged_link_is_not_found(client, world):
    for token in ("forged-token-abc", "x" * 500, "%00%ff", operations.hash_token("x")):
        response = client.get(f"/set-password/{token}")
        assert response.status_code == 404
        assert "This link is not valid. Ask your administrator for a new one." in response.get_data(as_text=True)
    response = client.post("/set-password/forged-token-abc", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code in (400, 404)


def test_an_expired_link_is_gone(client, world):
    person = world.person("new@school.org.uk", password=None)
    url = operations.issue_set_password_link(person)
    link = db.session.scalar(select(SetPasswordLink))
    link.expires_at = operations.utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(_path(url))
    assert response.status_code == 410
    assert "This link has expired. Ask your administrator for a new one." in response.get_data(as_text=True)


def test_an_expired_link_cannot_be_used_even_with_a_token_from_an_open_form(client, world):
    person = world.person("new@school.org.uk", password=None)
    url = operations.issue_set_password_link(person)
    token = get_token(client, _path(url))
    link = db.session.scalar(select(SetPasswordLink))
    link.expires_at = operations.utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(_path(url), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 410
    db.session.expire_all()
    assert db.session.get(Person, person.id).password_hash is None


def test_a_link_for_a_deactivated_person_is_not_valid(client, world):
    person = world.person("new@school.org.uk", password=None, active=False)
    url = operations.issue_set_password_link(person)
    assert client.get(_path(url)).status_code == 404


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", "short", "at least 10 characters"),
    (NEW_PASSWORD, "something else entirely", "The passwords do not match"),
    ("", "", "Enter a new password"),
    ("new@school.org.uk", "new@school.org.uk", "must not be your email address"),
    ("NEW@School.org.uk", "NEW@School.org.uk", "must not be your email address"),
])
def test_bad_new_passwords_are_refused_and_the_link_still_works(client, world, password, confirm, message):
    person = world.person("new@school.org.uk", password=None)
    url = operations.issue_set_password_link(person)
    response = client.post(_path(url), data={
        "password": password, "confirm": confirm, "csrf_token": get_token(client, _path(url)),
    })
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "There is a problem" in response.get_data(as_text=True)
    assert client.get(_path(url)).status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, person.id).password_hash is None


def test_set_password_without_csrf_token_is_refused(client, world):
    person = world.person("new@school.org.uk", password=None)
    url = operations.issue_set_password_link(person)
    response = client.post(_path(url), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Person, person.id).password_hash is None


def test_setting_a_password_lifts_a_sign_in_lock(client, world, app):
    person = world.person("new@school.org.uk", password=None)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, "new@school.org.uk", "guess guess guess")
    url = operations.issue_set_password_link(person)
    client.post(_path(url), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                  "csrf_token": get_token(client, _path(url))})
    other = fresh_client(app)
    assert sign_in(other, "new@school.org.uk", NEW_PASSWORD).status_code == 302


# --- changing one's own password ----------------------------------------------------


def _change(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "password": new, "confirm": new if confirm is None else confirm,
        "csrf_token": get_token(client, "/account/password"),
    })


def test_change_password_needs_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_person_changes_their_own_password(client, world, app):
    person = world.person("head@school.org.uk")
    url = operations.issue_set_password_link(person)
    sign_in(client, "head@school.org.uk")
    page = client.get("/account/password")
    assert page.status_code == 200
    assert "Current password" in page.get_data(as_text=True)
    response = _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Your password has been changed" in client.get("/").get_data(as_text=True)

    other = fresh_client(app)
    assert sign_in(other, "head@school.org.uk", PASSWORD).status_code == 401
    assert sign_in(other, "head@school.org.uk", NEW_PASSWORD).status_code == 302
    # Changing the password closes any open set-password link.
    assert fresh_client(app).get(_path(url)).status_code == 410


def test_a_wrong_current_password_is_a_field_error(client, world):
    world.person("head@school.org.uk")
    sign_in(client, "head@school.org.uk")
    response = _change(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Your current password is not right" in body
    assert 'href="#current_password"' in body
    db.session.expire_all()
    assert verify_password(db.session.scalar(select(Person)).password_hash, PASSWORD)


def test_a_wrong_current_password_is_reported_with_the_other_problems(client, world):
    world.person("head@school.org.uk")
    sign_in(client, "head@school.org.uk")
    response = _change(client, "not my password", "short")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Your current password is not right" in body
    assert "at least 10 characters" in body
    summary = body[body.index("govuk-error-summary"):]
    assert summary.index("#current_password") < summary.index("#password")


@pytest.mark.parametrize(("new", "confirm", "message"), [
    ("short", None, "at least 10 characters"),
    (NEW_PASSWORD, "different words here", "The passwords do not match"),
    ("head@school.org.uk", None, "must not be your email address"),
])
def test_bad_new_passwords_are_refused_when_changing(client, world, new, confirm, message):
    world.person("head@school.org.uk")
    sign_in(client, "head@school.org.uk")
    response = _change(client, PASSWORD, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_change_password_without_csrf_token_is_refused(client, world):
    world.person("head@school.org.uk")
    sign_in(client, "head@school.org.uk")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(db.session.scalar(select(Person)).password_hash, PASSWORD)
