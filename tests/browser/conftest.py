"""Browser tests: the app served on a real port, driven by Debian's Chromium through Playwright.

The app (and its database, SQLite or TEST_DATABASE_URL) is the session `app` fixture of
tests/conftest.py, so the autouse fixture there still empties every table after each test.
Seed data inside the test with ``with app.app_context(): World()...``.

Every page a test reaches should be checked: ``check()`` asserts that the page did not
answer with an error status and that axe-core finds no serious or critical WCAG 2.x A/AA
violation on it; ``visit(path)`` is ``page.goto(path)`` followed by ``check()``.

Without /usr/bin/chromium these tests skip locally (with the reason) and fail when CI=true.
A failing test leaves a screenshot and the page's HTML in test-artifacts/.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))  # Debian's; Playwright's own download does not work here
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TABLET = {"width": 810, "height": 1080}
# axe-core 4.11 has no rule tagged wcag22a yet; asking for it only logs a note.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _cannot_run(reason: str):
    """Fail in CI (a missing browser must never turn into a green run); skip locally."""
    if in_ci():
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests need {reason}")


def pytest_collection_modifyitems(config, items):
    # Everything under tests/browser is a browser test, even if a file forgets its pytestmark.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- the app on a port --------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app):
    """The session app, served by werkzeug on 127.0.0.1 with a free port, in a daemon thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _cannot_run(f"Chromium at {CHROMIUM} (install it with: apt-get install -y chromium, "
                    "or run scripts/test.sh, which does)")
    if not AXE_SCRIPT.exists():
        _cannot_run(f"axe-core at {AXE_SCRIPT.relative_to(ROOT)} (run: npm ci)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _cannot_run("the playwright package (run: bash scripts/setup.sh --dev)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh tablet-sized, touch-enabled, British English browser context for each test."""
    context = browser.new_context(
        base_url=live_server, viewport=TABLET, has_touch=True, locale="en-GB",
        bypass_csp=True,  # so axe can be injected whatever Content-Security-Policy the app sends
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.document_responses = []  # (url, status) of each main-frame document, redirects included

    def on_response(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.document_responses.append((response.url, response.status))

    page.on("response", on_response)
    for old in ARTIFACTS.glob(_artifact_stem(request.node.nodeid) + ".*"):
        old.unlink()  # a screenshot from an earlier failing run would only mislead
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _save_artifacts(page, request.node.nodeid)
        context.close()


def _artifact_stem(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")


def _save_artifacts(page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = _artifact_stem(nodeid)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
        print(f"\nscreenshot of the failing page ({page.url}): {ARTIFACTS / (stem + '.png')}")
    except Exception as e:  # a crashed page must not hide the real failure
        print(f"\ncould not save a screenshot: {e}")


# --- checks on every page -------------------------------------------------------------

_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.map(t => typeof t === "string" ? t : JSON.stringify(t)).join(" ")),
  }));
}"""


def check_accessibility(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA) on the page; fail on serious or critical
    violations. Returns every violation found (the minor and moderate ones included)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate(_AXE_RUN, WCAG_TAGS)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe found {len(blocking)} serious or critical accessibility problem(s) on {page.url}:"]
        for v in blocking:
            more = f" (+{v['count'] - len(v['targets'])} more)" if v["count"] > len(v["targets"]) else ""
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} <{v['helpUrl']}>")
            lines.append(f"      at {', '.join(v['targets'])}{more}")
        pytest.fail("\n".join(lines), pytrace=False)
    return violations


def check_page(page) -> None:
    """The page the browser is on answered without an error, and passes the axe check."""
    page.wait_for_load_state("load")
    if page.document_responses:
        url, status = page.document_responses[-1]
        if status >= 400:
            hint = " (the page is not finished yet)" if status == 501 else ""
            body = page.locator("body").inner_text()[:300]
            pytest.fail(f"{url} answered {status}{hint}: {body!r}", pytrace=False)
    check_accessibility(page)


@pytest.fixture
def check(page):
    """check(): the current page answered without an error and passes axe."""
    return lambda: check_page(page)


@pytest.fixture
def visit(page):
    """visit(path): open a path on the live server, then check() it; returns the page."""
    def _visit(path: str):
        page.goto(path)
        check_page(page)
        return page
    return _visit


# --- journeys share these --------------------------------------------------------------


def sign_in(page, check, email: str) -> None:
    page.goto("/login")
    check()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    check()


def main_menu(page, label: str = "Menu"):
    """The service navigation, opened first if a narrow screen folds it behind its toggle."""
    nav = page.get_by_role("navigation", name=label, exact=True)
    toggle = nav.get_by_role("button", name=label, exact=True)
    if toggle.count() and toggle.is_visible():
        toggle.tap()
    return nav
