"""The host head's focus: from the bank (its prompts filled in) or their own, then three to six
short prompts, in English with Welsh beside them if wanted, added, removed and reordered."""
from __future__ import annotations

import html

import pytest

from peerreview.extensions import db
from peerreview.visits.focus import BY_KEY
from tests.conftest import get_token, sign_in

HEAD = "head.ash@north.example"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def blank_visit(visit_world):
    """Ash's visit before its head has chosen anything."""
    visit = visit_world.visit
    visit.focus_key, visit.focus_title = None, ""
    visit.prompts.clear()
    db.session.commit()
    return visit_world


def post(client, visit, data, url=None):
    url = url or f"/manage/visits/{visit.id}/focus"
    return client.post(url, data={"csrf_token": get_token(client, f"/manage/visits/{visit.id}/focus"), **data})


def rows(*prompts) -> dict:
    data = {}
    for i, prompt in enumerate(prompts):
        en, cy = prompt if isinstance(prompt, tuple) else (prompt, "")
        data[f"prompts-{i}-en"], data[f"prompts-{i}-cy"] = en, cy
    return data


def test_choosing_a_focus_from_the_bank_fills_in_its_prompts_and_saving_keeps_them(client, blank_visit):
    visit = blank_visit.visit
    sign_in(client, HEAD)
    page = text_of(client.get(f"/manage/visits/{visit.id}/focus"))
    assert "Choose the focus" in page and "A maths learning walk" in page and "Our own focus" in page

    response = post(client, visit, {"action": "choose", "focus_key": "maths_walk"})
    assert response.status_code == 200
    page = text_of(response)
    bank = BY_KEY["maths_walk"]
    for prompt in bank.prompts:
        assert f">{prompt.en}</textarea>" in page
        assert f">{prompt.cy}</textarea>" in page
    assert db.session.get(type(visit), visit.id).focus_title == ""  # nothing saved yet

    response = post(client, visit, {"action": "save", "focus_key": "maths_walk", "focus_title": bank.en,
                                    **rows(*((p.en, p.cy) for p in bank.prompts))})
    assert response.status_code == 302
    db.session.expire_all()
    assert (visit.focus_key, visit.focus_title) == ("maths_walk", "A maths learning walk")
    assert [(p.position, p.text_en, p.text_cy) for p in visit.prompts] == [
        (i, p.en, p.cy) for i, p in enumerate(bank.prompts)]


def test_an_own_focus_needs_a_title_then_gets_three_empty_prompts(client, blank_visit):
    visit = blank_visit.visit
    sign_in(client, HEAD)
    response = post(client, visit, {"action": "choose", "focus_key": "own", "focus_title": ""})
    assert response.status_code == 400
    assert "Write a title for the focus" in text_of(response)

    response = post(client, visit, {"action": "choose", "focus_key": "own", "focus_title": "Our science garden"})
    assert response.status_code == 200
    page = text_of(response)
    assert 'value="Our science garden"' in page
    assert 'name="prompts-2-en"' in page and 'name="prompts-3-en"' not in page

    response = post(client, visit, {"action": "save", "focus_key": "", "focus_title": "Our science garden",
                                    **rows("What grows here?", ("Is it fun to learn outside?", "Ydy hi'n hwyl?"),
                                           "What would you plant?")})
    assert response.status_code == 302
    db.session.expire_all()
    assert (visit.focus_key, visit.focus_title) == (None, "Our science garden")
    assert [p.text_cy for p in visit.prompts] == [None, "Ydy hi'n hwyl?", None]


def test_choosing_nothing_is_refused(client, blank_visit):
    sign_in(client, HEAD)
    response = post(client, blank_visit.visit, {"action": "choose"})
    assert response.status_code == 400
    assert "Choose a focus from the list, or write your own" in text_of(response)


@pytest.mark.parametrize("prompts, message", [
    (("One?", "Two?"), "Write at least 3 prompts for the children (you have 2)"),
    (("1?", "2?", "3?", "4?", "5?", "6?", "7?"), "A visit can have up to 6 prompts (you have 7)"),
    (("A" * 121, "Two?", "Three?"), "Prompt 1: This prompt is 121 characters long. Keep it to 120 or fewer"),
    ((("", "Beth?"), "Two?", "Three?"), "Prompt 1: Write the prompt in English too"),
    (("One?", ("Two?", "B" * 130), "Three?"), "Prompt 2: This prompt is 130 characters long"),
])
def test_prompts_out_of_range_are_refused_and_kept_on_the_page(client, visit_world, prompts, message):
    visit = visit_world.visit
    sign_in(client, HEAD)
    response = post(client, visit, {"action": "save", "focus_key": "reading_areas",
                                    "focus_title": "Our reading areas", **rows(*prompts)})
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    if "characters long" in message:
        assert "short sentences a seven-year-old can read work best" in page
    first = prompts[0] if isinstance(prompts[0], str) else prompts[0][1]
    assert first in page  # what was typed stays
    db.session.expire_all()
    assert len(visit.prompts) == 3 and visit.prompts[0].text_en.startswith("What did you see")


def test_prompts_are_added_removed_and_reordered_before_saving(client, visit_world):
    visit = visit_world.visit
    sign_in(client, HEAD)
    base = {"focus_key": "reading_areas", "focus_title": "Our reading areas"}
    page = text_of(post(client, visit, {"action": "add", **base, **rows("A?", "B?", "C?")}))
    assert 'name="prompts-3-en"' in page and "Prompt 4 added" in page

    page = text_of(post(client, visit, {"action": "down:0", **base, **rows("A?", "B?", "C?")}))
    assert page.index(">B?</textarea>") < page.index(">A?</textarea>") < page.index(">C?</textarea>")

    page = text_of(post(client, visit, {"action": "up:2", **base, **rows("A?", "B?", "C?")}))
    assert page.index(">A?</textarea>") < page.index(">C?</textarea>") < page.index(">B?</textarea>")

    page = text_of(post(client, visit, {"action": "remove:1", **base, **rows("A?", "B?", "C?", "D?")}))
    assert ">B?</textarea>" not in page and ">D?</textarea>" in page

    response = post(client, visit, {"action": "remove:9", **base, **rows("A?", "B?", "C?")})
    assert response.status_code == 400

    response = post(client, visit, {"action": "save", **base, **rows("C?", "", "A?", "B?")})
    assert response.status_code == 302
    db.session.expire_all()
    assert [p.text_en for p in visit.prompts] == ["C?", "A?", "B?"]  # a blank row is not a prompt


def test_the_focus_cannot_change_once_feedback_has_opened(client, visit_world):
    visit = visit_world.visit
    visit.status = "open"
    db.session.commit()
    sign_in(client, HEAD)
    assert client.get(f"/manage/visits/{visit.id}/focus").status_code == 409
