"""Reads for the packs pages: a school's stored packs (with "out of date"), its jobs under way or
failed, one job's progress for the polling page, and the schools list for admins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.packs import jobs
from peerreview.packs.freshness import data_fingerprint
from peerreview.packs.models import ACTIVE_STATES, PackJob
from peerreview.packs.periods import Period

STORED_SHOWN = 20  # newest first; each distinct period costs one fingerprint (about 20 ms for the demo school)


@dataclass
class StoredPack:
    job: PackJob
    period: Period
    out_of_date: bool


@dataclass
class SchoolPacks:
    stored: list[StoredPack]
    under_way: list[PackJob]
    failed: list[PackJob]  # the latest try for its period and language, if it failed


def period_of(job: PackJob) -> Period:
    return Period(job.period_start, job.period_end)


def school_packs(school: School, today: date) -> SchoolPacks:
    rows = list(db.session.scalars(
        select(PackJob).where(PackJob.school_id == school.id)
        .order_by(PackJob.requested_at.desc(), PackJob.id.desc())
    ))
    fingerprints: dict[Period, str] = {}
    stored, under_way, failed, seen = [], [], [], set()
    for job in rows:
        key = (job.period_start, job.period_end, job.language)
        if job.status in ACTIVE_STATES:
            under_way.append(job)
        elif job.status == "failed" and key not in seen:
            failed.append(job)
        elif job.status == "done" and len(stored) < STORED_SHOWN:
            period = period_of(job)
            if period not in fingerprints:
                fingerprints[period] = data_fingerprint(school, period.start, period.end, today)
            stored.append(StoredPack(job, period, job.data_fingerprint != fingerprints[period]))
        seen.add(key)
    return SchoolPacks(stored, under_way, failed)


def waiting_too_long(job: PackJob) -> bool:
    """Queued, never started, for longer than a worker would take to pick it up."""
    minutes = int(current_app.config.get("PACK_STALE_MINUTES", 5))
    return (job.status == "queued" and job.attempts == 0 and job.requested_at is not None
            and job.requested_at < jobs.utcnow() - timedelta(minutes=minutes))


def latest_done(school_ids: list[int]) -> dict[int, PackJob]:
    """Each school's newest stored pack."""
    if not school_ids:
        return {}
    newest = (select(PackJob.school_id, func.max(PackJob.id).label("id"))
              .where(PackJob.school_id.in_(school_ids), PackJob.status == "done")
              .group_by(PackJob.school_id).subquery())
    rows = db.session.scalars(select(PackJob).join(newest, PackJob.id == newest.c.id))
    return {job.school_id: job for job in rows}
