"""Pack generation as background jobs: one job per request however many clicks, progress and the
stored pack, a try that fails retried once then failed with a message, a worker that died noticed
when someone looks, "out of date" once new data arrives, downloads recorded in the audit log.

Jobs run in Huey's immediate mode (TestingConfig), or by hand from a recording queue when a
test needs a job to stay waiting. The renderer is a fake here (tests/packs/test_pack_*.py cover
the real one; the browser test uses it too)."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.packs import jobs, operations, tasks
from peerreview.packs.freshness import data_fingerprint
from peerreview.packs.models import PackJob
from peerreview.packs.periods import LAST_TWELVE_MONTHS, from_key, school_year
from peerreview.packs.render import default_period
from peerreview.reviews.models import Review, ReviewReport, ReviewRound
from surveys.models import SurveyResponse
from tests.conftest import get_token, sign_in
from tests.packs.jobs_world import (
    FAKE_PDF,
    TODAY,
    FakeRender,
    build,
    closed_visit,
    use_recording_queue,
)
from tests.packs.pack_helpers import staff_run


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


@pytest.fixture
def fake_render(monkeypatch):
    fake = FakeRender()
    monkeypatch.setattr("peerreview.packs.render.render_pack", fake)
    return fake


@pytest.fixture
def w(world):
    return build(world)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def generate(client, school, period=LAST_TWELVE_MONTHS, language="en", token=None):
    token = token or get_token(client, f"/manage/packs/schools/{school.id}")
    return client.post(f"/manage/packs/schools/{school.id}/generate",
                       data={"csrf_token": token, "period": period, "language": language})


def job_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(re.search(r"/manage/packs/(\d+)$", response.headers["Location"]).group(1))


def jobs_count() -> int:
    return db.session.scalar(select(func.count(PackJob.id)))


# --- the journey ------------------------------------------------------------------------------


def test_generate_runs_the_job_reports_progress_and_stores_the_pack(app, client, w, fake_render):
    sign_in(client, w.head.email)
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Feedback packs" in page and "Ash Primary" in page
    assert "No packs have been made for this school yet." in page
    assert "The 12 months to today (10 March 2026 to 10 March 2027)" in page
    assert "School year 2026 to 2027" in page and "School year 2024 to 2025" in page

    job_id = job_id_of(generate(client, w.ash, period="2026", language="cy"))
    job = db.session.get(PackJob, job_id)
    assert job.status == "done" and job.progress == 100 and job.attempts == 1
    assert (job.period_start, job.period_end, job.language) == (date(2026, 9, 1), date(2027, 8, 31), "cy")
    assert job.requested_by_id == w.head.id and job.heartbeat_at and job.finished_at
    assert fake_render.calls == [(w.ash.id, date(2026, 9, 1), date(2027, 8, 31), "cy")]
    assert fake_render.progress_seen == [0, 20, 50, 85, 100]
    assert jobs.stored_path(job).read_bytes() == FAKE_PDF and job.size_bytes == len(FAKE_PDF)
    assert job.data_fingerprint == data_fingerprint(w.ash, job.period_start, job.period_end, TODAY)

    page = text_of(client.get(f"/manage/packs/{job_id}"))
    assert "The pack is ready." in page
    assert f'href="/manage/packs/{job_id}/download"' in page
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page and 'aria-live="polite"' in page

    status = client.get(f"/manage/packs/{job_id}/status").get_json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_url"] == f"/manage/packs/{job_id}/download"

    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Stored packs" in page and "School year 2026 to 2027" in page and "Cymraeg" in page
    assert "Up to date" in page and "Out of date" not in page


def test_the_json_shows_a_job_under_way(app, client, w, monkeypatch):
    queue = use_recording_queue(app, monkeypatch)
    sign_in(client, w.head.email)
    job_id = job_id_of(generate(client, w.ash))
    assert queue.ids == [job_id]
    status = client.get(f"/manage/packs/{job_id}/status").get_json()
    assert status == {"status": "queued", "status_label": "Waiting to start", "status_colour": "grey", "progress": 0,
                      "progress_text": "0% done", "message": "Waiting for a worker to start it.", "note": "",
                      "download_url": None}
    page = text_of(client.get(f"/manage/packs/{job_id}"))
    assert 'aria-valuenow="0"' in page and "Check progress again" in page
    assert f'href="/manage/packs/{job_id}/download"' in page  # present for the page's script, but hidden
    assert client.get(f"/manage/packs/{job_id}/download").status_code == 409
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Being made now" in page and "See its progress" in page

    # A worker takes it and reports 40%.
    jobs._claim(job_id)
    jobs.ProgressReporter(job_id, attempt=1)(40)
    status = client.get(f"/manage/packs/{job_id}/status").get_json()
    assert (status["status"], status["progress"], status["progress_text"]) == ("running", 40, "40% done")
    assert status["message"] == "Being made." and status["download_url"] is None
    page = text_of(client.get(f"/manage/packs/{job_id}"))
    assert 'aria-valuenow="40"' in page and 'aria-valuetext="40% done"' in page and "Being made" in page


# --- one job however many clicks ----------------------------------------------------------------


def test_two_requests_for_the_same_pack_give_one_job(app, w, monkeypatch):
    queue = use_recording_queue(app, monkeypatch)
    period = from_key("2026", TODAY)
    first, created_first = operations.request_pack(w.ash, period, "en", w.head)
    second, created_second = operations.request_pack(w.ash, period, "en", w.admin)
    assert first.id == second.id and (created_first, created_second) == (True, False)
    assert queue.ids == [first.id] and jobs_count() == 1
    # Another language or period, or another school, is another job.
    other, created = operations.request_pack(w.ash, period, "cy", w.head)
    assert created and other.id != first.id
    assert operations.request_pack(w.birch, period, "en", w.admin)[1]
    assert operations.request_pack(w.ash, school_year(2025), "en", w.head)[1]
    assert jobs_count() == 4


def test_two_generate_clicks_give_one_job(app, client, w, monkeypatch):
    queue = use_recording_queue(app, monkeypatch)
    sign_in(client, w.head.email)
    token = get_token(client, f"/manage/packs/schools/{w.ash.id}")
    first = job_id_of(generate(client, w.ash, token=token))
    second = job_id_of(generate(client, w.ash, token=token))
    assert first == second and queue.ids == [first] and jobs_count() == 1


def test_a_request_racing_another_gets_the_job_the_database_let_through(app, w, monkeypatch):
    """Both requests looked, found nothing and inserted: the partial unique index lets one row in,
    and the loser is handed the winner's job."""
    queue = use_recording_queue(app, monkeypatch)
    period = from_key("2026", TODAY)
    winner = PackJob(school_id=w.ash.id, period_start=period.start, period_end=period.end, language="en",
                     status="queued", requested_at=jobs.utcnow())
    db.session.add(winner)
    db.session.commit()
    real_lookup = operations.active_job
    looks = []

    def look_too_early(*args):
        looks.append(args)
        return None if len(looks) == 1 else real_lookup(*args)

    monkeypatch.setattr(operations, "active_job", look_too_early)
    job, created = operations.request_pack(w.ash, period, "en", w.admin)
    assert job.id == winner.id and not created and queue.ids == [] and jobs_count() == 1


