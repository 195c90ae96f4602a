"""The review report in a real browser on a tablet (810x1080, touch): the lead reviewer writes
the report beside the team's records and the themes panel (what they type survives a reload
before saving), saves, checks and submits it; the host head signs in, replies and agrees the
next steps. axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from peerreview.core import clock
from peerreview.extensions import db
from peerreview.reviews.models import EvidenceEntry, RecordField, Review, ReviewerRecord, ReviewReport
from tests.browser.conftest import sign_in
from tests.reviews.conftest import review_world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

NOTES = [
    "Pupils in Year 2 read fluently from their phonics books.",
    "Phonics lessons were brisk; every child read aloud.",
    "Behaviour in the corridors was calm and routines were clear.",
]


def add_records(rw) -> None:
    line1, line2 = rw.review.lines
    lead = ReviewerRecord(review_id=rw.review.id, person_id=rw.lead.id)
    lead.fields = [RecordField(line_id=line1.id, field="strengths", value="Phonics is consistent across KS1.")]
    lead.evidence = [EvidenceEntry(line_id=line1.id, client_id="lead-0", activity="lesson_visit", notes=NOTES[0])]
    reviewer = ReviewerRecord(review_id=rw.review.id, person_id=rw.reviewer.id)
    reviewer.evidence = [EvidenceEntry(line_id=line1.id, client_id="rev-0", activity="book_look", notes=NOTES[1]),
                         EvidenceEntry(line_id=line2.id, client_id="rev-1", activity="learning_walk", notes=NOTES[2])]
    db.session.add_all([lead, reviewer])
    rw.review.status = "in_progress"
    db.session.commit()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").tap()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_lead_writes_and_submits_then_the_host_head_replies_and_agrees(page, check, visit, review_world):  # noqa: F811
    rw = review_world
    add_records(rw)
    review_id = rw.review.id
    line1, line2 = (line.id for line in rw.review.lines)
    due = clock.today() + timedelta(days=45)

    # --- the lead -----------------------------------------------------------------------------
    sign_in(page, check, rw.lead.email)
    visit(f"/manage/reviews/{review_id}")
    page.get_by_role("link", name="Report").first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write the report")
    check()
    expect(page.locator("#themes")).to_contain_text("Based on 4 notes and findings written by the team.")
    expect(page.locator("#themes")).to_contain_text("Reading and phonics")
    expect(page.locator(f"#line-{line1}-records")).to_contain_text(NOTES[1])
    expect(page.locator(f"#line-{line1}-records")).to_contain_text(f"written by {rw.reviewer.name}")

    page.get_by_label("Summary of the review").fill("A school that knows its strengths in early reading.")
    page.locator(f"#line-{line1}-went_well").fill("Phonics is taught consistently and pupils read fluently.")
    page.locator(f"#line-{line1}-even_better_if").fill("The lowest 20% read to an adult daily.")
    page.locator(f"#line-{line2}-went_well").fill("Extended writing in history is strong.")
    page.locator(f"#line-{line2}-even_better_if").fill("Writing at length in science as well.")
    page.locator("#steps-0-action").fill("Daily reading for the lowest 20% in Years 1 and 2")
    page.locator("#steps-0-owner").fill("Reading lead")
    page.locator("#steps-0-due-day").fill(str(due.day))
    page.locator("#steps-0-due-month").fill(str(due.month))
    page.locator("#steps-0-due-year").fill(str(due.year))

    # A second next step is added and taken away again without leaving the page.
    page.get_by_role("button", name="Add another next step").tap()
    expect(page.locator("[data-steps] [data-step]")).to_have_count(2)
    expect(page.get_by_role("group", name="Next step 2")).to_be_visible()
    page.locator("#steps-1-action").fill("A step the lead thinks better of")
    page.get_by_role("button", name="Remove next step 2").tap()
    expect(page.locator("[data-steps] [data-step]")).to_have_count(1)

    # Nothing saved yet: a reload (a dropped connection, a closed tab) brings the typing back.
    page.wait_for_timeout(400)  # the copy is written 300 ms after the last key
    page.reload()
    expect(page.locator("[data-report-draft-notice]")).to_contain_text("Restored what you typed on this device")
    expect(page.get_by_label("Summary of the review")).to_have_value("A school that knows its strengths in early reading.")
    expect(page.locator("#steps-0-owner")).to_have_value("Reading lead")
    expect(page.locator("[data-steps] [data-step]")).to_have_count(1)
    check()

    page.get_by_role("button", name="Save draft").last.tap()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.locator("[data-report-draft-notice]")).to_be_empty()
    check()

    page.get_by_role("button", name="Check and submit the report").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the report to Ash Primary?")
    check()
    page.get_by_role("button", name="Submit the report").tap()
    expect(page.get_by_text("Report submitted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review report: Ash Primary")
    # The browser's copy of the draft goes once the report is submitted (a shared tablet keeps none).
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('review-report:'))") == []
    check()
    sign_out(page)

    # --- the host head --------------------------------------------------------------------------
    sign_in(page, check, rw.head_a.email)
    visit(f"/manage/reviews/{review_id}")
    page.get_by_role("link", name=re.compile("report", re.I)).first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review report: Ash Primary")
    expect(page.get_by_text("Daily reading for the lowest 20% in Years 1 and 2")).to_be_visible()
    check()
    page.get_by_label("Your reply (optional)").fill("Thank you: a fair picture of our reading.")
    page.get_by_role("button", name="Save reply").tap()
    expect(page.get_by_text("Your reply has been saved.")).to_be_visible()
    check()
    page.get_by_role("button", name="Agree the next steps").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree the next steps?")
    check()
    page.get_by_role("button", name="Agree the next steps").tap()
    expect(page.get_by_text("You have agreed the next steps.")).to_be_visible()
    expect(page.get_by_text("Thank you: a fair picture of our reading.")).to_be_visible()
    expect(page.get_by_label("Your reply (optional)")).to_have_count(0)
    check()

    db.session.rollback()
    review = db.session.get(Review, review_id)
    report = db.session.query(ReviewReport).filter_by(review_id=review_id).one()
    assert review.status == "agreed"
    assert report.head_reply == "Thank you: a fair picture of our reading."
    assert [s.action for s in report.next_steps] == ["Daily reading for the lowest 20% in Years 1 and 2"]
    assert report.submitted_by_id == rw.lead.id and report.agreed_by_id == rw.head_a.id
