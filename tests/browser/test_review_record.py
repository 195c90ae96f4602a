"""The reviewer's visit record on a tablet (810x1080, touch) with weak Wi-Fi: saved as they type,
kept on the tablet while the network is gone, sent once and in order when it returns, picked
up on another device, and a change made elsewhere never silently overwritten.
axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.reviews.models import (
    AutosaveReceipt,
    EvidenceEntry,
    LineOfEnquiry,
    RecordField,
    Review,
    ReviewerRecord,
    ReviewRound,
    TeamMember,
)
from tests.browser.conftest import TABLET, TIMEOUT_MS, check_page, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

REVIEWER = "rhian.reviewer@cedar.example"


def seed(app) -> int:
    """Ash Primary's confirmed review, with a lead from Birch and Rhian from Cedar on the team."""
    with app.app_context():
        w = World()
        p = w.partnership("North Star Trust")
        ash = w.school(p, "Ash Primary")
        birch = w.school(p, "Birch Primary")
        cedar = w.school(p, "Cedar Academy")
        lead = w.person("lead@birch.example", ("lead", birch), name="Lowri Lead")
        reviewer = w.person(REVIEWER, ("reviewer", cedar), name="Rhian Reviewer")
        review_round = ReviewRound(partnership=p, name="Spring 2027", window_start=date(2027, 1, 11),
                                   window_end=date(2027, 3, 26), status="published")
        review = Review(round=review_round, host=ash, status="confirmed", review_date=date(2027, 1, 12))
        review.team = [TeamMember(person=lead, is_lead=True), TeamMember(person=reviewer)]
        review.lines = [
            LineOfEnquiry(position=0, question="To what extent does phonics teaching help pupils read fluently?",
                          sip_priority="Priority 1: early reading", evidence_wanted="Year 1 phonics lessons."),
            LineOfEnquiry(position=1, question="To what extent do pupils write at length?",
                          sip_priority="Priority 2: writing"),
        ]
        db.session.add(review_round)
        db.session.commit()
        return review.id


def stored(app, review_id: int):
    """The reviewer's record as the database has it: findings, evidence in order, saves applied."""
    with app.app_context():
        record = db.session.scalar(select(ReviewerRecord).where(ReviewerRecord.review_id == review_id))
        fields = {(f.line_id, f.field): f.value for f in db.session.scalars(
            select(RecordField).where(RecordField.record_id == record.id))}
        entries = [(e.line_id, e.activity, e.who, e.host_partner, e.notes, e.theme, e.deleted)
                   for e in db.session.scalars(select(EvidenceEntry).where(EvidenceEntry.record_id == record.id)
                                               .order_by(EvidenceEntry.id))]
        lines = [line.id for line in db.session.get(Review, review_id).lines]
        receipts = len(db.session.scalars(select(AutosaveReceipt).where(AutosaveReceipt.record_id == record.id)).all())
        status = db.session.get(Review, review_id).status
        return lines, fields, entries, receipts, status


def line_section(page, number: int):
    return page.get_by_role("region", name=f"Line of enquiry {number}")


def status(page):
    return page.locator("[data-save-status]")


def queued(page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('review-record:'))")


def add_entry(page, line: int, activity: str, who: str, partner: str, notes: str, theme: str):
    section = line_section(page, line)
    section.get_by_role("button", name=f"Add an evidence entry for line of enquiry {line}").tap()
    card = section.locator("[data-entry]").last
    expect(card.get_by_label("Activity")).to_be_focused()
    card.get_by_label("Activity").select_option(label=activity)
    card.get_by_label("Who was involved").fill(who)
    card.get_by_label("Host partner").fill(partner)
    card.get_by_label("Notes").fill(notes)
    card.get_by_label("Theme").select_option(label=theme)
    return card


