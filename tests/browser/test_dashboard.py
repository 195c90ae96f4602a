"""The partnership dashboard on a tablet (810x1080, touch): an admin opens it from the menu,
reads the heat map (figures written in the cells, withheld cells say so, the school column
stays put while the table scrolls sideways in its own box), filters by cluster, and downloads
the same filtered table as CSV. axe-core checks every page visited."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import main_menu, sign_in
from tests.conftest import World
from tests.dashboard.conftest import ADMIN, CEDAR_SECRET, TODAY, build

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def today(monkeypatch):
    # The live server runs in this process, so it sees the same day.
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


def test_admin_reads_filters_and_downloads_the_dashboard(app, page, check):
    with app.app_context():
        build(World())

    sign_in(page, check, ADMIN)
    with page.expect_navigation():
        main_menu(page).get_by_role("link", name="Dashboard").tap()
    expect(page).to_have_url(re.compile(r"/manage/dashboard$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership dashboard")
    expect(main_menu(page).get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")

    table = page.get_by_role("region", name=re.compile("Schools and their measures"))
    expect(table.get_by_role("rowheader")).to_have_count(5)  # the partnership and four schools
    cedar = table.get_by_role("row", name=re.compile("Cedar Primary"))
    expect(cedar.get_by_role("cell", name="withheld")).to_have_count(3)
    alder = table.get_by_role("row", name=re.compile("Alder Primary"))
    expect(alder.get_by_role("cell", name="80%", exact=True)).to_be_visible()
    assert CEDAR_SECRET not in page.content()

    # The page itself never scrolls sideways; the table scrolls in its own box and the school
    # column stays where it is.
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    box = page.locator(".app-heat-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "the table should be wider than a tablet"
    name_cell = table.get_by_role("rowheader", name=re.compile("Alder Primary"))
    left_before = name_cell.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = 400; }")
    page.wait_for_function("() => document.querySelector('.app-heat-scroll').scrollLeft > 0")
    assert abs(name_cell.bounding_box()["x"] - left_before) < 1
    assert alder.get_by_role("cell", name="Agreed", exact=True).bounding_box()["x"] > left_before

    # Filter by cluster.
    page.get_by_label("Cluster").select_option(label="North")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").tap()
    check()
    expect(page.get_by_role("heading", name=re.compile("2 schools"))).to_be_visible()
    names = [n.strip().split("\n")[0] for n in table.get_by_role("rowheader").all_inner_texts()]
    assert names[1:] == ["Alder Primary", "Cedar Primary"]

    # Download the same filtered table.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download this table (CSV)").tap()
    download = info.value
    assert download.failure() is None and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_bytes().decode("utf-8-sig"))))
    assert [r["school_name"] for r in rows] == ["Whole partnership", "Alder Primary", "Cedar Primary"]
    assert rows[2]["Parent survey: 1. My child is happy at this school. (%)"] == "withheld"

    # A school's row leads to its page.
    with page.expect_navigation():
        table.get_by_role("link", name="Alder Primary", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/schools/\d+$"))
    check()
