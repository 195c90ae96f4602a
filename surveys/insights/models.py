"""Each free-text answer analysed once and stored: pages and packs read these rows and
never re-analyse. Nothing here is about the respondent: a row points only at the answer,
and holds the redacted text, the sentiment, the themes and the flags.

Flagged rows (safeguarding) also carry whether an administrator has passed them to the
school's designated safeguarding lead, and who did so (a member of staff, not the respondent).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.extensions import db

TEXT_KINDS = ("short_text", "long_text")
LABELS = ("positive", "neutral", "negative")


class CommentAnalysis(db.Model):
    __tablename__ = "comment_analysis"
    __table_args__ = (
        CheckConstraint("compound >= -1 AND compound <= 1", name="compound_in_range"),
        CheckConstraint(f"label IN {LABELS!r}", name="label_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    redacted: Mapped[str] = mapped_column(Text)
    compound: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(10))
    themes: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # True when flags holds "safeguarding": the queue finds its rows by an index, not by JSON.
    safeguarding: Mapped[bool] = mapped_column(default=False, index=True)
    version: Mapped[str] = mapped_column(String(40))  # the analyser's version when analysed
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    answer = relationship("Answer")
    reviewed_by = relationship("Person")