def test_a_reviewer_keeps_writing_through_a_dropped_connection_and_nothing_is_lost(app, page, check, browser, live_server):
    review_id = seed(app)
    sign_in(page, check, REVIEWER)
    page.goto(f"/manage/reviews/{review_id}/record")
    check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your visit record")
    expect(status(page)).to_have_text("Saved")
    expect(status(page)).to_have_attribute("aria-live", "polite")

    # Online: an evidence entry and the strengths, saved as they are typed.
    add_entry(page, 1, "Lesson visit", "Year 1 class and teacher", "Mrs Davies, deputy head",
              "Pupils blend sounds confidently; the pace is brisk.", "Reading and phonics")
    line_section(page, 1).get_by_label("Strengths").fill("Phonics lessons are consistent across Year 1.")
    expect(status(page)).to_have_text("Saved")
    lines, fields, entries, _, state = stored(app, review_id)
    assert fields == {(lines[0], "strengths"): "Phonics lessons are consistent across Year 1."}
    assert len(entries) == 1
    assert state == "in_progress"

    # The Wi-Fi drops. The reviewer carries on: another entry, and areas to explore.
    page.context.set_offline(True)
    add_entry(page, 1, "Book look", "Year 2 reading records", "Mr Jones, English lead",
              "Home reading is patchy for a few pupils.", "Homework")
    line_section(page, 1).get_by_label("Areas to explore").fill("How reading at home is followed up.")
    line_section(page, 2).get_by_label("Strengths").fill("Extended writing in history books.")
    expect(status(page)).to_have_text(re.compile(r"^Offline – changes kept on this tablet, \d+ waiting$"))
    expect(page.locator("[data-save-bar]")).to_have_attribute("data-state", "offline")
    assert queued(page), "unsent changes should be kept in this browser"
    assert len(stored(app, review_id)[2]) == 1, "nothing more can have reached the server"
    check()

    # It comes back: everything is sent, once, in order.
    page.context.set_offline(False)
    expect(status(page)).to_have_text("Saved")
    lines, fields, entries, receipts, _ = stored(app, review_id)
    assert fields == {
        (lines[0], "strengths"): "Phonics lessons are consistent across Year 1.",
        (lines[0], "areas"): "How reading at home is followed up.",
        (lines[1], "strengths"): "Extended writing in history books.",
    }
    assert entries == [
        (lines[0], "lesson_visit", "Year 1 class and teacher", "Mrs Davies, deputy head",
         "Pupils blend sounds confidently; the pace is brisk.", "reading", False),
        (lines[0], "book_look", "Year 2 reading records", "Mr Jones, English lead",
         "Home reading is patchy for a few pupils.", "homework", False),
    ]
    assert receipts >= 2
    assert queued(page) == []
    check()

    # The same record on another device picks up where the tablet left off.
    other = browser.new_context(base_url=live_server, viewport=TABLET, has_touch=True, locale="en-GB", bypass_csp=True)
    other.set_default_timeout(TIMEOUT_MS)
    laptop = other.new_page()
    laptop.document_responses = []
    try:
        sign_in(laptop, lambda: check_page(laptop), REVIEWER)
        laptop.goto(f"/manage/reviews/{review_id}/record")
        check_page(laptop)
        expect(line_section(laptop, 1).get_by_label("Strengths")).to_have_value("Phonics lessons are consistent across Year 1.")
        expect(line_section(laptop, 1).get_by_label("Areas to explore")).to_have_value("How reading at home is followed up.")
        expect(line_section(laptop, 2).get_by_label("Strengths")).to_have_value("Extended writing in history books.")
        cards = line_section(laptop, 1).locator("[data-entry]")
        expect(cards).to_have_count(2)
        expect(cards.nth(0).get_by_role("heading")).to_have_text("Evidence entry 1")
        expect(cards.nth(1).get_by_label("Notes")).to_have_value("Home reading is patchy for a few pupils.")
        expect(cards.nth(1).get_by_label("Activity")).to_have_value("book_look")
    finally:
        other.close()


def test_text_changed_on_another_device_is_shown_and_the_tablets_own_text_kept_beside_it(app, page, check, browser, live_server):
    review_id = seed(app)
    sign_in(page, check, REVIEWER)
    page.goto(f"/manage/reviews/{review_id}/record")
    check()
    strengths = line_section(page, 1).get_by_label("Strengths")
    strengths.fill("Tablet: first thoughts.")
    expect(status(page)).to_have_text("Saved")

    # The reviewer changes the same text on a laptop, while the tablet still shows the old page state.
    other = browser.new_context(base_url=live_server, viewport=TABLET, has_touch=True, locale="en-GB", bypass_csp=True)
    other.set_default_timeout(TIMEOUT_MS)
    laptop = other.new_page()
    laptop.document_responses = []
    try:
        sign_in(laptop, lambda: check_page(laptop), REVIEWER)
        laptop.goto(f"/manage/reviews/{review_id}/record")
        laptop_strengths = line_section(laptop, 1).get_by_label("Strengths")
        expect(laptop_strengths).to_have_value("Tablet: first thoughts.")
        laptop_strengths.fill("Laptop: a fuller account of the phonics lessons.")
        expect(status(laptop)).to_have_text("Saved")
    finally:
        other.close()

    # Back on the tablet, more is typed into the old text: the server refuses to overwrite the laptop's.
    strengths.fill("Tablet: first thoughts, and a second point.")
    panel = page.locator("[data-conflict-for]")
    expect(panel).to_be_visible()
    expect(strengths).to_have_value("Laptop: a fuller account of the phonics lessons.")
    expect(panel).to_contain_text("Your text from this tablet, not saved:")
    expect(panel).to_contain_text("Tablet: first thoughts, and a second point.")
    lines, fields, *_ = stored(app, review_id)
    assert fields[(lines[0], "strengths")] == "Laptop: a fuller account of the phonics lessons."
    check()

    # The reviewer chooses the tablet's text: it is sent on the newer version and saved.
    panel.get_by_role("button", name="Use my text").tap()
    expect(panel).to_have_count(0)
    expect(strengths).to_have_value("Tablet: first thoughts, and a second point.")
    expect(status(page)).to_have_text("Saved")
    lines, fields, *_ = stored(app, review_id)
    assert fields[(lines[0], "strengths")] == "Tablet: first thoughts, and a second point."


