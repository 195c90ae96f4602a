"""The worker's side of a pack job: claim it, render with progress, store the PDF, or record why not.

Every change to the job row is a conditional update on (id, status, attempts), so a worker that
was given up for dead (see ``operations.recover_stale``) and comes back cannot overwrite the try
that replaced it: its progress reports find no row to update and it stops (``Superseded``).
Progress is written on its own short connection, so the render's own reads are never committed
away under it.
"""
from __future__ import annotations

import logging
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from peerreview.core import clock
from peerreview.extensions import db
from peerreview.packs.freshness import data_fingerprint
from peerreview.packs.models import MAX_ATTEMPTS, PackJob

log = logging.getLogger(__name__)

# Why a try did not finish, stored in PackJob.error and worded for people in views.ERRORS.
RETRYING = "retrying"  # this try failed; Huey tries once more
RENDER_FAILED = "render_failed"  # the last try failed
RESTARTED = "restarted"  # the worker stopped part way; started again
WORKER_STOPPED = "worker_stopped"  # the worker stopped part way on the last try
QUEUE_UNREACHABLE = "queue_unreachable"  # the job could not be handed to the queue
HEARTBEAT_EVERY_S = 5.0  # a try that reports the same percentage still beats at least this often


class Superseded(Exception):
    """This try is no longer the job's current one; stop quietly."""


class TryAgain(Exception):
    """Raised to Huey so it runs the task once more."""


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def pack_dir() -> Path:
    folder = Path(current_app.config.get("PACK_STORE_DIR") or Path(current_app.instance_path) / "packs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(job: PackJob) -> Path | None:
    """The job's PDF on disk, or None when it has none (or the name is not one of ours)."""
    name = job.stored_name or ""
    if not name.endswith(".pdf") or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = pack_dir() / name
    return path if path.is_file() else None


def _store(pdf: bytes) -> str:
    folder = pack_dir()
    name = f"{secrets.token_hex(16)}.pdf"
    partial = folder / f".{name}.part"
    with open(partial, "wb") as out:
        out.write(pdf)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, folder / name)
    return name


def _this_try(job_id: int, attempt: int):
    return (PackJob.id == job_id, PackJob.status == "running", PackJob.attempts == attempt)


class ProgressReporter:
    """The progress callback handed to the renderer: 0..100, written with a heartbeat."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.last_percent = 0
        self.last_write = time.monotonic()

    def __call__(self, percent) -> None:
        try:
            percent = max(0, min(100, int(percent)))
        except (TypeError, ValueError):
            return
        now = time.monotonic()
        if percent <= self.last_percent and now - self.last_write < HEARTBEAT_EVERY_S:
            return
        percent = max(percent, self.last_percent)  # the bar never goes backwards
        with db.engine.begin() as conn:
            result = conn.execute(update(PackJob).where(*_this_try(self.job_id, self.attempt))
                                  .values(progress=percent, heartbeat_at=utcnow()))
        if result.rowcount != 1:
            raise Superseded()
        self.last_percent, self.last_write = percent, now


def _claim(job_id: int) -> int | None:
    """Queued -> running, counting the try. None when the job is not waiting (done, failed,
    taken by another worker, or gone)."""
    now = utcnow()
    result = db.session.execute(
        update(PackJob).where(PackJob.id == job_id, PackJob.status == "queued")
        .values(status="running", attempts=PackJob.attempts + 1, progress=0, started_at=now, heartbeat_at=now)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.scalar(select(PackJob.attempts).where(PackJob.id == job_id))


def run_job(job_id: int) -> None:
    attempt = _claim(job_id)
    if attempt is None:
        log.info("pack job %s is not waiting; nothing to do", job_id)
        return
    job = db.session.get(PackJob, job_id)
    stored = None
    try:
        from peerreview.packs.render import render_pack

        fingerprint = data_fingerprint(job.school, job.period_start, job.period_end, clock.today())
        pdf = render_pack(job.school, job.period_start, job.period_end, job.language,
                          progress=ProgressReporter(job_id, attempt))
        if not isinstance(pdf, (bytes, bytearray)) or not bytes(pdf[:5]) == b"%PDF-":
            raise ValueError("the renderer did not return a PDF")
        stored = _store(bytes(pdf))
        db.session.rollback()  # end the render's reads before writing
        result = db.session.execute(
            update(PackJob).where(*_this_try(job_id, attempt))
            .values(status="done", progress=100, stored_name=stored, size_bytes=len(pdf),
                    data_fingerprint=fingerprint, finished_at=utcnow(), heartbeat_at=utcnow(),
                    error="", error_detail="")
        )
        db.session.commit()
        if result.rowcount != 1:
            raise Superseded()
        log.info("pack job %s done: %s bytes", job_id, len(pdf))
    except Superseded:
        db.session.rollback()
        if stored:
            (pack_dir() / stored).unlink(missing_ok=True)
        log.warning("pack job %s try %s was replaced by another; stopped", job_id, attempt)
    except Exception as exc:
        db.session.rollback()
        if stored:
            (pack_dir() / stored).unlink(missing_ok=True)
        final = attempt >= MAX_ATTEMPTS
        log.exception("pack job %s try %s failed%s", job_id, attempt, "" if final else "; retrying")
        detail = f"{type(exc).__name__}: {exc}"[:1000]
        result = db.session.execute(
            update(PackJob).where(*_this_try(job_id, attempt))
            .values(status="failed" if final else "queued", progress=0, heartbeat_at=utcnow(),
                    error=RENDER_FAILED if final else RETRYING, error_detail=detail,
                    finished_at=utcnow() if final else None)
        )
        db.session.commit()
        if not final and result.rowcount == 1:
            raise TryAgain(detail) from exc
