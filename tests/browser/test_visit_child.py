"""A child's journey on a shared tablet (810x1080, touch), in English and in Welsh: type the code
on the board, tap a name, answer the faces by tapping, write two stars and a wish, send, and hand
the tablet on with "Next child" (the first child is shown done, the next form is empty). Every
question can be read aloud (speech synthesis stubbed to record what is said, and in which
language). axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.visits.child_queries import utcnow
from peerreview.visits.models import ChildFeedback, FeedbackSession, PupilVisit, VisitingSchool, VisitPrompt, VisitPupil
from surveys import codes
from tests.browser.conftest import check_page
from tests.conftest import World

pytestmark = pytest.mark.browser

CODE = "KQ74M2"
PROMPTS = (
    ("What did you see that helps children enjoy reading?", "Beth welaist ti sy'n helpu plant i fwynhau darllen?"),
    ("How easy is it to find a book you want to read?",
     "Pa mor hawdd yw hi i ddod o hyd i lyfr rwyt ti eisiau ei ddarllen?"),
    ("Would you like to sit and read here?", "Hoffet ti eistedd a darllen yma?"),
)

# Records what the page asks the browser to say, instead of saying it.
SPEECH_STUB = """
window.__spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak: function (u) { window.__spoken.push({text: u.text, lang: u.lang}); if (u.onend) { u.onend(); } },
  cancel: function () {}, getVoices: function () { return []; }
}});
"""


def seed(app) -> dict:
    """Ash Primary hosts Birch and Cedar on "Our reading areas"; a live session on code KQ74M2."""
    with app.app_context():
        w = World()
        p = w.partnership("North Star Trust")
        ash, birch, cedar = w.school(p, "Ash Primary"), w.school(p, "Birch Primary"), w.school(p, "Cedar Academy")
        visit = PupilVisit(partnership=p, host=ash, visit_date=date(2027, 2, 3), starts_at=time(9, 30),
                           ends_at=time(11, 30), focus_key="reading_areas", focus_title="Our reading areas",
                           status="open")
        visit.prompts = [VisitPrompt(position=i, text_en=en, text_cy=cy) for i, (en, cy) in enumerate(PROMPTS)]
        visit.visiting_schools = [VisitingSchool(school=birch), VisitingSchool(school=cedar)]
        visit.pupils = [VisitPupil(school=birch, first_name="Amara", year_group=4),
                        VisitPupil(school=birch, first_name="Ben", year_group=5),
                        VisitPupil(school=cedar, first_name="Ben", year_group=4)]
        now = utcnow()
        visit.sessions = [FeedbackSession(code_hash=codes.hash_code(app.config["SECRET_KEY"], CODE), opened_at=now,
                                          expires_at=now + timedelta(hours=3))]
        db.session.add(visit)
        db.session.commit()
        return {"visit_id": visit.id, "session_id": visit.sessions[0].id, "amara": visit.pupils[0].id}


def feedback(app, visit_id: int) -> list[ChildFeedback]:
    with app.app_context():
        rows = list(db.session.scalars(select(ChildFeedback).where(ChildFeedback.visit_id == visit_id)))
        db.session.expunge_all()
        return rows


def words(app, locale: str):
    """The app's own wording in a language (the message itself until the catalog has it)."""
    def t(message: str, **variables) -> str:
        with app.test_request_context(), force_locale(locale):
            return gettext(message, **variables)
    return t


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_child_answers_on_a_shared_tablet_and_hands_it_to_the_next_child(app, page, language):
    ids = seed(app)
    welsh = language == "cy"
    t = words(app, "cy" if welsh else "en_GB")
    prompt_texts = [cy if welsh else en for en, cy in PROMPTS]
    face_words = [t("Happy"), t("OK"), t("Sad")]
    page.add_init_script(SPEECH_STUB)

    # The tablet was not given the link: the code from the board.
    page.goto("/v")
    check_page(page)
    if welsh:
        page.get_by_role("link", name="Cymraeg").tap()
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        check_page(page)
        expect(page.get_by_role("link", name="English")).to_be_visible()
    page.get_by_label(t("Type the code on the board")).fill("kq7 4m2")
    page.get_by_role("button", name=t("Go"), exact=True).tap()
    expect(page).to_have_url(re.compile(rf"/v/{CODE}$"))
    check_page(page)
    expect(page.get_by_text("Ein hardaloedd darllen" if welsh else "Our reading areas")).to_be_visible()

    # Two Bens, told apart by year group and school; names are big buttons.
    year = lambda n: t("Year %(number)d", number=n)  # noqa: E731
    label = lambda name, n, school: t("%(name)s, %(year)s, %(school)s", name=name, year=year(n), school=school)  # noqa: E731
    expect(page.get_by_role("button", name=label("Ben", 5, "Birch Primary"))).to_be_visible()
    cedar_ben = page.get_by_role("button", name=label("Ben", 4, "Cedar Academy"))
    expect(cedar_ben).to_be_visible()
    amara = page.get_by_role("button", name=label("Amara", 4, "Birch Primary"))
    assert amara.bounding_box()["height"] >= 64
    amara.tap()
    expect(page).to_have_url(re.compile(rf"/v/{CODE}/form\?pupil={ids['amara']}$"))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello, %(name)s!", name="Amara"))

    # Every question has its read-aloud button, labelled with the question.
    read = t("Read this to me")
    for text in prompt_texts:
        button = page.get_by_role("button", name=t("Read this to me: %(question)s", question=text), exact=True)
        expect(button).to_be_visible()
        expect(button).to_contain_text(read)
    fixed = ["Rhywbeth roeddwn i'n ei hoffi", "Rhywbeth arall roeddwn i'n ei hoffi", "Un dymuniad",
             "Hoffet ti gael hyn yn dy ysgol di?"] if welsh else [
        "Something I liked", "Another thing I liked", "One wish", "Would you like this at your school?"]
    for text in fixed:
        expect(page.get_by_role("button", name=t("Read this to me: %(question)s", question=text), exact=True)).to_be_visible()
    page.get_by_role("button", name=t("Read this to me: %(question)s", question=prompt_texts[0]), exact=True).tap()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1
    assert spoken[0]["text"].startswith(prompt_texts[0])
    assert face_words[0] in spoken[0]["text"]
    assert spoken[0]["lang"] == ("cy-GB" if welsh else "en-GB")

    # Faces by tapping: a big card each, the word beside the face.
    for text, word in zip(prompt_texts, (face_words[0], face_words[0], face_words[1]), strict=True):
        choice = page.get_by_role("group", name=text, exact=True).get_by_role("radio", name=word, exact=True)
        choice.tap()
        expect(choice).to_be_checked()
    page.get_by_label(fixed[0], exact=True).fill("The reading tent")
    page.get_by_label(fixed[1], exact=True).fill("Comics in baskets")
    page.get_by_label(fixed[2], exact=True).fill("More books about space")
    page.get_by_role("group", name=fixed[3], exact=True).get_by_role("radio", name="Ie" if welsh else "Yes").tap()

    # Kept as the child goes: a reload puts everything back.
    page.reload()
    check_page(page)
    expect(page.get_by_label(fixed[2], exact=True)).to_have_value("More books about space")
    expect(page.get_by_role("group", name=prompt_texts[2], exact=True)
           .get_by_role("radio", name=face_words[1], exact=True)).to_be_checked()
    draft_key = f"visit-feedback:{ids['session_id']}:{ids['amara']}"
    assert page.evaluate("k => localStorage.getItem(k) !== null", draft_key)

    page.get_by_role("button", name=t("Send my ideas")).tap()
    expect(page).to_have_url(re.compile(rf"/v/{CODE}/thanks\?pupil={ids['amara']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Thank you!"))
    check_page(page)
    assert page.evaluate("k => localStorage.getItem(k)", draft_key) is None
    expect(page.get_by_text("Amara")).to_have_count(0)

    # The next child: Amara is shown done, and Ben's form is empty.
    page.get_by_role("button", name=t("Next child")).tap()
    expect(page).to_have_url(re.compile(rf"/v/{CODE}$"))
    check_page(page)
    expect(page.get_by_role("button", name=label("Amara", 4, "Birch Primary"))).to_have_count(0)
    done = page.locator(".app-name--done")
    expect(done).to_have_count(1)
    expect(done).to_contain_text("Amara")
    expect(done).to_contain_text(t("Done"))
    page.get_by_role("button", name=label("Ben", 4, "Cedar Academy")).tap()
    expect(page).to_have_url(re.compile(rf"/v/{CODE}/form\?pupil=\d+$"))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello, %(name)s!", name="Ben"))
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)
    for text in fixed[:3]:
        expect(page.get_by_label(text, exact=True)).to_have_value("")

    [row] = feedback(app, ids["visit_id"])
    assert row.pupil_id == ids["amara"]
    assert (row.star_1, row.star_2, row.wish, row.like_at_school) == (
        "The reading tent", "Comics in baskets", "More books about space", "yes")
    assert sorted(row.faces.values()) == ["happy", "happy", "ok"]
    assert row.language == language


def test_without_speech_synthesis_the_read_aloud_buttons_stay_hidden(app, page):
    seed(app)
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page.goto(f"/v/{CODE}/form?pupil=anon")
    check_page(page)
    assert page.evaluate("() => 'speechSynthesis' in window") is False
    buttons = page.locator("[data-read-aloud]")
    assert buttons.count() == 7
    for i in range(buttons.count()):
        expect(buttons.nth(i)).to_be_hidden()


def test_a_child_on_a_closed_session_keeps_what_they_wrote(app, page):
    ids = seed(app)
    page.goto(f"/v/{CODE}/form?pupil={ids['amara']}")
    check_page(page)
    page.get_by_label("One wish", exact=True).fill("Written just too late")
    with app.app_context():
        session = db.session.get(FeedbackSession, ids["session_id"])
        session.closed_at = utcnow()
        db.session.commit()
    page.get_by_role("button", name="Send my ideas").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("This code has finished")
    assert page.document_responses[-1][1] == 410
    stored = page.evaluate("k => localStorage.getItem(k)", f"visit-feedback:{ids['session_id']}:{ids['amara']}")
    assert "Written just too late" in stored
    assert feedback(app, ids["visit_id"]) == []
