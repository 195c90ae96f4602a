"""The children's side of a pupil visit at /v/<code>: finding a session by its code, the names
list, the feedback form (faces, two stars and a wish, "would you like this at your school?"),
Welsh, and every problem a child can meet getting a kind page with a 4xx and nothing lost."""
from __future__ import annotations

import html as html_module
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db, limiter
from peerreview.visits import child_queries
from peerreview.visits.child_queries import utcnow
from peerreview.visits.models import ChildFeedback, FeedbackSession, PupilVisit, VisitPrompt, VisitPupil
from surveys import codes
from tests.conftest import csrf_token

SECRET = "test-secret-key-not-for-production"
TODAY = date(2027, 2, 3)
CODE = "KQ74M2"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def open_session(visit, code: str = CODE, *, expires_in=timedelta(hours=2), closed: bool = False) -> FeedbackSession:
    """A feedback session for the visit whose plain code is ``code`` (only its hash is stored)."""
    now = utcnow()
    session = FeedbackSession(visit_id=visit.id, code_hash=codes.hash_code(SECRET, code), opened_at=now,
                              expires_at=now + expires_in, closed_at=now if closed else None)
    db.session.add(session)
    db.session.commit()
    return session


@pytest.fixture
def live(visit_world):
    """The visit_world's visit with a live session on code KQ74M2."""
    visit_world.session = open_session(visit_world.visit)
    return visit_world


def pupil(world, name: str, school) -> VisitPupil:
    return next(p for p in world.visit.pupils if p.first_name == name and p.school_id == school.id)


def body(response) -> str:
    """The page's HTML with entities decoded (so "I'd" reads the same however it was escaped)."""
    return html_module.unescape(response.get_data(as_text=True))


def feedback_rows(visit_id: int) -> list[ChildFeedback]:
    db.session.expire_all()
    return list(db.session.scalars(select(ChildFeedback).where(ChildFeedback.visit_id == visit_id)
                                    .order_by(ChildFeedback.id)))


def form_url(pupil_value, code: str = CODE) -> str:
    return f"/v/{code}/form?pupil={pupil_value}"


def answers(client, url: str, **fields) -> dict:
    page = client.get(url)
    assert page.status_code == 200, body(page)[:400]
    return {"csrf_token": csrf_token(body(page)), **fields}


def faces_for(world, *values) -> dict:
    return {f"q_face_{p.id}": v for p, v in zip(world.visit.prompts, values, strict=False)}


# --- finding a session by its code -----------------------------------------------------------


def test_a_code_is_found_whatever_its_case_spaces_or_dashes(live):
    for typed in ("KQ74M2", "kq74m2", " kq7 4m2 ", "KQ7-4M2"):
        found = child_queries.session_for_code(typed)
        assert found is not None and found.id == live.session.id, typed
    for typed in ("", "   ", "KQ74M3", "KQ74M2X", "K" * 41, "KQ7'4M2"):
        assert child_queries.session_for_code(typed) is None, typed


