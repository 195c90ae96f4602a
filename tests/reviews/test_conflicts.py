"""Conflicts of interest: a reviewer declares and withdraws their own; admins see every one in
their partnership; the pairing and manual changes keep declared conflicts."""
from __future__ import annotations

from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.reviews import rounds_ops
from peerreview.reviews.models import ConflictOfInterest, ReviewRound
from peerreview.reviews.problem import round_reviews
from tests.conftest import get_token, sign_in
from tests.reviews.rounds_world import audit_actions, vale  # noqa: F401

URL = "/manage/rounds/conflicts"


def _declare(client, school_id, reason="My sister teaches there"):
    token = get_token(client, URL)
    return client.post(URL, data={"csrf_token": token, "school": str(school_id), "reason": reason})


def test_reviewer_declares_and_withdraws_a_conflict(client, vale):
    rae = vale.reviewers["Beech"]
    sign_in(client, rae.email)
    response = _declare(client, vale.schools["Alder"].id, "  My sister   teaches there ")
    assert response.status_code == 302
    conflict = db.session.scalar(select(ConflictOfInterest))
    assert (conflict.person_id, conflict.school_id, conflict.reason) == (rae.id, vale.schools["Alder"].id,
                                                                          "My sister teaches there")
    page = client.get(URL).get_data(as_text=True)
    assert "Alder Primary" in page and "My sister teaches there" in page
    assert "conflict.declared" in audit_actions()

    token = get_token(client, URL)
    assert client.post(f"{URL}/{conflict.id}/withdraw", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 0
    assert "conflict.withdrawn" in audit_actions()


def test_bad_declarations_get_a_message_and_save_nothing(client, vale):
    sign_in(client, vale.reviewers["Beech"].email)
    for school, reason, message in [
        ("", "reason", "Choose the school"),
        (str(vale.hill.id), "reason", "Choose one of the schools listed"),
        ("abc", "reason", "Choose the school"),
        (str(vale.schools["Alder"].id), "   ", "Say briefly why"),
        (str(vale.schools["Alder"].id), "x" * 301, "300 characters or fewer"),
    ]:
        token = get_token(client, URL)
        response = client.post(URL, data={"csrf_token": token, "school": school, "reason": reason})
        assert response.status_code == 422, school
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 0


def test_nobody_withdraws_someone_elses_conflict(client, vale):
    other = ConflictOfInterest(person_id=vale.reviewers["Elm"].id, school_id=vale.schools["Alder"].id, reason="x")
    db.session.add(other)
    db.session.commit()
    for person in (vale.reviewers["Beech"], vale.admin):
        sign_in(client, person.email)
        token = get_token(client, URL)
        assert client.post(f"{URL}/{other.id}/withdraw", data={"csrf_token": token}).status_code == 404
        client.get("/logout")
    assert db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 1


def test_admins_see_every_conflict_in_their_partnership_only(client, vale):
    db.session.add_all([
        ConflictOfInterest(person_id=vale.reviewers["Elm"].id, school_id=vale.schools["Alder"].id,
                           reason="Governor until 2025"),
        ConflictOfInterest(person_id=vale.hill_reviewer.id, school_id=vale.hill.id, reason="Hill reason"),
    ])
    db.session.commit()
    sign_in(client, vale.admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Governor until 2025" in page and "Rae Elm" in page
    assert "Hill reason" not in page
    client.get("/logout")
    sign_in(client, vale.other_admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Hill reason" in page and "Governor until 2025" not in page


def test_a_reviewer_sees_only_their_own(client, vale):
    db.session.add(ConflictOfInterest(person_id=vale.reviewers["Elm"].id, school_id=vale.schools["Alder"].id,
                                      reason="Governor until 2025"))
    db.session.commit()
    sign_in(client, vale.reviewers["Beech"].email)
    assert "Governor until 2025" not in client.get(URL).get_data(as_text=True)


def test_a_head_who_does_not_review_cannot_use_the_page(client, vale):
    sign_in(client, vale.head.email)
    assert client.get(URL).status_code == 403
    assert _declare(client, vale.schools["Beech"].id).status_code == 403


def test_the_proposal_keeps_declared_conflicts(client, vale):
    # Everyone but one lead and one reviewer declares a conflict with Alder: they must be its team.
    keep = {vale.leads["Fir"].id, vale.reviewers["Hazel"].id}
    for person in list(vale.leads.values()) + list(vale.reviewers.values()):
        if person.id not in keep and person.id not in (vale.leads["Alder"].id, vale.reviewers["Alder"].id):
            db.session.add(ConflictOfInterest(person_id=person.id, school_id=vale.schools["Alder"].id, reason="x"))
    db.session.commit()
    rounds_ops.propose(vale.round, actor=vale.admin)
    db.session.expire_all()
    alder = next(r for r in round_reviews(db.session.get(ReviewRound, vale.round.id)) if r.host.name == "Alder Primary")
    assert {m.person_id for m in alder.team} == keep
