"""The adults' side of a pupil visit on a tablet (810x1080, touch): a coordinator plans the visit
and types the children in one per line, the host head chooses the focus and prompts, the
coordinator opens feedback (code and QR code), sees who has sent feedback and closes it, and the
head reads the summary. axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from peerreview.extensions import db
from peerreview.visits.models import ChildFeedback, PupilVisit
from tests.browser.conftest import TABLET, check_accessibility, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

DAY = date(2027, 2, 3)
COORDINATOR = "cara.coordinator@birch.sch.uk"
HEAD = "hana.head@ash.sch.uk"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    # The live server runs in this process, so it sees the same day.
    monkeypatch.setattr("peerreview.core.clock.today", lambda: DAY)


def seed(app) -> None:
    with app.app_context():
        w = World()
        trust = w.partnership("North Star Trust")
        ash = w.school(trust, "Ash Primary")
        birch = w.school(trust, "Birch Primary")
        w.school(trust, "Cedar Academy")
        w.person(HEAD, ("head", ash), name="Hana Head")
        w.person(COORDINATOR, ("coordinator", birch), name="Cara Coordinator")


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a {TABLET['width']}px-wide tablet"


def tap_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.tap()


def sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("banner").get_by_role("button", name="Sign out").tap()


def test_a_visit_planned_focused_run_closed_and_read(app, page, check):
    seed(app)

    # The coordinator plans the visit.
    sign_in(page, check, COORDINATOR)
    page.goto("/manage/visits")
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pupil visits")
    tap_and_wait(page, page.get_by_role("link", name="Plan a visit"))
    expect(page).to_have_url(re.compile(r"/manage/visits/new$"))
    check()
    no_sideways_scroll(page)
    page.get_by_label("Host school").select_option(label="Ash Primary")
    when = page.get_by_role("group", name="Date of the visit")
    when.get_by_label("Day").fill("3")
    when.get_by_label("Month").fill("2")
    when.get_by_label("Year").fill("2027")
    page.get_by_label("Start time").fill("9:30")
    page.get_by_label("End time").fill("9:00")
    visiting = page.get_by_role("group", name="Visiting schools")
    visiting.get_by_label("Birch Primary").tap()
    visiting.get_by_label("Cedar Academy").tap()
    tap_and_wait(page, page.get_by_role("button", name="Plan the visit"))
    assert page.document_responses[-1][1] == 400
    check_accessibility(page)
    expect(page.get_by_role("alert")).to_contain_text("The end time must be after the start time")
    expect(page.get_by_label("Start time")).to_have_value("9:30")  # nothing typed is lost
    page.get_by_label("End time").fill("11:30")
    tap_and_wait(page, page.get_by_role("button", name="Plan the visit"))
    expect(page).to_have_url(re.compile(r"/manage/visits/\d+/people$"))
    check()
    expect(page.get_by_text("The visit is planned", exact=False)).to_be_visible()

    birch_box = page.get_by_label("Add children from Birch Primary")
    birch_box.fill("Amara, 4\nBen Smith, Year 5\nChloe, R")
    tap_and_wait(page, page.get_by_role("button", name="Add these children (Birch Primary)"))
    assert page.document_responses[-1][1] == 400
    check_accessibility(page)
    expect(page.get_by_role("alert")).to_contain_text("Line 2: “Ben Smith” looks like more than a first name")
    expect(birch_box).to_have_value("Amara, 4\nBen Smith, Year 5\nChloe, R")
    birch_box.fill("Amara, 4\nBen, Year 5\nChloe, R")
    tap_and_wait(page, page.get_by_role("button", name="Add these children (Birch Primary)"))
    check()
    expect(page.get_by_text("3 children added.")).to_be_visible()
    page.get_by_label("Add children from Cedar Academy").fill("Efa, 6")
    tap_and_wait(page, page.get_by_role("button", name="Add these children (Cedar Academy)"))
    check()
    expect(page.get_by_role("list", name="Children from Cedar Academy")).to_contain_text("Efa, Year 6")
    page.get_by_label("Name", exact=True).fill("Mrs Lewis")
    page.locator("#adult-school_id").select_option(label="Birch Primary")
    page.get_by_label("Work phone for the day (optional)").fill("07700 900123")
    tap_and_wait(page, page.get_by_role("button", name="Add this adult"))
    check()
    expect(page.get_by_role("list", name="Adults")).to_contain_text("Mrs Lewis (Birch Primary), 07700 900123")
    no_sideways_scroll(page)
    tap_and_wait(page, page.get_by_role("link", name="Done"))
    check()
    visit_url = page.url
    expect(page.get_by_text("Amara, Year 4")).to_be_visible()
    sign_out(page)

    # The host head chooses the focus and its prompts.
    sign_in(page, check, HEAD)
    page.goto("/manage/visits")
    check()
    tap_and_wait(page, page.get_by_role("link", name=re.compile(r"^Choose the focus and prompts")))
    check()
    page.get_by_label("Our reading areas").check()
    tap_and_wait(page, page.get_by_role("button", name="Continue"))
    check()
    third = page.get_by_role("group", name="Prompt 3")
    expect(third.get_by_label("In English")).to_have_value("Would you like to sit and read here?")
    third.get_by_label("In English").fill("Would you like to read in this corner?")
    tap_and_wait(page, page.get_by_role("button", name="Move up prompt 3"))
    check()
    expect(page.get_by_role("group", name="Prompt 2").get_by_label("In English")).to_have_value(
        "Would you like to read in this corner?")
    no_sideways_scroll(page)
    tap_and_wait(page, page.get_by_role("button", name="Save", exact=True))
    expect(page).to_have_url(visit_url)
    check()
    expect(page.get_by_text("The focus and its 3 prompts are saved", exact=False)).to_be_visible()
    sign_out(page)

    # On the day the coordinator opens feedback for the tablets.
    sign_in(page, check, COORDINATOR)
    page.goto(visit_url)
    check()
    tap_and_wait(page, page.get_by_role("link", name="Feedback on the day"))
    check()
    tap_and_wait(page, page.get_by_role("button", name="Open feedback for the tablets"))
    check()
    code = page.locator("[data-code]").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{3} [A-Z2-9]{3}", code)
    expect(page.get_by_role("img", name=re.compile(r"^QR code for http:\/\/.+\/v\/" + code.replace(" ", "") + "$"))) \
        .to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\/v\/" + code.replace(" ", "")))).to_be_visible()
    no_sideways_scroll(page)

    with app.app_context():  # two children send their forms from the tablets
        visit = db.session.scalars(select_visit()).one()
        amara = next(p for p in visit.pupils if p.first_name == "Amara")
        prompts = [p.id for p in visit.prompts]
        db.session.add_all([
            ChildFeedback(visit_id=visit.id, pupil_id=amara.id, faces={str(prompts[0]): "happy"},
                          star_1="The cushions were comfy", wish="I wish we had more books", like_at_school="yes",
                          submitted_on=DAY),
            ChildFeedback(visit_id=visit.id, pupil_id=None, faces={str(prompts[0]): "ok"},
                          star_1="Lots of books", like_at_school="maybe", submitted_on=DAY),
        ])
        db.session.commit()
    tap_and_wait(page, page.get_by_role("link", name="Refresh"))
    check()
    expect(page.get_by_text("2 children have sent feedback.")).to_be_visible()
    expect(page.get_by_role("list", name="Children who have sent feedback")).to_contain_text(
        "Amara (Year 4, Birch Primary)")
    tap_and_wait(page, page.get_by_role("link", name="Close feedback"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close feedback?")
    tap_and_wait(page, page.get_by_role("button", name="Yes, close feedback"))
    expect(page).to_have_url(visit_url)
    check()
    expect(page.get_by_text("Feedback is closed: 2 children sent feedback.", exact=False)).to_be_visible()
    sign_out(page)

    # The head reads the summary.
    sign_in(page, check, HEAD)
    page.goto(visit_url)
    check()
    tap_and_wait(page, page.get_by_role("link", name="Read the children’s feedback"))
    check()
    no_sideways_scroll(page)
    expect(page.get_by_text("2 children sent feedback, from 1 school.")).to_be_visible()
    faces = page.get_by_role("table", name=re.compile(r"^Prompt 1: What did you see"))
    expect(faces.get_by_role("row", name=re.compile(r"^Happy 1 "))).to_be_visible()
    expect(faces.get_by_role("row", name=re.compile(r"^OK 1 "))).to_be_visible()
    expect(page.get_by_text("“The cushions were comfy”")).to_be_visible()
    expect(page.get_by_text("Amara")).to_have_count(0)


def select_visit():
    from sqlalchemy import select
    return select(PupilVisit)
