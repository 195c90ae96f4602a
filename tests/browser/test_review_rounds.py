"""A review round, in a real browser on a tablet (810x1080, touch): an admin creates a round,
proposes teams and dates, reads why each reviewer was chosen, changes a team by hand (and
is told when a change breaks a rule), publishes; a reviewer then finds the review on their
schedule with its calendar file. axe-core checks every page visited."""
from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import TABLET, check_accessibility, sign_in
from tests.browser.test_survey_manage import fill_date
from tests.conftest import World

pytestmark = pytest.mark.browser

ADMIN = "ada.admin@vale.example"
NAMES = ("Alder", "Beech", "Cherry", "Elm", "Fir", "Hazel")


def seed(app):
    """Vale Partnership: six schools 3 km apart, each with an experienced lead and a reviewer."""
    with app.app_context():
        w = World()
        p = w.partnership("Vale Partnership")
        schools = {n: w.school(p, f"{n} Primary", easting=400000 + i * 3000, northing=300000, phase="Primary",
                               postcode=f"VA{i} 1AA") for i, n in enumerate(NAMES)}
        w.cluster(p, "North hub", [schools["Alder"], schools["Beech"], schools["Cherry"]])
        w.person(ADMIN, ("admin", p), name="Ada Admin")
        for n in NAMES:
            w.person(f"lead.{n.lower()}@vale.example", ("lead", schools[n]), name=f"Lee {n}")
            w.person(f"rev.{n.lower()}@vale.example", ("reviewer", schools[n]), name=f"Rae {n}")


def test_an_admin_creates_proposes_adjusts_and_publishes_a_round(app, page, check):
    seed(app)
    sign_in(page, check, ADMIN)
    page.get_by_role("link", name="Review rounds").tap()
    expect(page).to_have_url(re.compile(r"/manage/rounds$"))
    check()
    expect(page.get_by_text("There are no review rounds yet.")).to_be_visible()

    page.get_by_role("link", name="Create a round").tap()
    expect(page).to_have_url(re.compile(r"/manage/rounds/new$"))
    check()
    page.get_by_label("Name of the round").fill("Spring 2027")
    # A window that ends before it starts is refused, with the reason beside the field.
    fill_date(page, "First day reviews can take place", date(2027, 1, 22))
    fill_date(page, "Last day reviews can take place", date(2027, 1, 11))
    expect(page.get_by_label("Smallest team")).to_have_value("2")
    expect(page.get_by_label("Largest team")).to_have_value("3")
    expect(page.get_by_label("Most reviews one reviewer takes in the round")).to_have_value("2")
    hosts = page.get_by_role("group", name="Schools hosting a review", exact=True)
    expect(hosts.get_by_role("checkbox", name="Alder Primary (North hub; Primary)")).to_be_checked()
    expect(hosts.get_by_role("checkbox")).to_have_count(6)
    page.get_by_role("button", name="Create round").tap()
    expect(page.get_by_role("alert")).to_contain_text("The last day of the window must be the same as or after the first")
    page.wait_for_load_state("load")
    check_accessibility(page)  # the page answered 422 on purpose, so only axe is asked

    fill_date(page, "First day reviews can take place", date(2027, 1, 11))
    fill_date(page, "Last day reviews can take place", date(2027, 1, 22))
    page.get_by_label("Keep reviewers out of the host’s own cluster").check()
    page.get_by_role("button", name="Create round").tap()
    expect(page).to_have_url(re.compile(r"/manage/rounds/\d+$"))
    check()
    expect(page.get_by_text("Round “Spring 2027” created with 6 host schools.", exact=False)).to_be_visible()

    # Propose: every school placed, each member with the reason (distance, load).
    page.get_by_role("button", name="Propose teams and dates").tap()
    expect(page.get_by_text("Teams and dates proposed: 6 of 6 schools placed.")).to_be_visible()
    check()
    table = page.get_by_role("table", name="Reviews in this round")
    expect(table.get_by_role("row")).to_have_count(7)
    expect(table.get_by_text(re.compile(r"km from \w+ Primary")).first).to_be_visible()
    expect(table.get_by_text(re.compile(r"(review \d of their \d|their only review in this round)")).first).to_be_visible()
    expect(page.get_by_text("Total travel")).to_be_visible()
    expect(page.get_by_text("Proposing again replaces every team and date in this round")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the round page scrolls sideways on a {TABLET['width']}px tablet"

    # A team by hand: a reviewer from the host's own school is refused with the reason.
    table.get_by_role("link", name=re.compile(r"^Alder Primary")).tap()
    expect(page).to_have_url(re.compile(r"/manage/rounds/\d+/reviews/\d+$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team for Alder Primary")
    own = page.get_by_role("row", name=re.compile(r"^Rae Alder"))
    expect(own).to_contain_text("Cannot join: works at the school")
    expect(own.get_by_role("button")).to_have_count(0)
    # Someone who may join is added; the change is saved and the reason shown.
    addable = page.locator("table.app-picker tbody tr").filter(has=page.get_by_role("button", name=re.compile(r"^Add ")))
    name = addable.first.get_by_role("rowheader").inner_text().replace("Can lead", "").strip()
    addable.first.get_by_role("button", name=re.compile(r"^Add ")).first.tap()
    expect(page.get_by_text("Reviewer added to the team.")).to_be_visible()
    check()
    team = page.get_by_role("table", name="Team")
    expect(team).to_contain_text(name)
    expect(team).to_contain_text("chosen by hand")
    page.get_by_role("link", name="Spring 2027").tap()
    expect(page).to_have_url(re.compile(r"/manage/rounds/\d+$"))
    check()

    # Publish.
    page.get_by_role("button", name="Publish the round").tap()
    expect(page.get_by_text("Round published: 6 reviews confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Published")
    check()


def test_a_reviewer_finds_their_published_review_and_its_calendar_file(app, page, check):
    seed(app)
    with app.app_context():
        from peerreview.core.accounts.models import Person
        from peerreview.core.directory.models import Partnership
        from peerreview.extensions import db
        from peerreview.reviews import rounds_ops
        from sqlalchemy import select

        p = db.session.scalar(select(Partnership))
        admin = db.session.scalar(select(Person).where(Person.email == ADMIN))
        review_round = rounds_ops.create_round(p, rounds_ops.RoundSettings(
            name="Spring 2027", window_start=date(2027, 1, 11), window_end=date(2027, 1, 22),
            host_ids=frozenset(s.id for s in p.schools)), actor=admin)
        rounds_ops.propose(review_round, actor=admin)
        rounds_ops.publish(review_round, actor=admin)
        lead = next(m for r in review_round.reviews for m in r.team if m.is_lead)
        email, host = lead.person.email, lead.review.host.name

    sign_in(page, check, email)
    page.get_by_role("link", name="My review schedule").tap()
    expect(page).to_have_url(re.compile(r"/manage/rounds/schedule$"))
    check()
    row = page.get_by_role("row").filter(has_text=host)
    expect(row).to_contain_text("Lead reviewer")
    expect(page.get_by_text(re.compile(r"^http://127\.0\.0\.1:\d+/calendar/.+\.ics$"))).to_be_visible()
    with page.expect_download() as info:
        row.get_by_role("link", name=re.compile(r"^Add to calendar")).tap()
    body = open(info.value.path(), "rb").read()
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"Peer review: {host}"]