def test_the_database_allows_one_active_job_per_school_period_and_language(w):
    period = school_year(2026)

    def row(status, language="en"):
        return PackJob(school_id=w.ash.id, period_start=period.start, period_end=period.end, language=language,
                       status=status, stored_name=f"{status}{jobs_count()}.pdf" if status == "done" else None,
                       size_bytes=10 if status == "done" else None, requested_at=jobs.utcnow())

    db.session.add_all([row("done"), row("failed"), row("queued")])
    db.session.commit()
    db.session.add_all([row("done"), row("queued", "cy")])
    db.session.commit()  # finished jobs do not count, nor another language
    for status in ("queued", "running"):
        db.session.add(row(status))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    db.session.add(PackJob(school_id=w.ash.id, period_start=period.start, period_end=period.end, language="fr",
                           status="queued", requested_at=jobs.utcnow()))
    with pytest.raises(IntegrityError):  # the check constraints hold too
        db.session.commit()
    db.session.rollback()


# --- failures ---------------------------------------------------------------------------------


def test_a_render_that_raises_is_retried_once_then_failed_with_a_message(app, client, w, monkeypatch):
    failing = FakeRender(fail=2)
    monkeypatch.setattr("peerreview.packs.render.render_pack", failing)
    sign_in(client, w.head.email)
    job_id = job_id_of(generate(client, w.ash))
    job = db.session.get(PackJob, job_id)
    assert len(failing.calls) == 2 and job.attempts == 2
    assert job.status == "failed" and job.error == jobs.RENDER_FAILED and job.finished_at
    assert job.stored_name is None and "RuntimeError: layout exploded" in job.error_detail

    page = text_of(client.get(f"/manage/packs/{job_id}"))
    assert "The pack could not be made, even on a second try." in page
    assert "RuntimeError: layout exploded" in page  # in the details for an administrator
    assert f'action="/manage/packs/{job_id}/retry"' in page
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Could not be made" in page and "Try again" in page
    assert client.get(f"/manage/packs/{job_id}/status").get_json()["status"] == "failed"

    # Try again: a new job, which works this time.
    response = client.post(f"/manage/packs/{job_id}/retry", data={"csrf_token": get_token(client, "/")})
    new_id = job_id_of(response)
    assert new_id != job_id and db.session.get(PackJob, new_id).status == "done"
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Could not be made" not in page  # the newer pack replaced the failure


