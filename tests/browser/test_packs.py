"""Feedback packs in the browser on a tablet (810x1080, touch): the head asks for a pack, watches
the progress bar move to 100 while a real Huey consumer (threads, in this process, on a SQLite
queue file of its own) renders it with the real renderer, downloads the PDF, and finds it listed
as up to date. axe-core checks every page on the way."""
from __future__ import annotations

import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from peerreview.core import clock
from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.packs import tasks
from peerreview.packs.models import PackJob
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.packs.jobs_world import closed_visit
from tests.packs.pack_helpers import pdf_info, staff_run

pytestmark = pytest.mark.browser

HEAD = "hana.head@ash.sch.uk"

# Every value the progress bar takes, in order, collected in the page as it changes.
WATCH_PROGRESS = """
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector("[role=progressbar]");
  if (!bar) return;
  window.progressSeen = [bar.getAttribute("aria-valuenow")];
  new MutationObserver(() => window.progressSeen.push(bar.getAttribute("aria-valuenow")))
    .observe(bar, {attributes: true, attributeFilter: ["aria-valuenow"]});
});
"""


@pytest.fixture
def worker(app, tmp_path):
    """A real consumer: Huey on a SQLite file, one worker thread, polling often."""
    queue = tasks.make_queue(app, filename=str(tmp_path / "huey.db"), immediate=False)
    old_queue = tasks.use_queue(app, queue)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = queue.huey.create_consumer(workers=1, worker_type="thread", periodic=False, max_delay=0.25,
                                          scheduler_interval=1)
    consumer.start()
    try:
        yield queue
    finally:
        consumer.stop(graceful=True)
        tasks.use_queue(app, old_queue)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def seed(app) -> int:
    with app.app_context():
        today = clock.today()
        w = World()
        trust = w.partnership("North Star Trust")
        ash = w.school(trust, "Ash Primary")
        others = [w.school(trust, f"School {n}") for n in range(3)]
        w.person(HEAD, ("head", ash), name="Hana Head")
        closed_visit(ash, today - timedelta(days=20), children=6)
        staff_run(trust, {ash: 8, **{s: 7 for s in others}}, opens_on=today - timedelta(days=60),
                  closes_on=today - timedelta(days=40))
        return ash.id


def test_generate_watch_the_progress_and_download_the_pack(app, page, check, worker):
    ash_id = seed(app)
    page.add_init_script(WATCH_PROGRESS)
    sign_in(page, check, HEAD)

    page.goto("/manage/packs")
    expect(page).to_have_url(re.compile(rf"/manage/packs/schools/{ash_id}$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback packs")
    expect(page.get_by_text("No packs have been made for this school yet.")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(r"^The 12 months to today"))).to_be_checked()
    page.get_by_role("radio", name="English").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Generate pack").tap()
    expect(page).to_have_url(re.compile(r"/manage/packs/\d+$"))
    check()  # the progress page, while the job waits or runs

    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.get_by_role("status")).to_have_text("The pack is ready.")
    download_button = page.get_by_role("link", name=re.compile(r"^Download the pack"))
    expect(download_button).to_be_visible()
    seen = [int(v) for v in page.evaluate("() => window.progressSeen")]
    assert seen[-1] == 100 and seen == sorted(seen), seen  # it only ever moved forwards
    check()  # the finished page

    with page.expect_download() as download_info:
        download_button.tap()
    download = download_info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert re.fullmatch(r"feedback-pack-\d+-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-en\.pdf", download.suggested_filename)
    info = pdf_info(data)
    assert info["Tagged"] == "yes" and int(info["Pages"]) >= 2

    with app.app_context():
        job = db.session.scalar(select(PackJob))
        assert (job.status, job.attempts, job.progress) == ("done", 1, 100)
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pack.downloaded")))
        assert len(events) == 1 and "Ash Primary" in events[0].detail

    page.get_by_role("link", name="Back to the feedback packs").tap()
    expect(page).to_have_url(re.compile(rf"/manage/packs/schools/{ash_id}$"))
    check()
    stored = page.get_by_role("table")
    expect(stored.get_by_text("Up to date", exact=True)).to_be_visible()
    expect(stored.get_by_role("link", name=re.compile(r"^Download"))).to_have_count(1)


def test_a_failed_pack_says_why_and_try_again_makes_it(app, page, check, worker):
    ash_id = seed(app)
    with app.app_context():
        today = clock.today()
        job = PackJob(school_id=ash_id, period_start=today - timedelta(days=365), period_end=today, language="cy",
                      status="failed", attempts=2, error="render_failed", error_detail="RuntimeError: layout exploded",
                      requested_at=datetime.now(UTC).replace(tzinfo=None))
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    sign_in(page, check, HEAD)
    page.goto(f"/manage/packs/schools/{ash_id}")
    check()
    expect(page.get_by_role("heading", name="Could not be made")).to_be_visible()
    page.goto(f"/manage/packs/{job_id}")
    check()
    expect(page.get_by_role("status")).to_contain_text("The pack could not be made, even on a second try.")
    page.get_by_text("Technical details for your administrator").tap()
    expect(page.get_by_text("RuntimeError: layout exploded")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Try again").tap()
    expect(page).to_have_url(re.compile(r"/manage/packs/\d+$"))
    assert not page.url.endswith(f"/{job_id}")
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.get_by_role("link", name=re.compile(r"^Download the pack"))).to_be_visible()
    check()
