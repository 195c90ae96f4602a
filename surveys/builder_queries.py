"""Reads for the questionnaire builder: the partnership's questionnaires with what uses them,
one questionnaire within the person's reach, its version history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from sqlalchemy import func, select

from peerreview.core import permissions
from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from surveys.models import Item, QuestionnaireTemplate, Section, SurveyResponse, SurveyRun, TemplateVersion
from surveys.questions import QUESTION_TYPES


def partnerships(ids: set[int]) -> list[Partnership]:
    if not ids:
        return []
    return list(db.session.scalars(select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name)))


def template_or_404(person, template_id: int) -> QuestionnaireTemplate:
    """A questionnaire of one of the person's partnerships; anything else is "not found"."""
    template = db.session.get(QuestionnaireTemplate, template_id)
    if template is None or template.partnership_id not in permissions.partnership_ids(person):
        abort(404)
    return template


@dataclass
class TemplateRow:
    template: QuestionnaireTemplate
    title: str
    audience: str
    version_number: int
    question_count: int
    responses: int
    runs: int

    @property
    def in_use(self) -> bool:
        return bool(self.responses or self.runs)


def _counts_by_template(stmt) -> dict[int, int]:
    return {template_id: n for template_id, n in db.session.execute(stmt)}


def templates_of(partnership_id: int) -> list[TemplateRow]:
    templates = list(db.session.scalars(
        select(QuestionnaireTemplate).where(QuestionnaireTemplate.partnership_id == partnership_id,
                                            QuestionnaireTemplate.purpose == "survey")
        .order_by(QuestionnaireTemplate.created_at, QuestionnaireTemplate.id)
    ))
    responses = _counts_by_template(
        select(TemplateVersion.template_id, func.count(SurveyResponse.id))
        .join(SurveyResponse, SurveyResponse.version_id == TemplateVersion.id)
        .group_by(TemplateVersion.template_id)
    )
    runs = _counts_by_template(
        select(TemplateVersion.template_id, func.count(SurveyRun.id))
        .join(SurveyRun, SurveyRun.version_id == TemplateVersion.id)
        .group_by(TemplateVersion.template_id)
    )
    rows = []
    for t in templates:
        current = t.current
        rows.append(TemplateRow(t, current.title_en, t.audience, current.number, len(current.items),
                                responses.get(t.id, 0), runs.get(t.id, 0)))
    return sorted(rows, key=lambda r: r.title.lower())


@dataclass
class VersionRow:
    number: int
    created_at: datetime | None
    question_count: int
    responses: int
    runs: int
    opened_runs: int
    is_current: bool

    @property
    def in_use(self) -> bool:
        return bool(self.responses or self.opened_runs)


def version_history(template: QuestionnaireTemplate, today: date) -> list[VersionRow]:
    ids = [v.id for v in template.versions]
    responses = dict(db.session.execute(
        select(SurveyResponse.version_id, func.count()).where(SurveyResponse.version_id.in_(ids))
        .group_by(SurveyResponse.version_id)
    ).all())
    runs = dict(db.session.execute(
        select(SurveyRun.version_id, func.count()).where(SurveyRun.version_id.in_(ids)).group_by(SurveyRun.version_id)
    ).all())
    opened = dict(db.session.execute(
        select(SurveyRun.version_id, func.count()).where(SurveyRun.version_id.in_(ids), SurveyRun.opens_on <= today)
        .group_by(SurveyRun.version_id)
    ).all())
    current = template.current
    return [VersionRow(v.number, v.created_at, len(v.items), responses.get(v.id, 0), runs.get(v.id, 0),
                       opened.get(v.id, 0), v is current)
            for v in reversed(template.versions)]


def why_fixed(version: TemplateVersion, today: date) -> str | None:
    """Why a version's wording can no longer change in place: "answered", "opened" or None."""
    if version.id is None:
        return None
    if db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.version_id == version.id)):
        return "answered"
    if db.session.scalar(select(func.count()).select_from(SurveyRun)
                         .where(SurveyRun.version_id == version.id, SurveyRun.opens_on <= today)):
        return "opened"
    return None


def draft_runs(version: TemplateVersion, today: date) -> list[SurveyRun]:
    """Surveys that will ask this version but have not opened yet."""
    if version.id is None:
        return []
    return list(db.session.scalars(
        select(SurveyRun).where(SurveyRun.version_id == version.id, SurveyRun.opens_on > today)
        .order_by(SurveyRun.opens_on)
    ))


def all_keys(template: QuestionnaireTemplate) -> set[str]:
    """Every item key any version of the template has used (a new item never reuses one)."""
    return set(db.session.scalars(
        select(Item.key).join(Section, Item.section_id == Section.id)
        .join(TemplateVersion, Section.version_id == TemplateVersion.id)
        .where(TemplateVersion.template_id == template.id)
    ))


def template_keys(partnership_id: int) -> set[str]:
    return set(db.session.scalars(
        select(QuestionnaireTemplate.key).where(QuestionnaireTemplate.partnership_id == partnership_id)
    ))


def find_item(version: TemplateVersion, key: str) -> Item | None:
    return next((item for item in version.items if item.key == key), None)


def type_name(kind: str) -> str:
    cls = QUESTION_TYPES.get(kind)
    return str(cls.name) if cls else kind
