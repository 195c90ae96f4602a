"""Answering surveys without an account, in a real browser: a parent on a phone in Welsh, a
member of staff on a tablet with a code from a paper slip, and the long page without scripts.
axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from peerreview.core import clock
from peerreview.extensions import db
from surveys import codes
from surveys.models import AccessCode, QuestionnaireTemplate, RunSchool, SurveyResponse, SurveyRun
from surveys.questionnaires import install_builtin_templates
from tests.browser.conftest import TIMEOUT_MS, check_accessibility, check_page
from tests.conftest import World

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def translated(app, message: str, locale: str, **variables) -> str:
    """The app's own translation (the message itself until the catalog has it)."""
    with app.test_request_context(), force_locale(locale):
        return gettext(message, **variables)


def seed_run(app, key: str, audience: str, welsh: bool = False, codes_wanted: int = 0):
    """One school, the built-in questionnaires, and a run of one of them open today."""
    with app.app_context():
        w = World()
        trust = w.partnership("Afon Partnership")
        school = w.school(trust, name="Ysgol Afon Primary School")
        install_builtin_templates(trust)
        db.session.commit()
        template = db.session.scalar(select(QuestionnaireTemplate).where(
            QuestionnaireTemplate.partnership_id == trust.id, QuestionnaireTemplate.key == key))
        today = clock.today()
        open_code = codes.new_open_code()
        run = SurveyRun(partnership=trust, version=template.current, title="Autumn", audience=audience,
                        opens_on=today - timedelta(days=2), closes_on=today + timedelta(days=14), welsh=welsh)
        run.schools.append(RunSchool(school=school, open_code=open_code))
        db.session.add(run)
        db.session.commit()
        single = []
        for serial in range(1, codes_wanted + 1):
            code = codes.single_use_code(app.config["SECRET_KEY"], run.id, school.id, serial)
            db.session.add(AccessCode(run_id=run.id, school_id=school.id, serial=serial,
                                      code_hash=codes.hash_code(app.config["SECRET_KEY"], code)))
            single.append(code)
        db.session.commit()
        return run.id, open_code, single