def test_changes_left_on_the_tablet_are_sent_when_the_record_is_opened_again(app, page, check):
    review_id = seed(app)
    sign_in(page, check, REVIEWER)
    page.goto(f"/manage/reviews/{review_id}/record")
    check()
    page.context.set_offline(True)
    add_entry(page, 2, "Pupil conversation", "Six Year 5 pupils", "Ms Evans, Year 5 teacher",
              "Pupils said they enjoy writing about history.", "Curriculum")
    line_section(page, 2).get_by_label("Areas to explore").fill("Editing and redrafting.")
    expect(status(page)).to_contain_text("Offline")

    # The tablet goes to sleep and the page is closed before the connection returns.
    context = page.context
    page.close()
    context.set_offline(False)
    later = context.new_page()
    later.document_responses = []
    later.goto(f"/manage/reviews/{review_id}/record")
    check_page(later)
    # The kept changes are put back on the form first, then sent.
    card = line_section(later, 2).locator("[data-entry]")
    expect(card).to_have_count(1)
    expect(card.get_by_label("Notes")).to_have_value("Pupils said they enjoy writing about history.")
    expect(line_section(later, 2).get_by_label("Areas to explore")).to_have_value("Editing and redrafting.")
    expect(status(later)).to_have_text("Saved")
    assert queued(later) == []
    lines, fields, entries, _, _ = stored(app, review_id)
    assert fields == {(lines[1], "areas"): "Editing and redrafting."}
    assert entries == [(lines[1], "pupil_conversation", "Six Year 5 pupils", "Ms Evans, Year 5 teacher",
                        "Pupils said they enjoy writing about history.", "curriculum", False)]


def test_a_save_whose_answer_is_lost_is_sent_again_and_applied_once(app, page, check):
    review_id = seed(app)
    sign_in(page, check, REVIEWER)
    page.goto(f"/manage/reviews/{review_id}/record")
    check()
    sent = []

    def lose_the_first_answer(route):
        sent.append(route.request.post_data_json["save_id"])
        if len(sent) == 1:
            route.fetch()  # the server applies it...
            route.abort("connectionreset")  # ...but the answer never reaches the tablet
        else:
            route.continue_()

    page.route("**/record/save", lose_the_first_answer)
    add_entry(page, 1, "Learning walk", "Reception and Year 1", "Mrs Davies, deputy head",
              "Phonics displays in every room.", "Reading and phonics")
    expect(status(page)).to_have_text("Saved")
    assert len(sent) >= 2 and sent[1] == sent[0], "the retry should reuse the save's id"
    lines, _, entries, receipts, _ = stored(app, review_id)
    assert entries == [(lines[0], "learning_walk", "Reception and Year 1", "Mrs Davies, deputy head",
                        "Phonics displays in every room.", "reading", False)]
    assert receipts == len(set(sent))


def test_signed_out_mid_visit_the_changes_wait_on_the_tablet_until_the_reviewer_signs_in_again(app, page, check):
    review_id = seed(app)
    sign_in(page, check, REVIEWER)
    page.goto(f"/manage/reviews/{review_id}/record")
    check()
    page.context.clear_cookies()  # the session ends (expired, or signed out on another tab)
    line_section(page, 1).get_by_label("Areas to explore").fill("Written after the session ended.")
    expect(status(page)).to_have_text("Signed out – sign in again, your changes are kept on this tablet")
    link = page.locator("[data-save-actions]").get_by_role("link", name="Sign in again (opens in a new tab)")
    expect(link).to_have_attribute("target", "_blank")
    assert queued(page)
    check()

    other_tab = page.context.new_page()
    other_tab.document_responses = []
    sign_in(other_tab, lambda: check_page(other_tab), REVIEWER)
    other_tab.close()
    # The record page retries on its own (every few seconds), with a fresh token for the new session.
    expect(status(page)).to_have_text("Saved", timeout=25_000)
    lines, fields, *_ = stored(app, review_id)
    assert fields == {(lines[0], "areas"): "Written after the session ended."}


def test_an_estimate_chosen_by_touch_is_saved_when_the_round_uses_estimates(app, page, check):
    review_id = seed(app)
    with app.app_context():
        db.session.get(Review, review_id).round.use_estimates = True
        db.session.commit()
    sign_in(page, check, REVIEWER)
    page.goto(f"/manage/reviews/{review_id}/record")
    check()
    estimate = line_section(page, 2).get_by_role("group", name="Estimate")
    estimate.get_by_role("radio", name="Working towards effective").check()
    expect(status(page)).to_have_text("Saved")
    lines, fields, *_ = stored(app, review_id)
    assert fields == {(lines[1], "estimate"): "working_towards"}
