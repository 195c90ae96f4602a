"""The host head prepares a peer review on a tablet (810x1080, touch): a self-evaluation, two
lines of enquiry and a PDF, then sees them on the review's page; typing survives a dropped
connection through the copy kept in the browser. axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from peerreview.extensions import db
from peerreview.reviews.models import Review, ReviewRound, TeamMember
from tests.browser.conftest import TABLET, check_accessibility, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

HEAD = "hana.head@ash.sch.uk"
LEAD = "lee.lead@birch.sch.uk"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FIRST = "To what extent does phonics teaching help pupils in Key Stage 1 read fluently?"
SECOND = "To what extent do pupils in Years 4 to 6 write at length across the curriculum?"


def seed(app) -> int:
    """A published round; Ash Primary's review confirmed with a lead from Birch, not yet prepared."""
    with app.app_context():
        w = World()
        trust = w.partnership("North Star Trust")
        ash = w.school(trust, "Ash Primary", easting=500000, northing=200000)
        birch = w.school(trust, "Birch Primary", easting=505000, northing=203000)
        w.person(HEAD, ("head", ash), name="Hana Head")
        lead = w.person(LEAD, ("lead", birch), name="Lee Lead")
        review_round = ReviewRound(partnership=trust, name="Spring 2027", window_start=date(2027, 1, 11),
                                   window_end=date(2027, 3, 26), status="published")
        review = Review(round=review_round, host=ash, status="confirmed", review_date=date(2027, 1, 12))
        review.team = [TeamMember(person=lead, is_lead=True, distance_km=5.8)]
        db.session.add(review_round)
        db.session.commit()
        return review.id


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a {TABLET['width']}px-wide tablet"


def tap_and_wait(page, locator) -> None:
    """Tap a button that posts the form back to the same address, and wait for the new page."""
    with page.expect_navigation():
        locator.tap()


def line(page, number: int):
    return page.get_by_role("group", name=f"Line of enquiry {number}", exact=True)


def test_host_head_prepares_two_lines_of_enquiry_and_a_pdf(app, page, check, tmp_path):
    review_id = seed(app)
    sign_in(page, check, HEAD)

    page.goto("/manage/reviews")
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("My reviews")
    page.get_by_role("link", name=re.compile(r"^Prepare your lines of enquiry")).tap()
    expect(page).to_have_url(re.compile(rf"/manage/reviews/{review_id}/prepare$"))
    check()
    no_sideways_scroll(page)

    page.get_by_label("Self-evaluation").fill("Early reading is a strength.\nWriting at length is our priority.")
    expect(page.get_by_text(re.compile(r"You have 4,?9\d\d characters remaining"))).to_be_visible()
    first = line(page, 1)
    first.get_by_label("Question").fill(FIRST)
    first.get_by_label("School improvement plan priority").fill("Priority 1: early reading")
    first.get_by_label("Context (optional)").fill("A new phonics scheme since September.")
    tap_and_wait(page, page.get_by_role("button", name="Add another line of enquiry"))
    check()
    expect(page.get_by_text("Line of enquiry 2 added", exact=False)).to_be_visible()
    expect(first.get_by_label("Question")).to_have_value(FIRST)  # nothing typed was lost on the way
    second = line(page, 2)
    expect(second.get_by_label("Question")).to_be_focused()
    second.get_by_label("Question").fill(SECOND)
    second.get_by_label("Evidence you would like looked at (optional)").fill("Books from Years 4 to 6.")
    # Forgetting the priority: the page says so and keeps everything.
    tap_and_wait(page, page.get_by_role("button", name="Save", exact=True))
    assert page.document_responses[-1][1] == 400
    check_accessibility(page)
    expect(page.get_by_role("alert")).to_contain_text(
        "Line of enquiry 2: Enter the school improvement plan priority")
    expect(second.get_by_label("Question")).to_have_value(SECOND)
    expect(page.get_by_label("Self-evaluation")).to_have_value(
        "Early reading is a strength.\nWriting at length is our priority.")
    # Enter in the priority box saves (not "Remove", the first button in the line).
    second.get_by_label("School improvement plan priority").fill("Priority 2: writing")
    second.get_by_label("School improvement plan priority").press("Enter")
    expect(page).to_have_url(re.compile(rf"/manage/reviews/{review_id}$"))
    check()
    expect(page.get_by_text("Your preparation is saved", exact=False)).to_be_visible()

    # A PDF for the team.
    page.get_by_role("link", name="Prepare the review").tap()
    expect(page).to_have_url(re.compile(rf"/manage/reviews/{review_id}/prepare$"))
    check()
    pdf = tmp_path / "School improvement plan.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Upload a PDF").set_input_files(str(pdf))
    tap_and_wait(page, page.get_by_role("button", name="Upload PDF"))
    check()
    expect(page.get_by_text("The PDF is uploaded", exact=False)).to_be_visible()
    # A PNG named .pdf is refused with a message.
    fake = tmp_path / "photo.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    page.get_by_label("Upload a PDF").set_input_files(str(fake))
    tap_and_wait(page, page.get_by_role("button", name="Upload PDF"))
    expect(page.get_by_role("alert")).to_contain_text("The file must be a PDF")
    assert page.document_responses[-1][1] == 400
    check_accessibility(page)

    page.get_by_role("link", name="Back to the review").tap()
    expect(page).to_have_url(re.compile(rf"/manage/reviews/{review_id}$"))
    check()
    no_sideways_scroll(page)
    expect(page.get_by_role("heading", name=FIRST)).to_be_visible()
    expect(page.get_by_role("heading", name=SECOND)).to_be_visible()
    expect(page.get_by_text("Priority 2: writing")).to_be_visible()
    expect(page.get_by_text("Books from Years 4 to 6.")).to_be_visible()
    expect(page.get_by_text("Writing at length is our priority.", exact=False)).to_be_visible()
    team = page.get_by_role("table", name="Review team")
    expect(team).to_contain_text("Lee Lead")
    expect(team).to_contain_text("Birch Primary")
    expect(team).to_contain_text("Lead reviewer")
    link = page.get_by_role("link", name="School improvement plan.pdf")
    with page.expect_download() as info:
        link.tap()
    download = info.value
    assert download.suggested_filename == "School improvement plan.pdf"
    assert open(download.path(), "rb").read() == PDF
    expect(page.get_by_text("photo.pdf")).to_have_count(0)