def test_a_first_try_that_fails_is_retried_and_can_still_succeed(app, client, w, monkeypatch):
    flaky = FakeRender(fail=1)
    monkeypatch.setattr("peerreview.packs.render.render_pack", flaky)
    sign_in(client, w.head.email)
    job = db.session.get(PackJob, job_id_of(generate(client, w.ash)))
    assert job.status == "done" and job.attempts == 2 and len(flaky.calls) == 2
    assert job.error == "" and jobs.stored_path(job) is not None


def test_a_renderer_that_returns_something_other_than_a_pdf_fails_the_job(app, client, w, monkeypatch):
    monkeypatch.setattr("peerreview.packs.render.render_pack", lambda *a, **k: b"<html>not a pdf</html>")
    sign_in(client, w.head.email)
    job = db.session.get(PackJob, job_id_of(generate(client, w.ash)))
    assert job.status == "failed" and "did not return a PDF" in job.error_detail


def test_a_queue_that_cannot_be_reached_fails_the_job_with_a_message_not_an_error(app, client, w, monkeypatch):
    use_recording_queue(app, monkeypatch, fail_with=ConnectionError("redis is down"))
    sign_in(client, w.head.email)
    job_id = job_id_of(generate(client, w.ash))
    job = db.session.get(PackJob, job_id)
    assert job.status == "failed" and job.error == jobs.QUEUE_UNREACHABLE
    assert "could not be sent to the worker" in text_of(client.get(f"/manage/packs/{job_id}"))


