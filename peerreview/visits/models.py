"""Pupil learning visits (the Kyra Kids Council model): pupils from several schools visit a host
school, look at the focus its head chose, and each child's feedback goes to that head.

Children's data is kept to what the visit needs: a first name and a year group, nothing
more (no surname, date of birth or photo), and the first names are deleted a set number of
days after the visit (``flask delete-pupil-names``), leaving the feedback anonymous.
Feedback sessions use a short code stored only as a keyed hash, as survey codes are.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db, one_of

VISIT_STATES = ("planned", "open", "closed")
# Year groups as schools name them: Reception is 0, then Years 1 to 13.
MIN_YEAR_GROUP, MAX_YEAR_GROUP = 0, 13
MIN_PROMPTS, MAX_PROMPTS = 3, 6
LIKE_ANSWERS = ("yes", "maybe", "no")


class PupilVisit(db.Model):
    """A visit by a council of pupils to a host school, on the focus its head chose."""

    __tablename__ = "pupil_visit"
    __table_args__ = (
        CheckConstraint(one_of("status", VISIT_STATES), name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    host_school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    visit_date: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    # A key from the focus bank (peerreview.visits.focus), or None for the head's own focus.
    focus_key: Mapped[str | None] = mapped_column(String(40))
    focus_title: Mapped[str] = mapped_column(String(200), default="")
    focus_detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    names_deleted_at: Mapped[datetime | None]
    thank_you: Mapped[str] = mapped_column(Text, default="")
    thank_you_sent_at: Mapped[datetime | None]

    partnership: Mapped[Partnership] = relationship()
    host: Mapped[School] = relationship()
    prompts: Mapped[list[VisitPrompt]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                      order_by="VisitPrompt.position")
    visiting_schools: Mapped[list[VisitingSchool]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                                  order_by="VisitingSchool.id")
    pupils: Mapped[list[VisitPupil]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                    order_by="(VisitPupil.first_name, VisitPupil.id)")
    adults: Mapped[list[VisitAdult]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                    order_by="VisitAdult.id")
    sessions: Mapped[list[FeedbackSession]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                           order_by="FeedbackSession.id")


class VisitPrompt(db.Model):
    """One of the three to six child-friendly prompts the host head wrote."""

    __tablename__ = "visit_prompt"
    __table_args__ = (
        UniqueConstraint("visit_id", "position", name="uq_visit_prompt_position"),
        CheckConstraint(f"position >= 0 AND position < {MAX_PROMPTS}", name="at_most_six"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text_en: Mapped[str] = mapped_column(String(200))
    text_cy: Mapped[str | None] = mapped_column(String(200))

    visit: Mapped[PupilVisit] = relationship(back_populates="prompts")


class VisitingSchool(db.Model):
    __tablename__ = "visiting_school"
    __table_args__ = (UniqueConstraint("visit_id", "school_id", name="uq_visiting_school"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)

    visit: Mapped[PupilVisit] = relationship(back_populates="visiting_schools")
    school: Mapped[School] = relationship()


class VisitPupil(db.Model):
    """A visiting child: first name and year group only. The name is deleted after the visit."""

    __tablename__ = "visit_pupil"
    __table_args__ = (
        CheckConstraint(f"year_group >= {MIN_YEAR_GROUP} AND year_group <= {MAX_YEAR_GROUP}", name="year_group_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str | None] = mapped_column(String(40))
    year_group: Mapped[int]

    visit: Mapped[PupilVisit] = relationship(back_populates="pupils")
    school: Mapped[School] = relationship()


class VisitAdult(db.Model):
    """An adult accompanying the pupils (a member of staff): name and school."""

    __tablename__ = "visit_adult"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")  # a work mobile for the day, if given

    visit: Mapped[PupilVisit] = relationship(back_populates="adults")
    school: Mapped[School] = relationship()


class FeedbackSession(db.Model):
    """The window in which tablets take feedback at /v/<code>. Only a keyed hash of the code is kept."""

    __tablename__ = "visit_feedback_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    opened_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    visit: Mapped[PupilVisit] = relationship(back_populates="sessions")
    opened_by: Mapped[Person | None] = relationship()


class ChildFeedback(db.Model):
    """One child's feedback form. ``pupil_id`` is empty when the child chose "I'd rather not say";
    a child on the list can send one form only."""

    __tablename__ = "child_feedback"
    __table_args__ = (
        UniqueConstraint("visit_id", "pupil_id", name="uq_child_feedback_pupil"),
        CheckConstraint(f"like_at_school IS NULL OR {one_of('like_at_school', LIKE_ANSWERS)}", name="like_known"),
        CheckConstraint("language IN ('en', 'cy')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("visit_pupil.id", ondelete="SET NULL"))
    faces: Mapped[dict] = mapped_column(JSON, default=dict)  # {prompt id: "happy" | "ok" | "sad"}
    star_1: Mapped[str] = mapped_column(Text, default="")
    star_2: Mapped[str] = mapped_column(Text, default="")
    wish: Mapped[str] = mapped_column(Text, default="")
    like_at_school: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), default="en")
    submitted_on: Mapped[date]


class InterviewNote(db.Model):
    """What host pupils told the visiting children: no host pupil names, only a year group."""

    __tablename__ = "visit_interview_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("pupil_visit.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    host_year_group: Mapped[int | None]
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
