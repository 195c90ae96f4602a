"""People and roles pages for partnership admins, and the audit log."""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from peerreview.core.accounts import operations
from peerreview.core.accounts.models import Person, RoleAssignment, SetPasswordLink
from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from tests.conftest import PASSWORD, get_token, sign_in


def fresh_client(app):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return app.test_client()


@pytest.fixture
def trust(world):
    """Two partnerships with an admin, a head, a reviewer and a coordinator in the first."""
    north = world.partnership("North Star Trust")
    south = world.partnership("South Bay Alliance", kind="alliance")
    n1 = world.school(north, "Northfield Primary")
    n2 = world.school(north, "Harbour View Academy")
    s1 = world.school(south, "Southgate Infants")
    people = {
        "admin": world.person("admin@north.org.uk", ("admin", north), name="Ada Admin"),
        "head": world.person("head@north.org.uk", ("head", n1), name="Hal Head"),
        "reviewer": world.person("reviewer@north.org.uk", ("reviewer", n2), name="Rita Reviewer"),
        "coordinator": world.person("coord@north.org.uk", ("coordinator", n1), name="Cole Coordinator"),
        "other_admin": world.person("admin@south.org.uk", ("admin", south), name="Sam South"),
        "south_head": world.person("head@south.org.uk", ("head", s1), name="Sue Southhead"),
    }
    return {"north": north, "south": south, "n1": n1, "n2": n2, "s1": s1, **people}


LIST_PAGES = ["/manage/people", "/manage/people/new", "/manage/audit"]


def _person_pages(person_id):
    return [f"/manage/people/{person_id}"]


# --- who may see what ---------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_PAGES + ["/manage/people/{head}"])
def test_anonymous_people_are_sent_to_sign_in(client, trust, url):
    response = client.get(url.format(head=trust["head"].id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["head", "reviewer", "coordinator"])
@pytest.mark.parametrize("url", LIST_PAGES + ["/manage/people/{head}", "/manage/people/{admin}"])
def test_school_roles_are_forbidden(client, trust, who, url):
    sign_in(client, trust[who].email)
    response = client.get(url.format(head=trust["head"].id, admin=trust["admin"].id))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["head", "reviewer", "coordinator"])
@pytest.mark.parametrize("action", ["roles", "active", "link", "roles/{role}/remove"])
def test_school_roles_cannot_post_changes(client, trust, who, action):
    sign_in(client, trust[who].email)
    target = trust["coordinator"]
    url = f"/manage/people/{target.id}/" + action.format(role=target.roles[0].id)
    response = client.post(url, data={"csrf_token": get_token(client, "/account/password"), "role": "admin", "active": "0"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, target.id).active


@pytest.mark.parametrize("url", ["/manage/people?partnership={north}", "/manage/audit?partnership={north}",
                                 "/manage/people/new?partnership={north}"])
def test_an_admin_of_another_partnership_is_forbidden_its_lists(client, trust, url):
    sign_in(client, trust["other_admin"].email)
    response = client.get(url.format(north=trust["north"].id))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["head", "reviewer", "coordinator", "admin"])
def test_an_admin_of_another_partnership_cannot_find_its_people(client, trust, who):
    sign_in(client, trust["other_admin"].email)
    person = trust[who]
    assert client.get(f"/manage/people/{person.id}").status_code == 404
    token = get_token(client, "/manage/people")
    for action in ("roles", "active", "link", f"roles/{person.roles[0].id}/remove"):
        response = client.post(f"/manage/people/{person.id}/{action}", data={"csrf_token": token, "active": "0"})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Person, person.id).active
    assert len(db.session.get(Person, person.id).roles) == 1


def test_an_admin_of_another_partnership_sees_only_their_own_people(client, trust):
    sign_in(client, trust["other_admin"].email)
    body = client.get("/manage/people").get_data(as_text=True)
    assert "Sue Southhead" in body
    assert "Hal Head" not in body and "Ada Admin" not in body


@pytest.mark.parametrize("url", LIST_PAGES + ["/manage/people/{head}", "/manage/people/{admin}",
                                              "/manage/people?partnership={north}"])