def stored_answers(app, run_id: int) -> list[tuple[str, dict]]:
    with app.app_context():
        responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.run_id == run_id)).all()
        return [(r.language, {a.item.key: a.value for a in r.answers}) for r in responses]


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized touch browser (390x844), checked like the tablet one."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, has_touch=True, locale="en-GB",
                                  bypass_csp=True, is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.document_responses = []

    def on_response(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.document_responses.append((response.url, response.status))

    page.on("response", on_response)
    yield page
    context.close()


def question(page, text: str):
    """A question's group of answers, found by its wording (the fieldset's legend)."""
    return page.get_by_role("group", name=text, exact=True)


def drafts(page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('survey-draft'))")


def test_a_parent_answers_in_welsh_on_a_phone_section_by_section_through_a_reload(app, phone):
    run_id, open_code, _ = seed_run(app, "parent_view", "parents", welsh=True)
    cy = lambda message, **v: translated(app, message, "cy", **v)  # noqa: E731
    page = phone

    page.goto(f"/s/{open_code}")
    check_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("link", name="Cymraeg").tap()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Arolwg rhieni a gofalwyr")
    expect(page.locator("[data-progress-text]")).to_have_text(cy("Section %(number)s of %(total)s", number=1, total=4))
    expect(page.locator("progress")).to_have_attribute("value", "1")
    # Only the first section shows; the draft note is there.
    expect(page.get_by_role("heading", name="Eich plentyn yn yr ysgol")).to_be_visible()
    expect(page.get_by_role("heading", name="Anghenion addysgol arbennig")).to_be_hidden()

    question(page, "Mae fy mhlentyn yn hapus yn yr ysgol hon.").get_by_role("radio", name=cy("Strongly agree")).check()
    question(page, "Mae fy mhlentyn yn teimlo'n ddiogel yn yr ysgol hon.").get_by_role("radio", name=cy("Agree"), exact=True).check()
    question(page, "Mae fy mhlentyn wedi cael ei fwlio ac ymdriniodd yr ysgol â'r bwlio yn gyflym ac yn effeithiol.") \
        .get_by_role("radio", name="Nid yw fy mhlentyn wedi cael ei fwlio").check()
    page.get_by_role("button", name=cy("Continue")).tap()

    # Section 2: the SEND follow-up appears only after "Yes".
    progress = page.locator("[data-progress-text]")
    expect(progress).to_have_text(cy("Section %(number)s of %(total)s", number=2, total=4))
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    follow_up = "Mae gan fy mhlentyn AAA, ac mae'r ysgol yn rhoi'r cymorth sydd ei angen arnynt i lwyddo."
    expect(question(page, follow_up)).to_be_hidden()
    question(page, "Oes gan eich plentyn anghenion addysgol arbennig a/neu anableddau?").get_by_role("radio", name=cy("Yes")).check()
    expect(question(page, follow_up)).to_be_visible()
    question(page, follow_up).get_by_role("radio", name=cy("Agree"), exact=True).check()
    check_page(page)

    # The connection drops / the tab is reloaded: nothing is lost, not even the place.
    assert drafts(page), "answers should be kept in this browser"
    page.reload()
    check_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(progress).to_have_text(cy("Section %(number)s of %(total)s", number=2, total=4))
    expect(question(page, "Oes gan eich plentyn anghenion addysgol arbennig a/neu anableddau?")
           .get_by_role("radio", name=cy("Yes"))).to_be_checked()
    expect(question(page, follow_up).get_by_role("radio", name=cy("Agree"), exact=True)).to_be_checked()
    page.get_by_role("button", name=cy("Back")).tap()
    expect(progress).to_have_text(cy("Section %(number)s of %(total)s", number=1, total=4))
    expect(question(page, "Mae fy mhlentyn yn hapus yn yr ysgol hon.")
           .get_by_role("radio", name=cy("Strongly agree"))).to_be_checked()
    page.get_by_role("button", name=cy("Continue")).tap()
    page.get_by_role("button", name=cy("Continue")).tap()

    # Section 3, then the comment box in section 4.
    expect(progress).to_have_text(cy("Section %(number)s of %(total)s", number=3, total=4))
    question(page, "Byddwn yn argymell yr ysgol hon i riant arall.").get_by_role("radio", name=cy("Yes")).check()
    page.get_by_role("button", name=cy("Continue")).tap()
    expect(progress).to_have_text(cy("Section %(number)s of %(total)s", number=4, total=4))
    expect(page.locator("progress")).to_have_attribute("value", "4")
    page.get_by_label("Oes unrhyw beth arall yr hoffech ei ddweud wrth yr ysgol?").fill("Mae'r athrawon yn garedig iawn.")
    check_page(page)
    page.get_by_role("button", name=cy("Send my answers")).tap()

    expect(page).to_have_url(re.compile(rf"/s/{open_code}/thanks$"))
    check_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(cy("Thank you"))
    assert drafts(page) == [], "the thank-you page clears the answers kept in the browser"

    assert stored_answers(app, run_id) == [("cy", {
        "pv1": "strongly_agree", "pv2": "agree", "pv4": "not_bullied", "pv7": "yes", "pv7a": "agree",
        "pv14": "yes", "pv_comments": "Mae'r athrawon yn garedig iawn.",
    })]

    # Back to the link on the same phone: already answered.
    page.goto(f"/s/{open_code}")
    assert page.document_responses[-1][1] == 409
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("form")).to_have_count(0)


