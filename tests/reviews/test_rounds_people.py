"""The admin's people page: marking a trained reviewer as an experienced lead reviewer, which
the round's pairing then relies on."""
from __future__ import annotations


from sqlalchemy import select

from peerreview.core.accounts.models import RoleAssignment
from peerreview.extensions import db
from tests.conftest import get_token, sign_in
from tests.reviews.rounds_world import audit_actions


def _role(person):
    db.session.expire_all()
    return db.session.scalar(select(RoleAssignment).where(RoleAssignment.person_id == person.id))


def _setup(world):
    p = world.partnership("Vale Partnership")
    school = world.school(p, "Alder Primary")
    admin = world.person("admin@vale.example", ("admin", p))
    reviewer = world.person("rae@vale.example", ("reviewer", school), name="Rae Reviewer")
    return p, school, admin, reviewer


def test_admin_marks_a_trained_reviewer_as_lead_and_back(client, world):
    _p, _school, admin, reviewer = _setup(world)
    sign_in(client, admin.email)
    url = f"/manage/people/{reviewer.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Make an experienced lead reviewer" in page
    role = _role(reviewer)
    token = get_token(client, url)
    response = client.post(f"{url}/roles/{role.id}/lead", data={"csrf_token": token, "can_lead": "1"})
    assert response.status_code == 302
    assert _role(reviewer).can_lead is True
    assert "experienced lead reviewer" in client.get(url).get_data(as_text=True)
    assert "role.updated" in audit_actions()
    response = client.post(f"{url}/roles/{role.id}/lead", data={"csrf_token": token, "can_lead": "0"})
    assert response.status_code == 302
    assert _role(reviewer).can_lead is False


def test_an_untrained_reviewer_cannot_lead(client, world):
    _p, _school, admin, reviewer = _setup(world)
    role = _role(reviewer)
    role.trained_on = None
    db.session.commit()
    sign_in(client, admin.email)
    url = f"/manage/people/{reviewer.id}"
    assert "Make an experienced lead reviewer" not in client.get(url).get_data(as_text=True)
    token = get_token(client, url)
    response = client.post(f"{url}/roles/{role.id}/lead", data={"csrf_token": token, "can_lead": "1"})
    assert response.status_code == 422
    assert "Only a reviewer with a training date" in response.get_data(as_text=True)
    assert _role(reviewer).can_lead is False


def test_only_the_partnerships_admins_can_mark_a_lead(client, world):
    _p, school, admin, reviewer = _setup(world)
    other = world.partnership("Hill Partnership")
    other_admin = world.person("admin@hill.example", ("admin", other))
    head = world.person("head@vale.example", ("head", school))
    role = _role(reviewer)
    for person, expected in ((other_admin, 404), (head, 403)):
        sign_in(client, person.email)
        token = get_token(client, "/manage/rounds/schedule")
        response = client.post(f"/manage/people/{reviewer.id}/roles/{role.id}/lead",
                               data={"csrf_token": token, "can_lead": "1"})
        assert response.status_code == expected
        client.get("/logout")
    assert _role(reviewer).can_lead is False