def test_the_admin_sees_every_page(client, trust, url):
    sign_in(client, trust["admin"].email)
    response = client.get(url.format(head=trust["head"].id, admin=trust["admin"].id, north=trust["north"].id))
    assert response.status_code == 200


def test_an_unknown_person_id_is_not_found(client, trust):
    sign_in(client, trust["admin"].email)
    assert client.get("/manage/people/999999").status_code == 404


# --- the list -----------------------------------------------------------------------


def test_the_list_shows_people_roles_and_status(client, trust, world):
    world.person("new@north.org.uk", ("reviewer", trust["n1"]), name="Nina Newcomer", password=None)
    world.person("old@north.org.uk", ("head", trust["n2"]), name="Olly Oldhand", active=False)
    sign_in(client, trust["admin"].email)
    body = client.get("/manage/people").get_data(as_text=True)
    for name in ("Ada Admin", "Hal Head", "Rita Reviewer", "Cole Coordinator", "Nina Newcomer", "Olly Oldhand"):
        assert name in body
    assert "Sam South" not in body and "Sue Southhead" not in body
    assert "Headteacher, Northfield Primary" in body
    assert "Partnership administrator, North Star Trust" in body
    assert "No password yet" in body
    assert "Deactivated" in body
    assert f'href="/manage/people/{trust["head"].id}"' in body


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ({"q": "rita"}, ["Rita Reviewer"], ["Hal Head", "Cole Coordinator"]),
    ({"q": "HEAD@NORTH"}, ["Hal Head"], ["Rita Reviewer"]),
    ({"role": "coordinator"}, ["Cole Coordinator"], ["Hal Head", "Rita Reviewer"]),
    ({"role": "admin"}, ["admin@north.org.uk"], ["Hal Head"]),
    ({"q": "100%_"}, ["No one matches that search"], ["Hal Head", "admin@north.org.uk"]),
    ({"role": "nonsense"}, ["Hal Head", "Ada Admin"], []),
])
def test_search_and_filter(client, trust, query, shown, hidden):
    sign_in(client, trust["admin"].email)
    response = client.get("/manage/people", query_string=query)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in shown:
        assert name in body
    for name in hidden:
        assert name not in body


# --- adding a person ----------------------------------------------------------------


def _new_person(client, **fields):
    data = {"name": "Nia Newton", "email": "Nia.Newton@North.org.uk", "role": "reviewer",
            "school": "", "trained_on": ["", "", ""], "csrf_token": get_token(client, "/manage/people/new")}
    data.update(fields)
    return client.post("/manage/people/new", data=data)


def test_the_new_person_form_offers_roles_and_schools(client, trust):
    sign_in(client, trust["admin"].email)
    body = client.get("/manage/people/new").get_data(as_text=True)
    for label in ("Partnership administrator", "Headteacher", "Reviewer", "Visit coordinator"):
        assert label in body
    assert "Northfield Primary" in body and "Harbour View Academy" in body
    assert "Southgate Infants" not in body


def test_an_admin_adds_a_reviewer_and_gets_a_link(client, trust, app):
    sign_in(client, trust["admin"].email)
    response = _new_person(client, school=str(trust["n2"].id), trained_on=["17", "9", "2026"])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Nia Newton has been added" in body
    match = re.search(r'value="(https?://[^"]+/set-password/[^"]+)"', body)
    assert match, body
    assert "emailed" not in body
    person = db.session.scalar(select(Person).where(Person.email == "nia.newton@north.org.uk"))
    assert person.name == "Nia Newton" and person.password_hash is None
    [role] = person.roles
    assert (role.role, role.school_id, role.partnership_id, role.trained_on) == (
        "reviewer", trust["n2"].id, trust["north"].id, date(2026, 9, 17))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.granted"))
    assert event.actor_id == trust["admin"].id and event.partnership_id == trust["north"].id
    assert "nia.newton@north.org.uk" in event.detail

    # The link works for the new person.
    other = fresh_client(app)
    path = "/set-password/" + match.group(1).rsplit("/", 1)[1]
    assert other.get(path).status_code == 200