def test_the_code_box_sends_the_child_to_the_names_list(client, live):
    page = client.get("/v")
    assert page.status_code == 200
    assert "Type the code on the board" in body(page)
    token = csrf_token(body(page))
    response = client.post("/v", data={"code": "kq7 4m2", "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/v/KQ74M2")

    empty = client.post("/v", data={"code": "  ", "csrf_token": token})
    assert empty.status_code == 400
    assert "Type the code on the board." in body(empty)
    wrong = client.post("/v", data={"code": "ZZZ999", "csrf_token": token})
    assert wrong.status_code == 404
    assert "We cannot find that code" in body(wrong)
    assert 'value="ZZZ999"' in body(wrong)  # what they typed is still there to correct


def test_unknown_expired_and_closed_codes_get_kind_pages(client, visit_world):
    unknown = client.get("/v/NOSUCH")
    assert unknown.status_code == 404
    assert "We cannot find that code" in body(unknown)
    assert "Ask your grown-up for help." in body(unknown)

    open_session(visit_world.visit, "EXP111", expires_in=timedelta(minutes=-1))
    open_session(visit_world.visit, "CLO222", closed=True)
    for code in ("EXP111", "CLO222"):
        for url in (f"/v/{code}", form_url("anon", code), f"/v/{code}/interviews"):
            response = client.get(url)
            assert response.status_code == 410, url
            assert "This code has finished. Ask your grown-up for help." in body(response)
            assert response.headers["Cache-Control"] == "no-store"


def test_a_closed_visit_stops_its_session_too(client, live):
    live.visit.status = "closed"
    db.session.commit()
    assert client.get(f"/v/{CODE}").status_code == 410


def test_code_guesses_from_one_address_are_limited_but_good_codes_are_not(app, client, live):
    app.config["VISIT_CODE_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(5):  # looking at the right code over and over is not guessing
            assert client.get(f"/v/{CODE}").status_code == 200
        statuses = [client.get(f"/v/GUESS{n}").status_code for n in range(4)]
        assert statuses == [404, 404, 404, 429]
        limited = client.get(f"/v/{CODE}")
        assert limited.status_code == 429
        assert "Please wait a minute" in body(limited)
    finally:
        app.config.pop("VISIT_CODE_RATE_LIMIT")


# --- the names list ---------------------------------------------------------------------------


def test_the_names_list_shows_the_visit_and_every_child_by_school_with_year_groups(client, live):
    html = body(client.get(f"/v/{CODE}"))
    assert "Ash Primary" in html and "Our reading areas" in html
    birch, cedar = html.index("Birch Primary"), html.index("Cedar Academy")
    assert birch < cedar
    # The two Bens are told apart by year group and school.
    assert 'aria-label="Ben, Year 5, Birch Primary"' in html
    assert 'aria-label="Ben, Year 4, Cedar Academy"' in html
    assert html.index("Ben, Year 5, Birch Primary") < cedar < html.index("Ben, Year 4, Cedar Academy")
    assert html.count('name="pupil"') == 7  # six children and "I'd rather not say"
    # A child who chose "I'd rather not say" and went back leaves nothing for the next one.
    assert f'data-clear-draft="visit-feedback:{live.session.id}:anon"' in html
    assert "I'd rather not say" in html
    assert "Faraway" not in html


def test_children_who_have_sent_feedback_are_shown_done_not_as_buttons(client, live):
    amara = pupil(live, "Amara", live.birch)
    db.session.add(ChildFeedback(visit_id=live.visit.id, pupil_id=amara.id, wish="More books", submitted_on=TODAY))
    db.session.commit()
    html = body(client.get(f"/v/{CODE}"))
    assert f'value="{amara.id}"' not in html
    done = re.search(r'<p class="app-name app-name--done">(.*?)</p>', html, re.DOTALL)
    assert done and "Amara" in done.group(1) and "Done" in done.group(1)
    assert html.count('name="pupil"') == 6


def test_names_deleted_after_the_visit_are_not_listed(client, live):
    dylan = pupil(live, "Dylan", live.cedar)
    dylan.first_name = None
    db.session.commit()
    html = body(client.get(f"/v/{CODE}"))
    assert f'value="{dylan.id}"' not in html
    assert client.get(form_url(dylan.id)).status_code == 404


# --- the form ----------------------------------------------------------------------------------


def test_the_form_has_a_faces_question_for_each_prompt_two_stars_a_wish_and_read_aloud(client, live):
    chloe = pupil(live, "Chloe", live.birch)
    html = body(client.get(form_url(chloe.id)))
    assert "Hello, Chloe!" in html
    for prompt in live.visit.prompts:
        assert prompt.text_en in html
        for value, word in (("happy", "Happy"), ("ok", "OK"), ("sad", "Sad")):
            assert f'name="q_face_{prompt.id}" value="{value}"' in html
        assert f'aria-label="Read this to me: {prompt.text_en}"' in html
    for words in ("Something I liked", "Another thing I liked", "One wish", "Be kind and helpful.",
                  "Would you like this at your school?"):
        assert words in html
    assert html.count('data-read-aloud') == 3 + 3 + 1
    assert 'data-speak-lang="en-GB"' in html
    assert html.count('maxlength="500"') == 3
    assert "<img" not in html  # faces are drawn in the page, not fetched


def test_a_child_sends_faces_stars_a_wish_and_a_like_and_it_is_stored(client, live):
    ben = pupil(live, "Ben", live.cedar)
    data = answers(client, form_url(ben.id), **faces_for(live, "happy", "ok", "sad"),
                   q_star_1="The beanbags", q_star_2="  Lots of comics  ", q_wish="More books about space", q_like="yes")
    response = client.post(form_url(ben.id), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/v/{CODE}/thanks?pupil={ben.id}")
    [row] = feedback_rows(live.visit.id)
    prompts = live.visit.prompts
    assert row.pupil_id == ben.id
    assert row.faces == {str(prompts[0].id): "happy", str(prompts[1].id): "ok", str(prompts[2].id): "sad"}
    assert (row.star_1, row.star_2, row.wish, row.like_at_school) == (
        "The beanbags", "Lots of comics", "More books about space", "yes")
    assert row.language == "en"
    assert row.submitted_on == TODAY
    assert not isinstance(row.submitted_on, datetime)

    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    html = body(thanks)
    assert "Thank you!" in html and "Next child" in html
    assert f'data-clear-draft="visit-feedback:{live.session.id}:{ben.id}"' in html
    assert "Ben" not in html  # nothing of this child is left on the screen for the next
    # Back on the list, Ben of Cedar is done; Ben of Birch can still choose his name.
    names = body(client.get(f"/v/{CODE}"))
    assert f'value="{ben.id}"' not in names
    assert f'value="{pupil(live, "Ben", live.birch).id}"' in names


def test_i_would_rather_not_say_stores_no_pupil_and_more_than_one_child_can_choose_it(client, live):
    for wish in ("A reading tent", "Cushions"):
        data = answers(client, form_url("anon"), q_wish=wish, **faces_for(live, "happy"))
        assert client.post(form_url("anon"), data=data).status_code == 303
    rows = feedback_rows(live.visit.id)
    assert [(r.pupil_id, r.wish) for r in rows] == [(None, "A reading tent"), (None, "Cushions")]
    html = body(client.get(form_url("anon")))
    assert "Your ideas" in html


def test_an_empty_form_is_asked_kindly_for_one_answer_and_nothing_is_stored(client, live):
    amara = pupil(live, "Amara", live.birch)
    response = client.post(form_url(amara.id), data=answers(client, form_url(amara.id), q_star_1="   "))
    assert response.status_code == 400
    html = body(response)
    assert "Please answer at least one question." in html
    assert "data-server-answers" in html
    assert feedback_rows(live.visit.id) == []

    # Only "would you like this?" is not enough either, and the choice is still there.
    response = client.post(form_url(amara.id), data=answers(client, form_url(amara.id), q_like="maybe"))
    assert response.status_code == 400
    html = body(response)
    assert "Please choose a face or write something you liked too." in html
    assert re.search(r'name="q_like" value="maybe" checked', html)
    assert feedback_rows(live.visit.id) == []


def test_too_long_writing_and_made_up_faces_are_refused_with_what_was_typed_kept(client, live):
    amara = pupil(live, "Amara", live.birch)
    first = live.visit.prompts[0]
    data = answers(client, form_url(amara.id), q_star_1="x" * 501, q_wish="Keep this wish",
                   **{f"q_face_{first.id}": "ecstatic"})
    response = client.post(form_url(amara.id), data=data)
    assert response.status_code == 400
    html = body(response)
    assert "Please make this shorter. You can write up to 500 letters." in html
    assert "Please choose one of the faces." in html
    assert "Keep this wish" in html
    data = answers(client, form_url(amara.id), q_like="definitely", q_wish="A wish")
    response = client.post(form_url(amara.id), data=data)
    assert response.status_code == 400
    assert "Please choose one of the answers." in body(response)
    assert feedback_rows(live.visit.id) == []


def test_control_characters_are_dropped_and_a_500_character_answer_is_kept(client, live):
    amara = pupil(live, "Amara", live.birch)
    data = answers(client, form_url(amara.id), q_star_1="a" * 500, q_star_2="Bean\x00bags\x07", q_wish="Line one\r\nLine two")
    assert client.post(form_url(amara.id), data=data).status_code == 303
    [row] = feedback_rows(live.visit.id)
    assert row.star_1 == "a" * 500
    assert row.star_2 == "Beanbags"
    assert row.wish == "Line one\nLine two"


def test_a_name_not_on_the_list_gets_a_kind_404(client, live, world):
    other = PupilVisit(partnership=live.partnership, host=live.birch, visit_date=TODAY,
                       starts_at=live.visit.starts_at, ends_at=live.visit.ends_at, focus_title="Maths")
    other.prompts = [VisitPrompt(position=0, text_en="Is maths fun?")]
    other.pupils = [VisitPupil(school=live.ash, first_name="Zara", year_group=4)]
    db.session.add(other)
    db.session.commit()
    zara = other.pupils[0]
    for value in (str(zara.id), "999999", "99999999999", "", "abc", "-1", "١٢", "1" * 30):
        page = client.get(form_url(value))
        assert page.status_code == 404, value
        assert "We cannot find that name" in body(page)
    # A forged or another visit's pupil cannot send a form either.
    token = csrf_token(body(client.get(form_url("anon"))))
    response = client.post(form_url(zara.id), data={"csrf_token": token, "q_wish": "Sneaky"})
    assert response.status_code == 404
    assert "Zara" not in body(response)
    assert db.session.scalar(select(func.count()).select_from(ChildFeedback)) == 0


def test_a_child_who_has_already_sent_gets_a_kind_409_and_one_row_is_kept(client, live):
    efa = pupil(live, "Efa", live.cedar)
    data = answers(client, form_url(efa.id), q_star_1="First time", **faces_for(live, "happy"))
    assert client.post(form_url(efa.id), data=data).status_code == 303
    again = client.post(form_url(efa.id), data={**data, "q_star_1": "Second time"})
    assert again.status_code == 409
    assert "You have already sent your ideas. Thank you!" in body(again)
    page = client.get(form_url(efa.id))
    assert page.status_code == 409
    assert [r.star_1 for r in feedback_rows(live.visit.id)] == ["First time"]


def test_two_tablets_sending_for_the_same_child_at_once_keep_one_row(client, live, monkeypatch):
    """The unique constraint is the backstop: the second save fails inside the database and the
    child sees the same kind page."""
    dylan = pupil(live, "Dylan", live.cedar)
    data = answers(client, form_url(dylan.id), q_wish="From tablet one")
    monkeypatch.setattr("peerreview.visits.child_queries.has_sent", lambda visit_id, pupil_id: False)
    assert client.post(form_url(dylan.id), data=data).status_code == 303
    second = client.post(form_url(dylan.id), data={**data, "q_wish": "From tablet two"})
    assert second.status_code == 409
    assert "You have already sent your ideas. Thank you!" in body(second)
    assert [r.wish for r in feedback_rows(live.visit.id)] == ["From tablet one"]


def test_a_session_closed_while_a_child_writes_gets_a_kind_410_and_nothing_is_cleared(client, live):
    amara = pupil(live, "Amara", live.birch)
    data = answers(client, form_url(amara.id), q_wish="Written just too late")
    live.session.closed_at = utcnow()
    db.session.commit()
    response = client.post(form_url(amara.id), data=data)
    assert response.status_code == 410
    html = body(response)
    assert "This code has finished. Ask your grown-up for help." in html
    assert "still kept on this tablet" in html
    assert "data-clear-draft" not in html  # the answers stay in the tablet's storage
    assert feedback_rows(live.visit.id) == []


def test_an_expired_page_shows_the_form_again_with_the_answers(client, live):
    amara = pupil(live, "Amara", live.birch)
    client.get(form_url(amara.id))
    response = client.post(form_url(amara.id), data={"csrf_token": "stale", "q_wish": "Not lost"})
    assert response.status_code == 400
    html = body(response)
    assert "Not lost" in html and "Your answers are still here" in html
    assert feedback_rows(live.visit.id) == []


def test_sends_from_one_address_are_limited_and_the_answers_shown_again(app, client, live):
    app.config["OPEN_LINK_RATE_LIMIT"] = "1 per minute"
    try:
        data = answers(client, form_url("anon"), q_wish="First")
        assert client.post(form_url("anon"), data=data).status_code == 303
        response = client.post(form_url("anon"), data={**data, "q_wish": "Kept when limited"})
        assert response.status_code == 429
        assert "Kept when limited" in body(response)
    finally:
        app.config.pop("OPEN_LINK_RATE_LIMIT")
    assert len(feedback_rows(live.visit.id)) == 1


# --- Welsh -------------------------------------------------------------------------------------


def test_in_welsh_the_prompts_and_fixed_questions_are_welsh_and_the_language_is_stored(client, live):
    switched = client.get(f"/language/cy?next=/v/{CODE}")
    assert switched.status_code == 302
    names = body(client.get(f"/v/{CODE}"))
    assert '<html lang="cy"' in names
    assert "Ein hardaloedd darllen" in names  # the bank's Welsh title for the focus
    assert 'lang="en-GB"' in names and ">English<" in names  # the way back

    amara = pupil(live, "Amara", live.birch)
    html = body(client.get(form_url(amara.id)))
    for prompt in live.visit.prompts:
        assert prompt.text_cy in html
        assert prompt.text_en not in html
    for words in ("Rhywbeth roeddwn i'n ei hoffi", "Un dymuniad", "Bydd yn garedig ac yn barod i helpu.",
                  "Hoffet ti gael hyn yn dy ysgol di?", "Efallai", "Hapus", "Trist"):
        assert words in html, words
    assert 'data-speak-lang="cy-GB"' in html
    assert "Something I liked" not in html

    data = answers(client, form_url(amara.id), q_star_1="Y clustogau", q_like="maybe")
    assert client.post(form_url(amara.id), data=data).status_code == 303
    [row] = feedback_rows(live.visit.id)
    assert (row.language, row.star_1, row.like_at_school) == ("cy", "Y clustogau", "maybe")


def test_a_prompt_without_welsh_is_shown_in_english_on_the_welsh_page(client, live):
    live.visit.prompts[1].text_cy = None
    db.session.commit()
    client.get("/language/cy")
    html = body(client.get(form_url("anon")))
    assert live.visit.prompts[1].text_en in html


@pytest.mark.parametrize("path", [f"/v/{CODE}", f"/v/{CODE}/form?pupil=anon", "/v/NOSUCH"])
def test_child_pages_keep_the_code_out_of_referrers_caches_and_search(client, live, path):
    response = client.get(path)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