def _running(school, attempts: int, minutes_ago: int) -> PackJob:
    period = school_year(2026)
    beat = jobs.utcnow() - timedelta(minutes=minutes_ago)
    job = PackJob(school_id=school.id, period_start=period.start, period_end=period.end, language="en",
                  status="running", attempts=attempts, progress=40, heartbeat_at=beat, started_at=beat,
                  requested_at=beat)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_running_job_whose_worker_died_is_started_again_once_when_someone_looks(app, client, w, monkeypatch):
    queue = use_recording_queue(app, monkeypatch)
    job = _running(w.ash, attempts=1, minutes_ago=app.config["PACK_STALE_MINUTES"] + 1)
    recent = _running(w.birch, attempts=1, minutes_ago=1)  # still reporting: left alone
    sign_in(client, w.head.email)
    page = text_of(client.get(f"/manage/packs/{job.id}"))
    assert "The worker making this pack stopped part way, so the pack has been started again." in page
    db.session.refresh(job)
    assert job.status == "queued" and job.progress == 0 and job.error == jobs.RESTARTED
    assert queue.ids == [job.id]
    db.session.refresh(recent)
    assert recent.status == "running"

    # The worker that was given up for comes back: its progress no longer counts, it stops.
    with pytest.raises(jobs.Superseded):
        jobs.ProgressReporter(job.id, attempt=1)(90)

    # A worker takes the job again and finishes it (the fake renderer).
    fake = FakeRender()
    monkeypatch.setattr("peerreview.packs.render.render_pack", fake)
    jobs.run_job(job.id)
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 2


def test_a_job_whose_worker_died_on_its_last_try_is_failed_and_the_page_says_so(app, client, w, monkeypatch):
    queue = use_recording_queue(app, monkeypatch)
    job = _running(w.ash, attempts=2, minutes_ago=app.config["PACK_STALE_MINUTES"] + 1)
    sign_in(client, w.admin.email)
    status = client.get(f"/manage/packs/{job.id}/status").get_json()
    assert status["status"] == "failed"
    assert "stopped part way, and it had already been tried twice" in status["message"]
    assert queue.ids == []
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Could not be made" in page and "stopped part way" in page


def test_a_job_no_worker_has_started_says_so_after_a_while(app, client, w, monkeypatch):
    use_recording_queue(app, monkeypatch)
    sign_in(client, w.head.email)
    job_id = job_id_of(generate(client, w.ash))
    job = db.session.get(PackJob, job_id)
    job.requested_at = jobs.utcnow() - timedelta(minutes=app.config["PACK_STALE_MINUTES"] + 1)
    db.session.commit()
    page = text_of(client.get(f"/manage/packs/{job_id}"))
    assert "No worker has started this pack yet" in page
    assert db.session.get(PackJob, job_id).status == "queued"  # it may still start: not failed


def test_a_job_that_is_not_waiting_is_not_run_twice(app, w, fake_render):
    period = school_year(2026)
    job, _created = operations.request_pack(w.ash, period, "en", w.head)
    assert job.status == "done" and len(fake_render.calls) == 1
    jobs.run_job(job.id)  # a duplicate message for the same job
    jobs.run_job(987654)  # a job that is gone
    assert len(fake_render.calls) == 1


# --- out of date ------------------------------------------------------------------------------


def test_a_pack_is_out_of_date_once_new_data_arrives(app, client, w, fake_render):
    closed_visit(w.ash, date(2026, 11, 5))
    sign_in(client, w.head.email)
    job_id_of(generate(client, w.ash, period="2026"))
    job_id_of(generate(client, w.ash, period="2025"))
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    assert "Out of date" not in page

    # A new closed visit in 2026 to 2027: that year's pack is out of date, 2025 to 2026's is not.
    closed_visit(w.ash, date(2027, 2, 3), children=5)
    page = text_of(client.get(f"/manage/packs/schools/{w.ash.id}"))
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.DOTALL)
    by_period = {("2026 to 2027" in r, "2025 to 2026" in r): r for r in rows[1:]}
    assert "Out of date" in by_period[(True, False)]
    assert "Up to date" in by_period[(False, True)]

    # Another school's new data does not touch Ash's packs.
    job_id_of(generate(client, w.ash, period="2026"))
    closed_visit(w.birch, date(2027, 2, 4))
    assert "Out of date</strong>" not in text_of(client.get(f"/manage/packs/schools/{w.ash.id}")).split("2025 to 2026")[0]