def test_an_admin_adds_another_admin_without_a_school(client, trust):
    sign_in(client, trust["admin"].email)
    response = _new_person(client, role="admin", email="deputy@north.org.uk")
    assert response.status_code == 200
    person = db.session.scalar(select(Person).where(Person.email == "deputy@north.org.uk"))
    assert [(r.role, r.partnership_id, r.school_id) for r in person.roles] == [("admin", trust["north"].id, None)]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"school": ""}, "school", "Choose the school this person works at"),
    ({"school": "{s1}"}, "school", "Choose a school in your partnership"),
    ({"school": "not-a-number"}, "school", "Choose a school in your partnership"),
    ({"school": "999999"}, "school", "Choose a school in your partnership"),
    ({"role": ""}, "role", "Choose a role"),
    ({"role": "superuser", "school": "{n1}"}, "role", "Not a valid choice"),
    ({"name": "", "school": "{n1}"}, "name", "Enter the person's name"),
    ({"email": "not-an-email", "school": "{n1}"}, "email", "Enter an email address like name@school.org.uk"),
    ({"email": "", "school": "{n1}"}, "email", "Enter the person's work email address"),
    ({"school": "{n1}", "trained_on": ["31", "2", "2026"]}, "trained_on", "Enter a real date"),
    ({"school": "{n1}", "trained_on": ["1", "", "2026"]}, "trained_on", "Enter a real date"),
    ({"school": "{n1}", "role": "head", "trained_on": ["1", "9", "2026"]}, "trained_on", "Only reviewers have a training date"),
])
def test_bad_input_for_a_new_person_is_a_field_error(client, trust, fields, field, message):
    sign_in(client, trust["admin"].email)
    fields = {k: v.format(s1=trust["s1"].id, n1=trust["n1"].id) if isinstance(v, str) else v for k, v in fields.items()}
    response = _new_person(client, **fields)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    assert message in body
    assert f'href="#{field}' in body
    assert db.session.scalar(select(Person).where(Person.email == "nia.newton@north.org.uk")) is None


def test_a_duplicate_email_is_a_field_error_with_a_link(client, trust):
    sign_in(client, trust["admin"].email)
    response = _new_person(client, email="HEAD@north.org.uk", role="coordinator", school=str(trust["n2"].id))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "A person with this email address already exists" in body
    assert f'href="/manage/people/{trust["head"].id}"' in body
    assert len(db.session.scalars(select(Person).where(Person.email == "head@north.org.uk")).all()) == 1


def test_a_duplicate_email_is_reported_with_the_other_problems(client, trust):
    sign_in(client, trust["admin"].email)
    response = _new_person(client, email="head@north.org.uk", role="reviewer", school="", name="")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    for message in ("A person with this email address already exists", "Choose the school this person works at",
                    "Enter the person's name"):
        assert message in body
    summary = body[body.index("govuk-error-summary"):]
    assert summary.index('href="#name"') < summary.index('href="#email"') < summary.index('href="#school"')


def test_a_duplicate_email_from_another_partnership_gives_no_link(client, trust):
    sign_in(client, trust["admin"].email)
    response = _new_person(client, email="head@south.org.uk", role="coordinator", school=str(trust["n2"].id))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "A person with this email address already exists" in body
    assert f'/manage/people/{trust["south_head"].id}"' not in body


def test_new_person_without_csrf_is_refused(client, trust):
    sign_in(client, trust["admin"].email)
    response = client.post("/manage/people/new", data={
        "name": "Nia Newton", "email": "nia@north.org.uk", "role": "admin"})
    assert response.status_code == 400
    assert db.session.scalar(select(Person).where(Person.email == "nia@north.org.uk")) is None


def test_the_link_is_emailed_when_mail_is_configured(client, trust, app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout=None):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context=None):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"], message.get_content()))

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "mailer")
    sign_in(client, trust["admin"].email)
    response = _new_person(client, school=str(trust["n1"].id))
    body = response.get_data(as_text=True)
    assert "emailed to nia.newton@north.org.uk" in body
    link = re.search(r'value="(https?://[^"]+/set-password/[^"]+)"', body).group(1)
    assert ("connect", "smtp.example.org", 587) in sent
    assert ("starttls",) in sent and ("login", "mailer") in sent
    [send] = [s for s in sent if s[0] == "send"]
    assert send[1] == "nia.newton@north.org.uk"
    assert link in send[2]


