"""Whole journeys on a tablet (810x1080, touch), with an accessibility check on every page."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests.browser.conftest import main_menu, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

OTHER_SCHOOLS = [
    "Ashfield Primary School", "Beacon Hill Academy", "Castle Mead Infant School",
    "Deanery CofE Primary School", "Elmwood Junior School", "Foxhollow Primary School",
    "Greenbank Academy", "Harbour View School", "Ivy Lane Primary School",
    "Juniper Green Nursery School", "Kingsmoor Primary School", "Meadowside Academy",
    "Northgate Primary School", "Orchard Vale School",
]
HEADS_SCHOOL = "Lanthorn Primary School"
SEARCH_TERM = "Lanthorn"  # part of one school's name, in no other school's


def seed(app):
    """A partnership of 15 schools, two clusters, an admin and the head of one school."""
    with app.app_context():
        w = World()
        trust = w.partnership("North Star Trust")
        schools = {name: w.school(trust, name=name) for name in sorted([*OTHER_SCHOOLS, HEADS_SCHOOL])}
        w.cluster(trust, "East cluster", [schools[n] for n in OTHER_SCHOOLS[:5]])
        w.cluster(trust, "West cluster", [schools[HEADS_SCHOOL], *(schools[n] for n in OTHER_SCHOOLS[5:9])])
        w.person("ada.admin@northstar.org.uk", ("admin", trust), name="Ada Admin")
        w.person("hal.head@lanthorn.sch.uk", ("head", schools[HEADS_SCHOOL]), name="Hal Head")


def translated(app, message: str, locale: str) -> str:
    """The app's own translation of a message (the message itself when not translated yet)."""
    with app.test_request_context(), force_locale(locale):
        return gettext(message)


def test_a_head_signs_in_on_a_tablet_finds_their_school_reads_it_in_welsh_and_signs_out(app, page, check):
    seed(app)

    sign_in(page, check, "hal.head@lanthorn.sch.uk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hal Head")

    # Schools, from the navigation.
    main_menu(page).get_by_role("link", name="Schools", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/schools"))
    check()

    # Search by part of a name: the one school that matches, none of the others.
    search_label = re.compile(r"^search", re.I)
    search = page.get_by_role("searchbox", name=search_label).or_(page.get_by_role("textbox", name=search_label)).first
    search.fill(SEARCH_TERM)
    search.locator("xpath=ancestor::form[1]").get_by_role("button", name=search_label).first.tap()
    expect(page).to_have_url(re.compile(r"/manage/schools\?.*" + SEARCH_TERM))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=HEADS_SCHOOL)).to_be_visible()
    for other in OTHER_SCHOOLS:
        expect(main.get_by_text(other)).to_have_count(0)
    check()

    # The head may see their own school's page.
    main.get_by_role("link", name=HEADS_SCHOOL).tap()
    expect(page).to_have_url(re.compile(r"/manage/schools/\d+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADS_SCHOOL)
    check()
    school_url = page.url

    # Cymraeg: the same page again, in Welsh. The labels must be whatever the Welsh catalog
    # says (English where it has no translation yet), so this holds before and after the
    # catalog lands without naming any Welsh word here.
    page.get_by_role("link", name="Cymraeg").tap()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page).to_have_url(school_url)
    check()
    welsh_menu = main_menu(page, translated(app, "Menu", "cy"))
    for label in ("Home", "Schools", "Clusters"):
        expect(welsh_menu.get_by_role("link", name=translated(app, label, "cy"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=translated(app, "Sign out", "cy"), exact=True)).to_be_visible()

    # And back to English.
    page.get_by_role("link", name="English").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page).to_have_url(school_url)
    expect(main_menu(page).get_by_role("link", name="Schools", exact=True)).to_be_visible()

    # Sign out: a button in the header, in view on a tablet without any hover.
    sign_out = page.get_by_role("banner").get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    expect(sign_out).to_be_in_viewport()
    sign_out.tap()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check()

    # Signed out for real: home sends us back to sign in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_an_admin_visits_the_schools_clusters_and_people_lists(app, page, check):
    seed(app)

    sign_in(page, check, "ada.admin@northstar.org.uk")

    main_menu(page).get_by_role("link", name="Schools", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/schools"))
    check()
    expect(page.get_by_role("main").get_by_role("link", name="Ashfield Primary School")).to_be_visible()

    main_menu(page).get_by_role("link", name="Clusters", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/clusters"))
    check()
    expect(page.get_by_role("main").get_by_text("East cluster").first).to_be_visible()
    expect(page.get_by_role("main").get_by_text("West cluster").first).to_be_visible()

    main_menu(page).get_by_role("link", name="People", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/people"))
    check()
    expect(page.get_by_role("main").get_by_text("Hal Head").first).to_be_visible()