def test_the_fingerprint_follows_the_data_a_pack_is_built_from(w, monkeypatch):
    period = school_year(2026)
    day = {"today": TODAY}

    def fp():
        return data_fingerprint(w.ash, period.start, period.end, day["today"])

    start = fp()
    assert fp() == start  # stable

    # Pupil visits: a closed one in the period counts, and so does a change to it.
    visit = closed_visit(w.ash, date(2026, 10, 1), children=2)
    after_visit = fp()
    assert after_visit != start
    closed_visit(w.ash, date(2025, 10, 1))  # before the period
    planned = closed_visit(w.ash, date(2027, 5, 1), children=0)
    planned.status = "planned"  # not in a pack until it is closed
    db.session.commit()
    assert fp() == after_visit
    visit.focus_title = "Our maths walls"
    db.session.commit()
    after_focus = fp()
    assert after_focus != after_visit

    # Peer reviews: only a reported one; then any change to its report.
    review_round = ReviewRound(partnership_id=w.p.id, name="Autumn reviews", window_start=date(2026, 10, 1),
                               window_end=date(2026, 12, 1), status="published")
    review = Review(round=review_round, host_school_id=w.ash.id, status="confirmed", review_date=date(2026, 11, 3))
    db.session.add(review)
    db.session.commit()
    assert fp() == after_focus
    review.status = "submitted"
    report = ReviewReport(review=review, summary="Reading is a strength.", submitted_at=datetime(2026, 11, 6, 16))
    db.session.add(report)
    db.session.commit()
    reported = fp()
    assert reported != after_focus
    report.head_reply = "We agree, and we will share our approach."
    db.session.commit()
    assert fp() != reported

    # Surveys: a run closing in the period counts once its results are released.
    before_run = fp()
    run = staff_run(w.p, {w.ash: 6, w.birch: 6}, opens_on=date(2027, 2, 1), closes_on=date(2027, 3, 20))
    with_run = fp()
    assert with_run != before_run  # there is a run, not released yet
    db.session.add(SurveyResponse(run_id=run.id, version_id=run.version_id, school_id=w.ash.id,
                                  submitted_on=date(2027, 3, 12)))
    db.session.commit()
    assert fp() == with_run  # responses to an open run do not show in any pack
    day["today"] = date(2027, 3, 21)
    released = fp()
    assert released != with_run
    db.session.add(SurveyResponse(run_id=run.id, version_id=run.version_id, school_id=w.ash.id,
                                  submitted_on=date(2027, 3, 20)))
    db.session.commit()
    assert fp() != released


# --- downloads ----------------------------------------------------------------------------------


def test_a_download_is_the_pdf_and_is_recorded_in_the_audit_log(app, client, w, fake_render):
    sign_in(client, w.head.email)
    job_id = job_id_of(generate(client, w.ash, period="2026", language="cy"))
    response = client.get(f"/manage/packs/{job_id}/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == FAKE_PDF
    assert 'attachment; filename=feedback-pack-' in response.headers["Content-Disposition"]
    assert f"-{w.ash.urn}-2026-27-cy.pdf" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pack.downloaded")))
    assert len(events) == 1
    assert events[0].actor_id == w.head.id and events[0].partnership_id == w.p.id
    assert "Ash Primary" in events[0].detail and "2026-09-01 to 2027-08-31" in events[0].detail

    admin = app.test_client()
    sign_in(admin, w.admin.email)
    assert admin.get(f"/manage/packs/{job_id}/download").status_code == 200
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "pack.downloaded")) == 2
    assert "Feedback pack downloaded" in text_of(admin.get("/manage/audit"))