def test_a_mail_failure_still_shows_the_link(client, trust, app, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    sign_in(client, trust["admin"].email)
    response = _new_person(client, school=str(trust["n1"].id))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "We could not email the link" in body
    assert re.search(r'value="https?://[^"]+/set-password/', body)


# --- one person's page --------------------------------------------------------------


def test_the_person_page_shows_details_and_roles(client, trust):
    sign_in(client, trust["admin"].email)
    body = client.get(f"/manage/people/{trust['reviewer'].id}").get_data(as_text=True)
    assert "Rita Reviewer" in body and "reviewer@north.org.uk" in body
    assert "Reviewer, Harbour View Academy" in body
    assert "Create a new set-password link" in body
    assert "Deactivate Rita Reviewer" in body


def _post(client, person, action, **data):
    data["csrf_token"] = get_token(client, f"/manage/people/{person.id}")
    return client.post(f"/manage/people/{person.id}/{action}", data=data)


def test_an_admin_adds_a_role_and_it_is_audited(client, trust):
    sign_in(client, trust["admin"].email)
    head = trust["head"]
    response = _post(client, head, "roles", role="reviewer", school=str(trust["n1"].id),
                     trained_on=["8", "10", "2025"])
    assert response.status_code == 302
    assert "Hal Head now has the role: Reviewer" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    roles = sorted((r.role, r.school_id, r.trained_on) for r in db.session.get(Person, head.id).roles)
    assert roles == [("head", trust["n1"].id, None), ("reviewer", trust["n1"].id, date(2025, 10, 8))]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.granted"))
    assert event.actor_id == trust["admin"].id and event.partnership_id == trust["north"].id

    # The same role again is not duplicated.
    response = _post(client, head, "roles", role="head", school=str(trust["n1"].id))
    assert response.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Person, head.id).roles) == 2


def test_adding_a_role_at_another_partnerships_school_is_a_field_error(client, trust):
    sign_in(client, trust["admin"].email)
    response = _post(client, trust["head"], "roles", role="coordinator", school=str(trust["s1"].id))
    assert response.status_code == 400
    assert "Choose a school in your partnership" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Person, trust["head"].id).roles) == 1


def test_an_admin_removes_a_role_and_it_is_audited(client, trust, world):
    person = world.person("two@north.org.uk", ("head", trust["n1"]), ("reviewer", trust["n1"]), name="Two Hats")
    sign_in(client, trust["admin"].email)
    reviewer_role = next(r for r in person.roles if r.role == "reviewer")
    response = _post(client, person, f"roles/{reviewer_role.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert [r.role for r in db.session.get(Person, person.id).roles] == ["head"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.removed"))
    assert event.actor_id == trust["admin"].id and "two@north.org.uk" in event.detail


def test_a_persons_only_role_is_not_removed(client, trust):
    sign_in(client, trust["admin"].email)
    head = trust["head"]
    response = _post(client, head, f"roles/{head.roles[0].id}/remove")
    assert response.status_code == 302
    assert "only role" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Person, head.id).roles) == 1


def test_an_admin_cannot_remove_their_own_last_admin_role(client, trust):
    admin = trust["admin"]
    admin.roles.append(RoleAssignment(role="head", school_id=trust["n1"].id, partnership_id=trust["north"].id))
    db.session.commit()
    sign_in(client, admin.email)
    admin_role = next(r for r in admin.roles if r.role == "admin")
    response = _post(client, admin, f"roles/{admin_role.id}/remove")
    assert response.status_code == 302
    assert "You cannot remove your own last administrator role" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert any(r.role == "admin" for r in db.session.get(Person, admin.id).roles)


def test_a_role_in_another_partnership_cannot_be_removed(client, trust, world):
    both = world.person("both@north.org.uk", ("head", trust["n1"]), ("head", trust["s1"]), name="Bo Both")
    sign_in(client, trust["admin"].email)
    south_role = next(r for r in both.roles if r.partnership_id == trust["south"].id)
    response = _post(client, both, f"roles/{south_role.id}/remove")
    assert response.status_code == 404
    body = client.get(f"/manage/people/{both.id}").get_data(as_text=True)
    assert "Southgate Infants" not in body
    assert "1 role in another partnership" in body


