"""The host head's summary: how many children and from how many schools, the faces for each
prompt, "Would you like this at your school?", stars and wishes by theme with how many comments
each rests on, the children's words redacted, interview notes, a safeguarding notice for
flagged texts (never quoted), and no child's name anywhere on the page."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest

from peerreview.extensions import db
from peerreview.visits.models import ChildFeedback, InterviewNote
from peerreview.visits.summary import summarise_visit
from surveys.insights.themes import THEMES
from tests.conftest import get_token, sign_in

DAY = date(2027, 2, 3)
HEAD = "head.ash@north.example"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def pupil(vw, name, school):
    return next(p for p in vw.visit.pupils if p.first_name == name and p.school_id == school.id)


@pytest.fixture
def fed_back(visit_world):
    """Ash's visit, closed, with four children's feedback (one anonymous) and two interview notes."""
    vw = visit_world
    visit = vw.visit
    p0, p1, p2 = (p.id for p in visit.prompts)
    rows = [
        (pupil(vw, "Amara", vw.birch), {str(p0): "happy", str(p1): "happy", str(p2): "ok"},
         "The reading corner had lots of comfy cushions", "Ben showed me the library books",
         "I wish we had a reading den like this", "yes"),
        (pupil(vw, "Ben", vw.birch), {str(p0): "happy", str(p1): "sad", str(p2): "happy"},
         "The books were really good", "", "I wish our playground had a climbing frame like theirs", "maybe"),
        (None, {str(p0): "sad"}, "I am scared to go home", "", "", "no"),
        (pupil(vw, "Dylan", vw.cedar), {str(p0): "ok", str(p1): "happy", "999": "happy"},
         "The teachers were kind and helpful", "", "", "yes"),
    ]
    for who, faces, star_1, star_2, wish, like in rows:
        db.session.add(ChildFeedback(visit_id=visit.id, pupil_id=who.id if who else None, faces=faces,
                                     star_1=star_1, star_2=star_2, wish=wish, like_at_school=like,
                                     submitted_on=DAY))
    db.session.add_all([
        InterviewNote(visit_id=visit.id, client_id="note-1", host_year_group=3,
                      question="What do you like about reading here?",
                      answer="Mrs Patel reads to us every day and Efa said it is fun"),
        InterviewNote(visit_id=visit.id, client_id="note-2", host_year_group=None, question="Is it safe here?",
                      answer="My dad hits me"),
    ])
    visit.status = "closed"
    db.session.commit()
    return vw


def table_counts(page: str, table_id: str) -> dict[str, int]:
    table = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', page, re.S).group(1)
    return {label: int(count) for label, count in re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td class="govuk-table__cell '
        r'govuk-table__cell--numeric">(\d+)</td>', table)}


def test_the_summary_counts_children_faces_and_answers(client, fed_back):
    sign_in(client, HEAD)
    page = text_of(client.get(f"/manage/visits/{fed_back.visit.id}/feedback"))
    assert "4 children sent feedback, from 2 schools." in page
    assert "1 of them chose not to give their name." in page
    assert table_counts(page, "prompt-1") == {"Happy": 2, "OK": 1, "Sad": 1}
    assert table_counts(page, "prompt-2") == {"Happy": 2, "OK": 0, "Sad": 1}
    assert table_counts(page, "prompt-3") == {"Happy": 1, "OK": 1, "Sad": 0}
    assert "Prompt 1: What did you see that helps children enjoy reading?" in page
    assert table_counts(page, "like-table") == {"Yes": 2, "Maybe": 1, "No": 1}


def test_stars_and_wishes_are_grouped_by_theme_with_how_many_comments_each_rests_on(client, fed_back):
    summary = summarise_visit(fed_back.visit)
    assert summary.stars.comments == 5 and summary.wishes.comments == 2
    reading = next(t for t in summary.stars.themes if t.key == "reading")
    assert reading.count == 3
    sign_in(client, HEAD)
    page = text_of(client.get(f"/manage/visits/{fed_back.visit.id}/feedback"))
    assert "Grouped from 5 comments." in page and "Grouped from 2 comments." in page
    assert re.search(rf"{THEMES['reading'].name} <span[^>]*>\(3 comments\)", page)
    assert re.search(rf"{THEMES['environment'].name} <span[^>]*>\(1 comment\)", page)


def test_no_childs_name_is_shown_and_the_childrens_words_are_redacted(client, fed_back):
    sign_in(client, HEAD)
    page = text_of(client.get(f"/manage/visits/{fed_back.visit.id}/feedback"))
    assert "“[name] showed me the library books”" in page
    for name in ("Amara", "Ben ", "Chloe", "Dylan", "Efa", "Patel"):
        assert name not in page, name
    words = page[page.index('id="words"'):page.index("What they wished for")]
    liked = re.findall(r"<li class=\"govuk-body\">“([^”]+)”</li>", words)
    assert len(liked) == 4  # the flagged one is left out
    assert liked == sorted(liked, key=str.casefold)  # alphabetical, not in the order children sent them
    assert "reads to us every day and [name] said it is fun" in page


def section_between(page: str, start_id: str, end_marker: str) -> str:
    start = page.index(f'id="{start_id}"')
    return page[start:page.index(end_marker, start)]


def test_flagged_texts_reach_the_head_for_their_dsl_and_stay_out_of_the_summary(client, fed_back):
    sign_in(client, HEAD)
    page = text_of(client.get(f"/manage/visits/{fed_back.visit.id}/feedback"))
    assert "2 comments may raise a safeguarding concern" in page
    concerns = section_between(page, "safeguarding", "</section>")
    # shown as written, with where it came from, so a designated safeguarding lead can act
    assert "“I am scared to go home”" in concerns
    assert "Written by a visiting child who chose not to give their name" in concerns
    assert "My dad hits me" in concerns and "Interview note: what a pupil of your school told the visitors" in concerns
    rest = page.replace(concerns, "")
    assert "scared to go home" not in rest and "hits me" not in rest  # never among the quotes or themes


def test_visiting_staff_never_see_the_concerns(client, fed_back):
    sign_in(client, "coord.birch@north.example")
    assert client.get(f"/manage/visits/{fed_back.visit.id}/feedback").status_code == 403


def test_before_closing_the_head_is_told_feedback_arrives_when_the_session_closes(client, visit_world):
    sign_in(client, HEAD)
    response = client.get(f"/manage/visits/{visit_world.visit.id}/feedback")
    assert response.status_code == 200
    assert "arrives here when the visit’s coordinator closes the feedback session" in text_of(response)


def test_feedback_kept_after_names_are_deleted_still_counts_its_schools(client, fed_back):
    for p in fed_back.visit.pupils:
        p.first_name = None
    db.session.commit()
    summary = summarise_visit(fed_back.visit)
    assert (summary.children, summary.schools, summary.anonymous) == (4, 2, 1)


# --- the thank-you --------------------------------------------------------------------------


def test_the_head_thanks_the_visiting_schools_who_see_it_on_the_visit_and_in_their_list(app, client, fed_back):
    vw = fed_back
    sign_in(client, HEAD)
    page = text_of(client.get(f"/manage/visits/{vw.visit.id}/feedback"))
    assert "Send a thank-you to the visiting schools" in page
    token = get_token(client, f"/manage/visits/{vw.visit.id}/thanks")
    response = client.post(f"/manage/visits/{vw.visit.id}/thanks", data={"csrf_token": token, "message": ""})
    assert response.status_code == 400
    assert "Write a short message for the visiting schools" in text_of(response)
    message = "Thank you for your wonderful ideas. We are building a reading den!"
    response = client.post(f"/manage/visits/{vw.visit.id}/thanks", data={"csrf_token": token, "message": message})
    assert response.status_code == 302
    db.session.expire_all()
    assert vw.visit.thank_you == message and vw.visit.thank_you_sent_at is not None

    for email in ("coord.cedar@north.example", "head.birch@north.example"):
        visitor = app.test_client()
        sign_in(visitor, email)
        assert message in text_of(visitor.get(f"/manage/visits/{vw.visit.id}"))
        listing = text_of(visitor.get("/manage/visits"))
        assert "Thank-you received" in listing and "Read the host’s thank-you" in listing


def test_a_thank_you_waits_until_feedback_is_closed(client, visit_world):
    sign_in(client, HEAD)
    token = get_token(client, "/manage/visits")
    response = client.post(f"/manage/visits/{visit_world.visit.id}/thanks",
                           data={"csrf_token": token, "message": "Thanks!"})
    assert response.status_code == 409
    db.session.expire_all()
    assert visit_world.visit.thank_you_sent_at is None
