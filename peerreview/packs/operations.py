"""Writes for feedback packs: asking for one, trying again, noticing a worker that died, and
recording a download. One commit each; the queue is told only after the job row is committed."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.packs import jobs, tasks
from peerreview.packs.models import ACTIVE_STATES, MAX_ATTEMPTS, PackJob
from peerreview.packs.periods import Period

log = logging.getLogger(__name__)


def active_job(school_id: int, period: Period, language: str) -> PackJob | None:
    return db.session.scalar(
        select(PackJob).where(PackJob.school_id == school_id, PackJob.period_start == period.start,
                              PackJob.period_end == period.end, PackJob.language == language,
                              PackJob.status.in_(ACTIVE_STATES))
    )


def _enqueue(job: PackJob) -> None:
    """Hand the committed job to the queue. If the queue cannot be reached the job fails with a
    message (nothing else is lost)."""
    job_id = job.id
    try:
        tasks.queue_for().enqueue(job_id)
    except Exception as exc:
        log.exception("could not queue pack job %s", job_id)
        db.session.rollback()
        db.session.execute(
            update(PackJob).where(PackJob.id == job_id, PackJob.status == "queued")
            .values(status="failed", error=jobs.QUEUE_UNREACHABLE, error_detail=f"{type(exc).__name__}: {exc}"[:1000],
                    finished_at=jobs.utcnow())
        )
        db.session.commit()
    # In immediate mode the job has already run in a session of its own.
    db.session.expire(job)


def request_pack(school: School, period: Period, language: str, person) -> tuple[PackJob, bool]:
    """Queue a pack, or return the one already waiting or being made for the same school,
    period and language. Returns (job, created)."""
    existing = active_job(school.id, period, language)
    if existing is not None:
        return existing, False
    job = PackJob(school_id=school.id, period_start=period.start, period_end=period.end, language=language,
                  status="queued", progress=0, attempts=0, requested_by_id=getattr(person, "id", None),
                  requested_at=jobs.utcnow())
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone asked for the same pack at the same moment: the unique index let one through.
        db.session.rollback()
        existing = active_job(school.id, period, language)
        if existing is None:
            raise
        return existing, False
    _enqueue(job)
    return job, True


def retry(job: PackJob, person) -> tuple[PackJob, bool]:
    """Ask again for the same pack (after a failure, or for a fresh copy)."""
    return request_pack(job.school, Period(job.period_start, job.period_end), job.language, person)


def recover_stale(school_id: int | None = None, job_id: int | None = None) -> list[int]:
    """A running job that has not reported for PACK_STALE_MINUTES lost its worker: it is queued
    again once, or failed on its last try. A job waiting for Huey's retry that long is queued
    again. Called whenever someone looks at packs. Returns the ids it changed."""
    minutes = int(current_app.config.get("PACK_STALE_MINUTES", 5))
    now = jobs.utcnow()
    cutoff = now - timedelta(minutes=minutes)
    stmt = select(PackJob.id, PackJob.status, PackJob.attempts).where(
        (PackJob.status == "running") | ((PackJob.status == "queued") & (PackJob.attempts > 0)),
        PackJob.heartbeat_at < cutoff,
    )
    if school_id is not None:
        stmt = stmt.where(PackJob.school_id == school_id)
    if job_id is not None:
        stmt = stmt.where(PackJob.id == job_id)
    changed, to_queue = [], []
    for stale_id, status, attempts in db.session.execute(stmt).all():
        same = (PackJob.id == stale_id, PackJob.status == status, PackJob.attempts == attempts,
                PackJob.heartbeat_at < cutoff)
        if status == "running" and attempts >= MAX_ATTEMPTS:
            values = {"status": "failed", "error": jobs.WORKER_STOPPED, "finished_at": now, "progress": 0,
                      "error_detail": f"no progress reported for {minutes} minutes"}
        elif status == "running":
            values = {"status": "queued", "error": jobs.RESTARTED, "progress": 0,
                      "error_detail": f"no progress reported for {minutes} minutes"}
        else:
            values = {}
        result = db.session.execute(update(PackJob).where(*same).values(heartbeat_at=now, **values))
        if result.rowcount == 1:
            changed.append(stale_id)
            if values.get("status", "queued") == "queued":
                to_queue.append(stale_id)
    if changed:
        db.session.commit()
        for stale_id in to_queue:
            log.warning("pack job %s lost its worker; queued again", stale_id)
            _enqueue(db.session.get(PackJob, stale_id))
    return changed


def record_download(job: PackJob, person) -> None:
    school = job.school
    audit.record("pack.downloaded",
                 f"feedback pack {job.id} for {school.name} (URN {school.urn}), "
                 f"{job.period_start.isoformat()} to {job.period_end.isoformat()}, {job.language}",
                 actor=person, partnership_id=school.partnership_id)
    db.session.commit()