def test_staff_answer_on_a_tablet_with_a_code_typed_from_a_slip(app, page, visit, check):
    run_id, _, single = seed_run(app, "staff_wellbeing", "staff", codes_wanted=2)
    code = single[0]

    visit("/s/")
    # A wrong code first, then the right one typed loosely.
    page.get_by_label("Answer a survey").fill("ABCDE-23456")
    page.get_by_role("button", name="Continue").tap()
    expect(page).to_have_url(re.compile(r"/s/ABCDE23456$"))
    page.wait_for_load_state("load")
    assert page.document_responses[-1][1] == 404
    check_accessibility(page)
    expect(page.get_by_text("This survey link or code is not valid. Check it and try again.")).to_be_visible()
    page.get_by_role("link", name="Type in a code from a letter or slip").tap()
    expect(page).to_have_url(re.compile(r"/s/$"))
    check()
    page.get_by_label("Answer a survey").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Continue").tap()
    expect(page).to_have_url(re.compile(rf"/s/{codes.normalise(code)}$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff wellbeing and workload survey")
    progress = page.locator("[data-progress-text]")
    expect(progress).to_have_text("Section 1 of 5")

    question(page, "My workload is manageable.").get_by_role("radio", name="Disagree", exact=True).check()
    page.get_by_role("button", name="Continue").tap()
    expect(progress).to_have_text("Section 2 of 5")
    question(page, "I enjoy working at this school.").get_by_role("radio", name="Agree", exact=True).check()
    rating = question(page, "On a scale of 0 to 10, how would you rate your wellbeing at work at the moment?")
    rating.get_by_role("radio", name="6", exact=True).check()
    check()
    for number in (3, 4, 5):
        page.get_by_role("button", name="Continue").tap()
        expect(progress).to_have_text(f"Section {number} of 5")
    page.get_by_label("What one change would most improve your working life here?").fill("Fewer data drops.")
    check()
    page.get_by_role("button", name="Send my answers").tap()

    expect(page).to_have_url(re.compile(r"/thanks$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert stored_answers(app, run_id) == [("en", {
        "st_workload_manageable": "disagree", "st_enjoy": "agree", "st_wellbeing_rating": 6,
        "st_change": "Fewer data drops.",
    })]
    with app.app_context():
        assert [c.used for c in db.session.scalars(select(AccessCode).order_by(AccessCode.serial))] == [True, False]

    # The same code again: used.
    page.goto(f"/s/{code}")
    page.wait_for_load_state("load")
    assert page.document_responses[-1][1] == 410
    check_accessibility(page)
    expect(page.get_by_text("This code has already been used. Each code can be used once.")).to_be_visible()


def test_a_required_question_is_asked_for_before_moving_on_and_the_server_checks_again(app, page, check):
    run_id, open_code, _ = seed_run(app, "staff_wellbeing", "staff")
    with app.app_context():
        run = db.session.get(SurveyRun, run_id)
        for item in run.version.items:
            if item.key in ("st_balance", "st_cpd"):
                item.required = True
        db.session.commit()

    page.goto(f"/s/{open_code}")
    check()
    page.get_by_role("button", name="Continue").tap()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Answer this question")
    expect(page.locator("[data-progress-text]")).to_have_text("Section 1 of 5")
    check_accessibility(page)
    question(page, "I can keep a reasonable balance between my work and my life outside work.") \
        .get_by_role("radio", name="Agree", exact=True).check()
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("[data-progress-text]")).to_have_text("Section 2 of 5")

    # Sent early (Enter in a field, say) with section 4's required answer missing: the
    # server says so and the page opens on that section, answers kept.
    page.evaluate("() => document.querySelector('[data-survey-form]').requestSubmit()")
    expect(page.locator("[data-progress-text]")).to_have_text("Section 4 of 5")
    assert page.document_responses[-1][1] == 400
    check_accessibility(page)
    expect(page.get_by_role("link", name=re.compile("Answer this question"))).to_be_visible()
    page.get_by_role("button", name="Back").tap()
    page.get_by_role("button", name="Back").tap()
    page.get_by_role("button", name="Back").tap()
    expect(question(page, "I can keep a reasonable balance between my work and my life outside work.")
           .get_by_role("radio", name="Agree", exact=True)).to_be_checked()
    assert stored_answers(app, run_id) == []


def test_without_scripts_the_survey_is_one_long_page_that_still_works(app, browser, live_server):
    run_id, open_code, _ = seed_run(app, "pupil_voice", "pupils")
    context = browser.new_context(base_url=live_server, viewport={"width": 810, "height": 1080}, has_touch=True,
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"/s/{open_code}")
        # Every section at once, no progress, no note about keeping answers on the device.
        expect(page.get_by_role("heading", name="At school")).to_be_visible()
        expect(page.get_by_role("heading", name="Your ideas")).to_be_visible()
        expect(page.locator("[data-progress]")).to_be_hidden()
        expect(page.locator("[data-draft-note]")).to_be_hidden()
        expect(page.get_by_role("button", name="Continue")).to_have_count(0)
        expect(page.get_by_role("button", name="Back")).to_have_count(0)
        question(page, "How do you feel at school?").get_by_label("Happy").check()
        question(page, "How safe do you feel at school?").get_by_label("OK").check()
        page.get_by_label("What is the best thing about your school?").fill("The library")
        page.get_by_role("button", name="Send my answers").click()
        expect(page).to_have_url(re.compile(r"/thanks$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    finally:
        context.close()
    assert stored_answers(app, run_id) == [("en", {"pu_happy": "happy", "pu_safe": "ok", "pu_best": "The library"})]
