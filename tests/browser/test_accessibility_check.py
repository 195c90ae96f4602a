"""The axe check itself: it must catch real problems, or every green browser test means nothing."""
from __future__ import annotations

import pytest

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_serious_and_critical_problems_fail_the_test_and_are_listed(page):
    page.set_content("<!DOCTYPE html><html><head><title>Broken</title></head><body><main>"
                     "<h1>Broken</h1><img src='data:,'><input type='text' id='q'>"
                     "</main></body></html>")
    with pytest.raises(pytest.fail.Exception) as failure:
        check_accessibility(page)
    message = str(failure.value)
    assert "html-has-lang" in message  # serious
    assert "[critical] image-alt" in message and "at img" in message  # with where it is
    assert "[critical] label" in message and "at #q" in message


def test_a_sound_page_passes(page):
    page.set_content("<!DOCTYPE html><html lang='en-GB'><head><title>Fine</title></head><body>"
                     "<main><h1>Fine</h1><label for='q'>Search</label><input type='search' id='q'>"
                     "<img src='data:,' alt='A pupil reading'></main></body></html>")
    assert all(v["impact"] not in {"serious", "critical"} for v in check_accessibility(page))


def test_the_sign_in_page_passes_on_a_landscape_tablet_too(page, visit):
    page.set_viewport_size({"width": 1024, "height": 768})
    visit("/login")
