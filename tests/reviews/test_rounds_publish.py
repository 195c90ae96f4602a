"""Publishing a round: refused (with the list) while a placed team breaks a rule or has no lead;
otherwise every review with a team is confirmed, the event audited, and team members and
host heads are emailed when mail is set up."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.core.accounts import mail
from peerreview.extensions import db
from peerreview.reviews.models import Review, ReviewRound
from tests.conftest import get_token, sign_in
from tests.reviews.rounds_world import MONDAY, audit_actions, set_team, vale  # noqa: F401


@pytest.fixture
def outbox(monkeypatch, app):
    sent = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example")

    def send(to, subject, body):
        sent.append((to, subject, body))
        return True

    monkeypatch.setattr(mail, "send", send)
    return sent


def _publish(client, v):
    sign_in(client, v.admin.email)
    token = get_token(client, f"/manage/rounds/{v.round.id}")
    return client.post(f"/manage/rounds/{v.round.id}/publish", data={"csrf_token": token})


def _two_teams(v):
    set_team(v.reviews["Alder"], MONDAY, (v.leads["Beech"], True), (v.reviewers["Cherry"], False))
    set_team(v.reviews["Elm"], MONDAY + timedelta(days=1), (v.leads["Fir"], True), (v.reviewers["Hazel"], False))


def _statuses(v):
    db.session.expire_all()
    return {name: db.session.get(Review, r.id).status for name, r in v.reviews.items()}


def test_publish_confirms_reviews_with_a_team_and_emails_everyone(client, vale, outbox):
    _two_teams(vale)
    response = _publish(client, vale)
    assert response.status_code == 302
    statuses = _statuses(vale)
    assert statuses["Alder"] == statuses["Elm"] == "confirmed"
    assert statuses["Beech"] == "proposed"  # no team: not confirmed
    review_round = db.session.get(ReviewRound, vale.round.id)
    assert review_round.status == "published" and review_round.published_at is not None
    assert "round.published" in audit_actions()

    recipients = sorted(to for to, _s, _b in outbox)
    assert recipients == sorted([vale.leads["Beech"].email, vale.reviewers["Cherry"].email, vale.head.email,
                                 vale.leads["Fir"].email, vale.reviewers["Hazel"].email])
    to_lead = next(body for to, _s, body in outbox if to == vale.leads["Beech"].email)
    assert "lead reviewer" in to_lead and "Alder Primary" in to_lead and "Monday, 11 January 2027" in to_lead
    assert "Rae Cherry" in to_lead
    to_head = next((s, body) for to, s, body in outbox if to == vale.head.email)
    assert to_head[0] == "Your peer review: Alder Primary"
    page = client.get(f"/manage/rounds/{vale.round.id}").get_data(as_text=True)
    assert "Round published: 2 reviews confirmed. 5 emails sent." in page


def test_publish_with_mail_off_sends_nothing_and_does_not_fail(client, vale, monkeypatch):
    _two_teams(vale)
    calls = []
    monkeypatch.setattr(mail, "send", lambda *a: calls.append(a) or False)
    assert _publish(client, vale).status_code == 302
    assert _statuses(vale)["Alder"] == "confirmed"
    assert calls == []


def test_publish_is_refused_while_a_team_has_no_lead_or_breaks_a_rule(client, vale, outbox):
    set_team(vale.reviews["Alder"], MONDAY, (vale.leads["Beech"], False), (vale.reviewers["Cherry"], False))
    set_team(vale.reviews["Elm"], None, (vale.leads["Fir"], True), (vale.reviewers["Hazel"], False))
    response = _publish(client, vale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The round cannot be published yet" in page
    assert "The team for Alder Primary has no lead reviewer." in page
    assert "The review of Elm Primary has no date." in page
    assert set(_statuses(vale).values()) == {"proposed"}
    assert db.session.get(ReviewRound, vale.round.id).status == "draft"
    assert outbox == []
    assert "round.published" not in audit_actions()


def test_publish_with_no_teams_at_all_is_refused(client, vale):
    response = _publish(client, vale)
    assert response.status_code == 409
    assert "No review has a team yet" in response.get_data(as_text=True)


def test_changes_after_publishing_are_checked_and_told(client, vale, outbox):
    _two_teams(vale)
    _publish(client, vale)
    outbox.clear()
    url = f"/manage/rounds/{vale.round.id}/reviews/{vale.reviews['Alder'].id}"
    token = get_token(client, url)
    assert client.post(url + "/members", data={"csrf_token": token, "person_id": str(vale.leads["Elm"].id)}).status_code == 302
    assert [to for to, _s, _b in outbox] == [vale.leads["Elm"].email]
    outbox.clear()
    assert client.post(url + "/date", data={"csrf_token": token, "day": "2027-01-13"}).status_code == 302
    assert sorted(to for to, _s, _b in outbox) == sorted(
        [vale.leads["Beech"].email, vale.reviewers["Cherry"].email, vale.leads["Elm"].email, vale.head.email])
    assert all(s == "New date: peer review of Alder Primary" for _to, s, _b in outbox)


def test_a_review_given_a_team_after_publishing_is_confirmed_by_publishing_again(client, vale, outbox):
    _two_teams(vale)
    _publish(client, vale)
    set_team(vale.reviews["Beech"], MONDAY + timedelta(days=2), (vale.leads["Hazel"], True), (vale.reviewers["Fir"], False))
    page = client.get(f"/manage/rounds/{vale.round.id}").get_data(as_text=True)
    assert "Confirm the new teams" in page
    token = get_token(client, f"/manage/rounds/{vale.round.id}")
    response = client.post(f"/manage/rounds/{vale.round.id}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    assert _statuses(vale)["Beech"] == "confirmed"
    assert db.session.scalars(select(Review).where(Review.status == "confirmed")).all().__len__() == 3