def test_typing_survives_a_dropped_connection(app, page, check):
    review_id = seed(app)
    sign_in(page, check, HEAD)
    page.goto(f"/manage/reviews/{review_id}/prepare")
    check()
    page.get_by_label("Self-evaluation").fill("Typed on the tablet before the Wi-Fi went.")
    first = line(page, 1)
    first.get_by_label("Question").fill(FIRST)
    first.get_by_label("School improvement plan priority").fill("Priority 1: early reading")
    tap_and_wait(page, page.get_by_role("button", name="Add another line of enquiry"))
    check()
    line(page, 2).get_by_label("Question").fill(SECOND)

    page.context.set_offline(True)
    with pytest.raises(Exception):
        with page.expect_navigation(timeout=5000):
            page.get_by_role("button", name="Save", exact=True).tap()
    page.context.set_offline(False)

    # Back online, the page comes from the server (nothing saved there) and the copy is put back.
    page.goto(f"/manage/reviews/{review_id}/prepare")
    check()
    expect(page.get_by_text("We have put back changes you had not saved", exact=False)).to_be_visible()
    expect(page.get_by_label("Self-evaluation")).to_have_value("Typed on the tablet before the Wi-Fi went.")
    expect(line(page, 1).get_by_label("Question")).to_have_value(FIRST)
    expect(line(page, 1).get_by_label("School improvement plan priority")).to_have_value("Priority 1: early reading")
    # The second line was never saved, so it is not on the page: its text is listed to copy.
    expect(line(page, 2)).to_have_count(0)
    page.get_by_text("Unsaved text from a line of enquiry that is not on this page").tap()
    expect(page.locator("[data-draft-elsewhere-list]")).to_contain_text(SECOND)
    page.get_by_role("button", name="Save", exact=True).tap()
    expect(page).to_have_url(re.compile(rf"/manage/reviews/{review_id}$"))
    check()
    expect(page.get_by_role("heading", name=FIRST)).to_be_visible()
    # Saved, so the copy is gone: the form opens without the note.
    assert page.evaluate(f"() => localStorage.getItem('draft:v1:review-prepare:{review_id}')") is None
    page.goto(f"/manage/reviews/{review_id}/prepare")
    check()
    expect(page.locator("[data-draft-note]")).to_be_hidden()

    # Discarding a restored copy shows what is saved again.
    page.get_by_label("Self-evaluation").fill("A change I will think better of.")
    page.reload()
    check()
    expect(page.get_by_label("Self-evaluation")).to_have_value("A change I will think better of.")
    expect(page.locator("[data-draft-elsewhere]")).to_be_hidden()
    page.get_by_role("button", name="Discard unsaved changes").tap()
    expect(page.get_by_label("Self-evaluation")).to_have_value("Typed on the tablet before the Wi-Fi went.")
    expect(page.locator("[data-draft-note]")).to_be_hidden()
    with app.app_context():
        assert db.session.get(Review, review_id).self_evaluation == "Typed on the tablet before the Wi-Fi went."
