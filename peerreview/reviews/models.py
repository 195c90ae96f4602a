"""Peer review rounds: the round and its rules, each host school's review, its team, the host's
preparation, each reviewer's own visit record (autosaved), and the report the host school owns.

States of a review: proposed (by the pairing, or added by hand) -> confirmed (the admin
published the round) -> in_progress (a reviewer started the visit record) -> submitted (the
lead submitted the report, which is then fixed) -> agreed (the host head agreed the next steps).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db, one_of

REVIEW_STATES = ("proposed", "confirmed", "in_progress", "submitted", "agreed")
ROUND_STATES = ("draft", "published")
# The evidence log's activities (DOMAIN.md: learning walks, lesson visits, book looks,
# meetings with leaders, staff and pupils, data).
ACTIVITIES = ("lesson_visit", "learning_walk", "book_look", "pupil_conversation",
              "staff_conversation", "leader_meeting", "data")
# Challenge Partners' four-point estimate; used only where the round turns estimates on.
ESTIMATES = ("leading", "effective", "working_towards", "ineffective")
RECORD_FIELDS = ("strengths", "areas", "estimate")
MAX_LINES_OF_ENQUIRY = 3
MAX_TEAM_SIZE = 6


class ReviewRound(db.Model):
    """A partnership's round of reviews, with the rules every team in it must keep."""

    __tablename__ = "review_round"
    __table_args__ = (
        CheckConstraint("window_end >= window_start", name="window_ordered"),
        CheckConstraint(f"team_min >= 1 AND team_max >= team_min AND team_max <= {MAX_TEAM_SIZE}",
                        name="team_size_sane"),
        CheckConstraint("max_reviews_per_reviewer >= 1", name="reviewer_load_positive"),
        CheckConstraint("max_distance_km IS NULL OR max_distance_km > 0", name="distance_positive"),
        CheckConstraint(one_of("status", ROUND_STATES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[date]
    window_end: Mapped[date]
    team_min: Mapped[int] = mapped_column(default=2)
    team_max: Mapped[int] = mapped_column(default=3)
    max_reviews_per_reviewer: Mapped[int] = mapped_column(default=2)
    max_distance_km: Mapped[int | None]
    allow_reciprocal: Mapped[bool] = mapped_column(default=False)
    exclude_same_cluster: Mapped[bool] = mapped_column(default=False)
    exclude_same_trust: Mapped[bool] = mapped_column(default=False)
    # The four-point estimate is off unless the partnership turns it on for the round.
    use_estimates: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    partnership: Mapped[Partnership] = relationship()
    reviews: Mapped[list[Review]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                 order_by="Review.id")


class Review(db.Model):
    """One host school's review in a round."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("round_id", "host_school_id", name="uq_review_round_host"),
        CheckConstraint(one_of("status", REVIEW_STATES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    host_school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    review_date: Mapped[date | None]
    # Why the pairing could not place this school ({"code", "detail"}), until it has a team.
    unplaced: Mapped[dict | None] = mapped_column(db.JSON)
    self_evaluation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    round: Mapped[ReviewRound] = relationship(back_populates="reviews")
    host: Mapped[School] = relationship()
    team: Mapped[list[TeamMember]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                  order_by="(TeamMember.is_lead.desc(), TeamMember.id)")
    lines: Mapped[list[LineOfEnquiry]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                      order_by="LineOfEnquiry.position")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                         order_by="Attachment.id")

    @property
    def lead(self) -> TeamMember | None:
        return next((m for m in self.team if m.is_lead), None)


class TeamMember(db.Model):
    """A reviewer on a review's team; ``reason`` says why the pairing chose them."""

    __tablename__ = "review_team_member"
    __table_args__ = (
        UniqueConstraint("review_id", "person_id", name="uq_review_team_member_person"),
        # Exactly one lead is the rules' job; at most one is the database's.
        Index("uq_review_team_member_one_lead", "review_id", unique=True,
              sqlite_where=text("is_lead"), postgresql_where=text("is_lead")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)
    distance_km: Mapped[float | None]
    # "proposed" (by the pairing) or "manual" (an admin's change).
    source: Mapped[str] = mapped_column(String(20), default="proposed")

    review: Mapped[Review] = relationship(back_populates="team")
    person: Mapped[Person] = relationship()


class ConflictOfInterest(db.Model):
    """A reviewer's declared conflict with a school: they are never sent to review it."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (UniqueConstraint("person_id", "school_id", name="uq_conflict_person_school"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    declared_at: Mapped[datetime] = mapped_column(server_default=func.now())

    person: Mapped[Person] = relationship()
    school: Mapped[School] = relationship()


class LineOfEnquiry(db.Model):
    """One of the host's one to three questions ("To what extent...?")."""

    __tablename__ = "line_of_enquiry"
    __table_args__ = (
        UniqueConstraint("review_id", "position", name="uq_line_of_enquiry_position"),
        CheckConstraint(f"position >= 0 AND position < {MAX_LINES_OF_ENQUIRY}", name="at_most_three"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[str] = mapped_column(Text)
    sip_priority: Mapped[str] = mapped_column(String(300))  # the school improvement plan priority
    context: Mapped[str] = mapped_column(Text, default="")
    evidence_wanted: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="lines")


class Attachment(db.Model):
    """A PDF the host shares with the team; the file lives under instance/, never static/."""

    __tablename__ = "review_attachment"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(server_default=func.now())

    review: Mapped[Review] = relationship(back_populates="attachments")


class ReviewerRecord(db.Model):
    """One reviewer's own record of the visit. Its parts carry versions for autosave."""

    __tablename__ = "reviewer_record"
    __table_args__ = (UniqueConstraint("review_id", "person_id", name="uq_reviewer_record_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    review: Mapped[Review] = relationship()
    person: Mapped[Person] = relationship()
    fields: Mapped[list[RecordField]] = relationship(back_populates="record", cascade="all, delete-orphan")
    evidence: Mapped[list[EvidenceEntry]] = relationship(back_populates="record", cascade="all, delete-orphan",
                                                         order_by="EvidenceEntry.id")


class RecordField(db.Model):
    """A finding for one line of enquiry: strengths, areas to explore, or the estimate."""

    __tablename__ = "record_field"
    __table_args__ = (
        UniqueConstraint("record_id", "line_id", "field", name="uq_record_field"),
        CheckConstraint(one_of("field", RECORD_FIELDS), name="field_known"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("reviewer_record.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line_of_enquiry.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    record: Mapped[ReviewerRecord] = relationship(back_populates="fields")


class EvidenceEntry(db.Model):
    """One line of the evidence log. ``client_id`` is made by the browser, so a retried save
    updates the same entry instead of adding a copy."""

    __tablename__ = "evidence_entry"
    __table_args__ = (
        UniqueConstraint("record_id", "client_id", name="uq_evidence_entry_client"),
        CheckConstraint(f"activity IS NULL OR {one_of('activity', ACTIVITIES)}", name="activity_known"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("reviewer_record.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("line_of_enquiry.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(36))
    activity: Mapped[str | None] = mapped_column(String(30))
    who: Mapped[str] = mapped_column(String(200), default="")
    host_partner: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str | None] = mapped_column(String(60))
    deleted: Mapped[bool] = mapped_column(default=False)  # kept, so a late save cannot bring it back
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    record: Mapped[ReviewerRecord] = relationship(back_populates="evidence")


class AutosaveReceipt(db.Model):
    """Each autosave the server has applied, by the id the browser gave it: a resend is a no-op."""

    __tablename__ = "autosave_receipt"

    record_id: Mapped[int] = mapped_column(ForeignKey("reviewer_record.id", ondelete="CASCADE"), primary_key=True)
    save_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ReviewReport(db.Model):
    """The lead reviewer's report. It belongs to the host school; fixed once submitted."""

    __tablename__ = "review_report"
    __table_args__ = (
        CheckConstraint("agreed_at IS NULL OR submitted_at IS NOT NULL", name="agreed_after_submitted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    head_reply: Mapped[str] = mapped_column(Text, default="")
    agreed_at: Mapped[datetime | None]
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    review: Mapped[Review] = relationship()
    findings: Mapped[list[ReportFinding]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                         order_by="ReportFinding.id")
    next_steps: Mapped[list[NextStep]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                      order_by="NextStep.position")


class ReportFinding(db.Model):
    """The report's findings for one line of enquiry."""

    __tablename__ = "report_finding"
    __table_args__ = (
        UniqueConstraint("report_id", "line_id", name="uq_report_finding_line"),
        CheckConstraint(f"estimate IS NULL OR {one_of('estimate', ESTIMATES)}", name="estimate_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("review_report.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line_of_enquiry.id", ondelete="CASCADE"))
    went_well: Mapped[str] = mapped_column(Text, default="")
    even_better_if: Mapped[str] = mapped_column(Text, default="")
    estimate: Mapped[str | None] = mapped_column(String(20))

    report: Mapped[ReviewReport] = relationship(back_populates="findings")
    line: Mapped[LineOfEnquiry] = relationship()


class NextStep(db.Model):
    """An agreed action: what, who owns it, by when."""

    __tablename__ = "next_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("review_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_on: Mapped[date | None]

    report: Mapped[ReviewReport] = relationship(back_populates="next_steps")


class ReportShare(db.Model):
    """Someone the host head has shared the report with."""

    __tablename__ = "report_share"

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime] = mapped_column(server_default=func.now())

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
