"""The pupil interview sheet at /v/<code>/interviews: visiting children note what host pupils told
them (no names), each note stored once whatever retries the tablet makes, and the tablet shows
only how many notes there are, never other children's notes."""
from __future__ import annotations

import html as html_module
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db, limiter
from peerreview.visits.models import InterviewNote, PupilVisit, VisitPrompt
from tests.conftest import csrf_token
from tests.visits.test_child import CODE, open_session


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def live(visit_world):
    visit_world.session = open_session(visit_world.visit)
    return visit_world


URL = f"/v/{CODE}/interviews"


def body(response) -> str:
    return html_module.unescape(response.get_data(as_text=True))


def notes() -> list[InterviewNote]:
    db.session.expire_all()
    return list(db.session.scalars(select(InterviewNote).order_by(InterviewNote.id)))


def sheet(client) -> tuple[str, str]:
    """The sheet's CSRF token and the note id it carries."""
    html = body(client.get(URL))
    client_id = re.search(r'name="client_id" value="([^"]+)"', html).group(1)
    return csrf_token(html), client_id


def test_the_sheet_reminds_children_not_to_write_names_and_asks_three_things(client, live):
    page = client.get(URL)
    assert page.status_code == 200
    html = body(page)
    assert "Do not write anyone's name." in html
    for words in ("What year is the pupil in?", "You do not have to say.", "What did you ask?",
                  "What did they tell you?", "Reception", "Year 6", "I don't know"):
        assert words in html, words
    assert html.count("data-read-aloud") == 3
    assert "0 notes have been saved on this visit." in html


def test_a_note_is_saved_once_per_client_id_however_often_it_is_sent(client, live):
    token, client_id = sheet(client)
    note = {"csrf_token": token, "client_id": client_id, "q_host_year": "3",
            "q_question": "What is your favourite book?", "q_answer": "The one about the fox"}
    first = client.post(URL, data=note)
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"{URL}?saved=1")
    again = client.post(URL, data={**note, "client_id": client_id.upper()})  # a retry, the same id
    assert again.status_code == 303
    [saved] = notes()
    assert (saved.visit_id, saved.client_id, saved.host_year_group, saved.question, saved.answer) == (
        live.visit.id, client_id, 3, "What is your favourite book?", "The one about the fox")

    html = body(client.get(first.headers["Location"]))
    assert "Your note has been saved. You can write another one." in html
    assert "1 note has been saved on this visit." in html
    assert "The one about the fox" not in html  # other children's notes are not shown
    assert f'data-clear-draft="visit-interview:{live.session.id}"' in html  # the tablet's copy goes
    assert re.search(r'name="client_id" value="([^"]+)"', html).group(1) != client_id  # a new note, a new id


def test_the_year_group_is_optional_and_the_question_too(client, live):
    token, client_id = sheet(client)
    response = client.post(URL, data={"csrf_token": token, "client_id": client_id, "q_host_year": "",
                                      "q_question": "", "q_answer": "They like the reading shed"})
    assert response.status_code == 303
    [saved] = notes()
    assert (saved.host_year_group, saved.question, saved.answer) == (None, "", "They like the reading shed")


def test_an_empty_or_odd_note_is_refused_kindly_with_what_was_written_kept(client, live):
    token, client_id = sheet(client)
    empty = client.post(URL, data={"csrf_token": token, "client_id": client_id, "q_question": "Do you like it?",
                                   "q_answer": "  "})
    assert empty.status_code == 400
    html = body(empty)
    assert "Please write what they told you." in html
    assert "Do you like it?" in html
    assert f'value="{client_id}"' in html  # the same note when it is sent again

    wrong_year = client.post(URL, data={"csrf_token": token, "client_id": client_id, "q_host_year": "14",
                                        "q_answer": "Fine"})
    assert wrong_year.status_code == 400
    assert "Please choose one of the answers." in body(wrong_year)

    no_id = client.post(URL, data={"csrf_token": token, "client_id": "not-a-uuid", "q_answer": "Kept"})
    assert no_id.status_code == 400
    assert "Please press Save again" in body(no_id)
    assert "Kept" in body(no_id)
    assert notes() == []


def test_a_note_id_already_used_on_another_visit_changes_nothing_there(client, live):
    other = PupilVisit(partnership=live.partnership, host=live.birch, visit_date=live.visit.visit_date,
                       starts_at=live.visit.starts_at, ends_at=live.visit.ends_at, focus_title="Maths")
    other.prompts = [VisitPrompt(position=0, text_en="Is maths fun?")]
    db.session.add(other)
    db.session.commit()
    open_session(other, "OTH333")
    taken = str(uuid.uuid4())
    db.session.add(InterviewNote(visit_id=live.visit.id, client_id=taken, answer="Original"))
    db.session.commit()
    token = csrf_token(body(client.get("/v/OTH333/interviews")))
    response = client.post("/v/OTH333/interviews", data={"csrf_token": token, "client_id": taken,
                                                         "q_answer": "Overwrite?"})
    assert response.status_code == 409
    html = body(response)
    assert "Please press Save again" in html and "Overwrite?" in html
    assert f'value="{taken}"' not in html  # sent again, it goes with a new id
    assert [(n.visit_id, n.answer) for n in notes()] == [(live.visit.id, "Original")]


def test_notes_cannot_be_written_once_the_session_has_finished(client, live):
    token, client_id = sheet(client)
    live.session.expires_at = live.session.opened_at - timedelta(minutes=1)
    db.session.commit()
    response = client.post(URL, data={"csrf_token": token, "client_id": client_id, "q_answer": "Too late"})
    assert response.status_code == 410
    assert notes() == []
