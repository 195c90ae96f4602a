"""Feedback pack jobs and the packs they store.

One row is one request to make a school's pack for a period in a language. A worker (Huey)
picks it up, reports its progress here and, when it is done, stores the PDF under
``instance/packs/`` and records its name, size and the school's data fingerprint at the time,
so a pack is shown as out of date once new data arrives. Done rows are the stored packs.

At most one job per school, period and language is waiting or running at a time: a partial
unique index enforces it, so two "Generate" clicks at the same moment give one job.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import School
from peerreview.extensions import db, one_of

JOB_STATES = ("queued", "running", "done", "failed")
ACTIVE_STATES = ("queued", "running")
PACK_LANGUAGES = ("en", "cy")
MAX_ATTEMPTS = 2  # the first try and one retry


_ACTIVE = one_of("status", ACTIVE_STATES)


class PackJob(db.Model):
    __tablename__ = "pack_job"
    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATES), name="status_known"),
        CheckConstraint(one_of("language", PACK_LANGUAGES), name="language_known"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status != 'done' OR (stored_name IS NOT NULL AND size_bytes IS NOT NULL)",
                        name="done_has_file"),
        # One waiting or running job per school, period and language.
        Index("uq_pack_job_one_active", "school_id", "period_start", "period_end", "language", unique=True,
              sqlite_where=text(_ACTIVE), postgresql_where=text(_ACTIVE)),
        Index("ix_pack_job_school_status", "school_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    language: Mapped[str] = mapped_column(String(2), default="en")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    # What the person who asked sees when a try failed (the last one's), and the technical detail.
    error: Mapped[str] = mapped_column(Text, default="")
    error_detail: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The PDF's file name under instance/packs/ (a random name), once done.
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int | None]
    # The school's data fingerprint when the pack was made (peerreview.packs.freshness).
    data_fingerprint: Mapped[str | None] = mapped_column(String(64))

    school: Mapped[School] = relationship()
    requested_by: Mapped[Person | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATES
