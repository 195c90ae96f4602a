"""The feedback session: on the day a planner opens it and gets a short code (only its keyed
hash is stored) with the /v/ address and a QR code of it; the live tally; a new code replaces
the old; closing ends it for good and the host head is sent the summary."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.visits import sessions
from peerreview.visits.models import ChildFeedback, FeedbackSession
from surveys.codes import CODE_ALPHABET, hash_code
from tests.conftest import get_token, sign_in

VISIT_DAY = date(2027, 2, 3)
COORDINATOR = "coord.birch@north.example"


@pytest.fixture
def today(monkeypatch):
    state = {"today": VISIT_DAY}
    monkeypatch.setattr("peerreview.core.clock.today", lambda: state["today"])
    return state


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def open_feedback(client, visit):
    token = get_token(client, f"/manage/visits/{visit.id}/session")
    return client.post(f"/manage/visits/{visit.id}/session", data={"csrf_token": token})


def shown_code(page: str) -> str:
    match = re.search(r'data-code>([^<]+)<', page)
    assert match, "no code on the page"
    return match.group(1)


def test_opening_feedback_shows_a_short_code_its_address_and_a_qr_code(app, client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    page = text_of(client.get(f"/manage/visits/{visit.id}/session"))
    assert "Open feedback for the tablets" in page

    response = open_feedback(client, visit)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    code = shown_code(page)
    assert re.fullmatch(r"[A-Z2-9]{3} [A-Z2-9]{3}", code)
    plain = code.replace(" ", "")
    assert all(c in CODE_ALPHABET for c in plain)

    session = db.session.scalars(select(FeedbackSession).where(FeedbackSession.visit_id == visit.id)).one()
    assert session.code_hash == hash_code(app.config["SECRET_KEY"], plain)
    assert plain not in session.code_hash
    assert session.expires_at - session.opened_at == timedelta(hours=app.config["VISIT_SESSION_HOURS"])
    db.session.refresh(visit)
    assert visit.status == "open"

    address = f"http://localhost/v/{plain}"
    assert address in page
    assert "<svg" in page and 'class="app-qr__svg"' in page
    assert f'<svg role="img" aria-label="QR code for {address}"' in page
    assert "0 children have sent feedback." in page


def test_the_code_opens_the_childrens_page_however_it_is_typed(app, client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    page = text_of(client.get(open_feedback(client, visit).headers["Location"]))
    code = shown_code(page)
    typed = code.lower().replace(" ", "-")
    session = db.session.scalars(select(FeedbackSession).where(FeedbackSession.visit_id == visit.id)).one()
    with app.test_request_context():
        assert sessions.hash_for(typed) == session.code_hash
    child = app.test_client()
    assert child.get(f"/v/{code.replace(' ', '')}").status_code == 200


def test_another_adult_sees_that_the_code_was_given_to_whoever_opened_it(app, client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    open_feedback(client, visit)
    other = app.test_client()
    sign_in(other, "coord.cedar@north.example")
    page = text_of(other.get(f"/manage/visits/{visit.id}/session"))
    assert 'class="app-code"' not in page
    assert "The code was shown to the person who opened feedback (Coord.Birch)" in page
    assert "Open a new code" in page


def test_a_new_code_replaces_the_old_one(client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    first = shown_code(text_of(client.get(open_feedback(client, visit).headers["Location"])))
    response = open_feedback(client, visit)
    page = text_of(client.get(response.headers["Location"]))
    assert "A new code is ready. The old code no longer works." in page
    second = shown_code(page)
    assert second != first
    found = db.session.scalars(select(FeedbackSession).where(FeedbackSession.visit_id == visit.id)
                               .order_by(FeedbackSession.id)).all()
    assert len(found) == 2 and found[0].closed_at is not None and found[1].closed_at is None


@pytest.mark.parametrize("day, words", [
    (date(2027, 1, 20), "Feedback opens on the day of the visit. You can open it from Tuesday, 2 February 2027"),
    (date(2027, 2, 2), None),
    (date(2027, 2, 20), "Feedback could be opened until Wednesday, 10 February 2027"),
])
def test_feedback_opens_only_around_the_day_of_the_visit(client, visit_world, today, day, words):
    today["today"] = day
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    page = text_of(client.get(f"/manage/visits/{visit.id}/session"))
    response = open_feedback(client, visit)
    if words is None:
        assert response.status_code == 302
        return
    assert words in page
    assert response.status_code == 409
    assert "Feedback cannot be opened yet" in text_of(response)
    assert db.session.scalars(select(FeedbackSession)).first() is None


def test_feedback_needs_children_and_prompts(client, visit_world, today):
    visit = visit_world.visit
    visit.pupils.clear()
    visit.prompts.clear()
    db.session.commit()
    sign_in(client, COORDINATOR)
    page = text_of(client.get(f"/manage/visits/{visit.id}/session"))
    assert "The focus needs at least three prompts." in page and "Add the children to the visit list." in page
    response = open_feedback(client, visit)
    assert response.status_code == 409
    assert "no children are on the visit list yet" in text_of(response)


def test_the_tally_lists_who_has_sent_feedback_for_the_adults(client, visit_world, today):
    vw = visit_world
    visit = vw.visit
    sign_in(client, COORDINATOR)
    open_feedback(client, visit)
    amara = next(p for p in visit.pupils if p.first_name == "Amara")
    db.session.add_all([ChildFeedback(visit_id=visit.id, pupil_id=amara.id, submitted_on=VISIT_DAY),
                        ChildFeedback(visit_id=visit.id, pupil_id=None, submitted_on=VISIT_DAY)])
    db.session.commit()
    data = client.get(f"/manage/visits/{visit.id}/session/tally").get_json()
    assert data["count"] == 2 and data["anonymous"] == 1 and data["waiting"] == 5
    assert data["named"] == ["Amara (Year 4, Birch Primary)"]
    assert data["count_text"] == "2 children have sent feedback."
    page = text_of(client.get(f"/manage/visits/{visit.id}/session"))
    assert "2 children have sent feedback." in page and "Amara (Year 4, Birch Primary)" in page


def test_closing_ends_feedback_for_good_and_sends_the_head_the_summary(app, client, visit_world, today,
                                                                      monkeypatch):
    vw = visit_world
    visit = vw.visit
    sent = []
    monkeypatch.setattr("peerreview.core.accounts.mail.configured", lambda: True)
    monkeypatch.setattr("peerreview.core.accounts.mail.send",
                        lambda to, subject, body: sent.append((to, subject, body)) or True)
    sign_in(client, COORDINATOR)
    open_feedback(client, visit)
    db.session.add(ChildFeedback(visit_id=visit.id, pupil_id=visit.pupils[0].id, submitted_on=VISIT_DAY))
    db.session.commit()

    page = text_of(client.get(f"/manage/visits/{visit.id}/close"))
    assert "Close feedback?" in page and "1 child has sent feedback." in page
    assert "5 children on the list have not sent feedback yet." in page
    token = get_token(client, f"/manage/visits/{visit.id}/close")
    response = client.post(f"/manage/visits/{visit.id}/close", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert visit.status == "closed"
    assert all(s.closed_at is not None for s in visit.sessions)

    assert [to for to, _s, _b in sent] == ["head.ash@north.example"]
    assert f"http://localhost/manage/visits/{visit.id}/feedback" in sent[0][2]
    assert "Ash Primary" in sent[0][1]
    page = text_of(client.get(response.headers["Location"]))
    assert "Feedback is closed: 1 child sent feedback. Head.Ash has been emailed a link to the summary." in page

    # Closed for good: no new code, no second close.
    assert open_feedback(client, visit).status_code == 409
    assert "cannot be opened again" in text_of(open_feedback(client, visit))
    assert client.post(f"/manage/visits/{visit.id}/close", data={"csrf_token": token}).status_code == 409
    assert len(visit.sessions) == 1


def test_closing_a_visit_that_never_opened_is_refused(client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    assert client.get(f"/manage/visits/{visit.id}/close").status_code == 409
    db.session.expire_all()
    assert visit.status == "planned"


def test_without_mail_the_coordinator_is_told_the_head_reads_it_on_the_visit_page(client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    open_feedback(client, visit)
    token = get_token(client, f"/manage/visits/{visit.id}/close")
    response = client.post(f"/manage/visits/{visit.id}/close", data={"csrf_token": token})
    page = text_of(client.get(response.headers["Location"]))
    assert "Feedback is closed: 0 children sent feedback. Head.Ash can read the summary on the visit’s page." in page


def test_an_expired_code_says_so(client, visit_world, today):
    visit = visit_world.visit
    sign_in(client, COORDINATOR)
    open_feedback(client, visit)
    session = visit.sessions[0]
    session.expires_at = sessions.utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = text_of(client.get(f"/manage/visits/{visit.id}/session"))
    assert "The code has expired" in page and 'class="app-code"' not in page


def test_codes_are_shown_in_two_groups_of_three(ctx):
    assert sessions.display("kq74m2") == "KQ7 4M2"
    assert len({sessions.new_code() for _ in range(50)}) == 50