def test_an_admin_deactivates_and_reactivates_a_person(client, trust, app):
    sign_in(client, trust["admin"].email)
    head = trust["head"]
    url = operations.issue_set_password_link(head)
    response = _post(client, head, "active", active="0")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Person, head.id).active
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.deactivated"))
    assert event.actor_id == trust["admin"].id and event.partnership_id == trust["north"].id
    # They can no longer sign in, and their open link is closed.
    other = fresh_client(app)
    assert sign_in(other, head.email).status_code == 401
    assert other.get("/set-password/" + url.rsplit("/", 1)[1]).status_code == 404

    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    response = _post(client, head, "active", active="1")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, head.id).active
    assert sign_in(fresh_client(app), head.email).status_code == 302


def test_an_admin_cannot_deactivate_themselves(client, trust):
    sign_in(client, trust["admin"].email)
    response = _post(client, trust["admin"], "active", active="0")
    assert response.status_code == 302
    assert "You cannot deactivate yourself" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, trust["admin"].id).active


def test_an_admin_creates_a_new_link_for_a_person(client, trust, app):
    sign_in(client, trust["admin"].email)
    response = _post(client, trust["head"], "link")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "New set-password link for Hal Head" in body
    path = "/set-password/" + re.search(r'value="https?://[^"]+/set-password/([^"]+)"', body).group(1)
    assert db.session.scalar(select(SetPasswordLink).where(SetPasswordLink.person_id == trust["head"].id))
    assert fresh_client(app).get(path).status_code == 200


@pytest.mark.parametrize("action", ["roles", "active", "link", "roles/{role}/remove"])
def test_person_changes_without_csrf_are_refused(client, trust, action):
    sign_in(client, trust["admin"].email)
    head = trust["head"]
    url = f"/manage/people/{head.id}/" + action.format(role=head.roles[0].id)
    response = client.post(url, data={"role": "coordinator", "school": str(trust["n1"].id), "active": "0"})
    assert response.status_code == 400
    db.session.expire_all()
    person = db.session.get(Person, head.id)
    assert person.active and len(person.roles) == 1
    assert db.session.scalar(select(SetPasswordLink)) is None


# --- the audit log ------------------------------------------------------------------


def test_the_audit_log_lists_this_partnerships_events_newest_first(client, trust):
    sign_in(client, trust["admin"].email)
    _post(client, trust["head"], "roles", role="reviewer", school=str(trust["n1"].id))
    _post(client, trust["coordinator"], "active", active="0")
    operations.grant_role(trust["south_head"], "coordinator", school=trust["s1"])
    body = client.get("/manage/audit").get_data(as_text=True)
    assert "Role given" in body and "Person deactivated" in body
    assert body.index("Person deactivated") < body.index("Role given")
    assert "head@south.org.uk" not in body
    assert "Ada Admin" in body


def test_the_signed_in_admin_password_still_works_after_all_this(client, trust):
    assert sign_in(client, trust["admin"].email, PASSWORD).status_code == 302


def test_an_admin_of_two_partnerships_chooses_where_an_admin_role_goes(client, trust, world):
    third = world.partnership("Third Way Partnership", kind="local")
    admin = trust["admin"]
    admin.roles.append(RoleAssignment(role="admin", partnership_id=third.id))
    db.session.commit()
    sign_in(client, admin.email)
    page = client.get("/manage/people/new").get_data(as_text=True)
    assert "Third Way Partnership" in page and "South Bay Alliance" not in page
    response = _new_person(client, role="admin", partnership=str(third.id), email="deputy@third.org.uk")
    assert response.status_code == 200
    person = db.session.scalar(select(Person).where(Person.email == "deputy@third.org.uk"))
    assert [(r.role, r.partnership_id) for r in person.roles] == [("admin", third.id)]

    response = _new_person(client, role="admin", partnership=str(trust["south"].id), email="sneaky@third.org.uk")
    assert response.status_code == 400
    assert "Choose a partnership you administer" in response.get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.email == "sneaky@third.org.uk")) is None


def test_a_training_date_far_in_the_future_is_refused(client, trust):
    sign_in(client, trust["admin"].email)
    response = _new_person(client, school=str(trust["n1"].id), trained_on=["1", "1", "2199"])
    assert response.status_code == 400
    assert "more than 2 years away" in response.get_data(as_text=True)
