"""The questionnaire engine's tables and the anonymous surveys built on it.

Anonymity is built into the shape of the tables: a ``SurveyResponse`` has no person,
code, IP address, user agent or referrer, and its time is a date. A single-use code is a
keyed hash and a used flag, with no time of use and nothing that points at a response.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db

AUDIENCES = ("staff", "parents", "pupils")
QUESTION_KINDS = ("agree", "yes_no", "single", "multiple", "rating", "short_text", "long_text", "faces")
MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5


class QuestionnaireTemplate(db.Model):
    """A questionnaire a partnership owns (a copy of a built-in one, or its own).
    Its content lives in versions; a run always answers one fixed version."""

    __tablename__ = "questionnaire_template"
    __table_args__ = (
        CheckConstraint(f"audience IN {AUDIENCES!r}", name="audience_known"),
        UniqueConstraint("partnership_id", "key", name="uq_questionnaire_template_partnership_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    # A stable key: the built-in one it came from ("parent_view") or made up for a new one.
    key: Mapped[str] = mapped_column(String(60))
    audience: Mapped[str] = mapped_column(String(20))
    # Used by peer review and pupil visit forms later; surveys use "survey".
    purpose: Mapped[str] = mapped_column(String(20), default="survey")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    partnership: Mapped[Partnership] = relationship()
    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> TemplateVersion:
        return self.versions[-1]


class TemplateVersion(db.Model):
    """One fixed wording of a template. Once anything has answered it, edits make a new version."""

    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("template_id", "number", name="uq_template_version_template_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_template.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    title_en: Mapped[str] = mapped_column(String(200))
    title_cy: Mapped[str | None] = mapped_column(String(200))
    intro_en: Mapped[str | None] = mapped_column(Text)
    intro_cy: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    template: Mapped[QuestionnaireTemplate] = relationship(back_populates="versions")
    sections: Mapped[list[Section]] = relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan"
    )

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


class Section(db.Model):
    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title_en: Mapped[str] = mapped_column(String(200))
    title_cy: Mapped[str | None] = mapped_column(String(200))

    version: Mapped[TemplateVersion] = relationship(back_populates="sections")
    items: Mapped[list[Item]] = relationship(
        back_populates="section", order_by="Item.position", cascade="all, delete-orphan"
    )


class Item(db.Model):
    """A question. ``kind`` names its question type (surveys.questions); ``options`` holds what
    that type needs (choices with English and Welsh labels, extra answers, limits)."""

    __tablename__ = "item"
    __table_args__ = (CheckConstraint(f"kind IN {QUESTION_KINDS!r}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Stable across versions, so runs of different versions can be compared question by question.
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    text_en: Mapped[str] = mapped_column(Text)
    text_cy: Mapped[str | None] = mapped_column(Text)
    hint_en: Mapped[str | None] = mapped_column(Text)
    hint_cy: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    # Shown only when another item (by key) has a given answer: {"key": "pv7", "equals": "yes"}.
    condition: Mapped[dict | None] = mapped_column(JSON)

    section: Mapped[Section] = relationship(back_populates="items")


class SurveyRun(db.Model):
    """One survey: a template version asked of one audience in one or more schools between dates."""

    __tablename__ = "survey_run"
    __table_args__ = (
        CheckConstraint(f"audience IN {AUDIENCES!r}", name="audience_known"),
        CheckConstraint(f"threshold >= {MIN_THRESHOLD}", name="threshold_at_least_min"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    threshold: Mapped[int] = mapped_column(default=DEFAULT_THRESHOLD)
    welsh: Mapped[bool] = mapped_column(default=False)  # English always; Welsh as well when set
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    partnership: Mapped[Partnership] = relationship()
    version: Mapped[TemplateVersion] = relationship()
    schools: Mapped[list[RunSchool]] = relationship(back_populates="run", cascade="all, delete-orphan")

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def has_opened(self, today: date) -> bool:
        """Once a run has opened, its anonymity settings (threshold, audience, schools,
        version) can no longer change."""
        return today >= self.opens_on


class RunSchool(db.Model):
    """A school taking part in a run, with its open link code (a public link, not a secret)."""

    __tablename__ = "run_school"
    __table_args__ = (UniqueConstraint("run_id", "school_id", name="uq_run_school_run_school"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("survey_run.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    open_code: Mapped[str] = mapped_column(String(32), unique=True)
    open_link_enabled: Mapped[bool] = mapped_column(default=True)

    run: Mapped[SurveyRun] = relationship(back_populates="schools")
    school: Mapped[School] = relationship()


class AccessCode(db.Model):
    """A single-use code: only a keyed hash (HMAC with the app secret) and a used flag.
    No time of use, nothing that points at the response it unlocked."""

    __tablename__ = "access_code"
    __table_args__ = (UniqueConstraint("run_id", "school_id", "serial", name="uq_access_code_run_school_serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("survey_run.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    # The code is derived from the secret and this serial, so a sheet can be printed again.
    serial: Mapped[int]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(default=False)


class SurveyResponse(db.Model):
    """One submitted questionnaire. Deliberately nothing about who, from where, or when
    beyond the day."""

    __tablename__ = "survey_response"
    __table_args__ = (CheckConstraint("language IN ('en', 'cy')", name="language_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("survey_run.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id", ondelete="RESTRICT"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="en")
    submitted_on: Mapped[date]

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    """One answer. ``value`` is what the item's question type stored: a choice key, a list of
    keys, a number, or text."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "item_id", name="uq_answer_response_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    value: Mapped[object] = mapped_column(JSON)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    item: Mapped[Item] = relationship()