def test_a_pack_whose_file_is_gone_is_a_clear_404(app, client, w, fake_render):
    sign_in(client, w.head.email)
    job_id = job_id_of(generate(client, w.ash))
    jobs.stored_path(db.session.get(PackJob, job_id)).unlink()
    response = client.get(f"/manage/packs/{job_id}/download")
    assert response.status_code == 404
    assert "no longer kept" in text_of(response)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("period, language, message", [
    ("1999", "en", "Choose one of the periods shown"),
    ("", "en", "Choose the period the pack covers"),
    (LAST_TWELVE_MONTHS, "fr", "Choose English or Welsh"),
    (LAST_TWELVE_MONTHS, "", "Choose English or Welsh"),
])
def test_a_generate_form_with_bad_input_says_what_is_wrong(app, client, w, fake_render, period, language, message):
    sign_in(client, w.head.email)
    response = generate(client, w.ash, period=period, language=language)
    assert response.status_code == 400
    assert message in text_of(response) and "There is a problem" in text_of(response)
    assert jobs_count() == 0


def test_posts_without_a_csrf_token_are_refused(app, client, w, fake_render):
    sign_in(client, w.head.email)
    response = client.post(f"/manage/packs/schools/{w.ash.id}/generate",
                           data={"period": LAST_TWELVE_MONTHS, "language": "en"})
    assert response.status_code == 400 and jobs_count() == 0
    job_id = job_id_of(generate(client, w.ash))
    assert client.post(f"/manage/packs/{job_id}/retry").status_code == 400
    assert jobs_count() == 1


def test_the_forms_default_is_the_twelve_months_to_today_in_the_pages_language(app, client, w, fake_render):
    sign_in(client, w.head.email)
    page = client.get(f"/manage/packs/schools/{w.ash.id}").get_data(as_text=True)
    assert re.search(r'value="last-12-months"\s+checked', page) or re.search(r'checked[^>]*value="last-12-months"', page)
    assert re.search(r'value="en"\s+checked', page) or re.search(r'checked[^>]*value="en"', page)
    job = db.session.get(PackJob, job_id_of(generate(client, w.ash)))
    assert (job.period_start, job.period_end) == (TODAY - timedelta(days=365), TODAY)
    assert (job.period_start, job.period_end) == default_period(TODAY)  # what render-pack makes by default


# --- the real queue -------------------------------------------------------------------------------


def test_the_sqlite_queue_carries_a_job_to_a_worker_and_a_failed_try_back_for_one_more(app, w, tmp_path, monkeypatch):
    """Huey on a SQLite file, as in production, with the worker's steps taken by hand: the job
    goes through the file, a try that fails is put back in the file once, the second failure is final."""
    queue = tasks.make_queue(app, filename=str(tmp_path / "huey.db"), immediate=False)
    monkeypatch.setitem(app.extensions, tasks.EXTENSION_KEY, queue)
    failing = FakeRender(fail=5)
    monkeypatch.setattr("peerreview.packs.render.render_pack", failing)
    job, _created = operations.request_pack(w.ash, school_year(2026), "en", w.head)
    assert db.session.get(PackJob, job.id).status == "queued" and queue.huey.pending_count() == 1

    def work_one():
        message = queue.huey.dequeue()
        assert message is not None
        queue.huey.execute(message)
        db.session.expire_all()

    work_one()
    assert (job.status, job.attempts, job.error) == ("queued", 1, jobs.RETRYING)
    assert queue.huey.pending_count() == 1  # back in the queue for its one retry
    work_one()
    assert (job.status, job.attempts, job.error) == ("failed", 2, jobs.RENDER_FAILED)
    assert queue.huey.pending_count() == 0 and len(failing.calls) == 2


def test_redis_without_its_package_is_a_clear_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "HUEY_REDIS_URL", "redis://127.0.0.1:6399/0")
    monkeypatch.setitem(__import__("sys").modules, "redis", None)  # as if not installed
    with pytest.raises(RuntimeError, match="redis package is not installed"):
        tasks.make_queue(app)


def test_the_worker_command_refuses_to_run_when_jobs_run_inside_requests(app):
    result = app.test_cli_runner().invoke(args=["pack-worker"])
    assert result.exit_code != 0 and "HUEY_IMMEDIATE is set" in result.output
