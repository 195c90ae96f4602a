"""Templates and their versions: installing the built-in ones, and the rule that a version
anything has answered (or that an opened run uses) is never edited in place."""
from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select

from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from surveys.builtin import BUILTIN_TEMPLATES, BuiltinTemplate
from surveys.models import Item, QuestionnaireTemplate, Section, SurveyResponse, SurveyRun, TemplateVersion


def _version_from_builtin(builtin: BuiltinTemplate) -> TemplateVersion:
    version = TemplateVersion(
        number=1, title_en=builtin.title_en, title_cy=builtin.title_cy,
        intro_en=builtin.intro_en, intro_cy=builtin.intro_cy,
    )
    for s_pos, b_section in enumerate(builtin.sections):
        section = Section(position=s_pos, title_en=b_section.en, title_cy=b_section.cy)
        for i_pos, b_item in enumerate(b_section.items):
            section.items.append(Item(
                position=i_pos, key=b_item.key, kind=b_item.kind, text_en=b_item.en, text_cy=b_item.cy,
                hint_en=b_item.hint_en, hint_cy=b_item.hint_cy, required=b_item.required,
                options=dict(b_item.options), condition=dict(b_item.condition) if b_item.condition else None,
            ))
        version.sections.append(section)
    return version


def install_builtin_templates(partnership: Partnership) -> list[QuestionnaireTemplate]:
    """Give a partnership its own editable copy of each built-in questionnaire it lacks.
    Adds to the session; the caller commits."""
    have = set(db.session.scalars(
        select(QuestionnaireTemplate.key).where(QuestionnaireTemplate.partnership_id == partnership.id)
    ))
    added = []
    for builtin in BUILTIN_TEMPLATES:
        if builtin.key in have:
            continue
        template = QuestionnaireTemplate(partnership=partnership, key=builtin.key, audience=builtin.audience)
        template.versions.append(_version_from_builtin(builtin))
        db.session.add(template)
        added.append(template)
    return added


def version_in_use(version: TemplateVersion, today: date) -> bool:
    """Answered by anyone, or used by a run that has opened: its wording is then fixed."""
    if version.id is None:
        return False
    answered = db.session.scalar(select(exists().where(SurveyResponse.version_id == version.id)))
    opened = db.session.scalar(select(exists().where(SurveyRun.version_id == version.id, SurveyRun.opens_on <= today)))
    return bool(answered or opened)


def clone_version(version: TemplateVersion) -> TemplateVersion:
    """A new version of the same template with the same content, numbered next."""
    template = version.template
    copy = TemplateVersion(
        number=template.versions[-1].number + 1, title_en=version.title_en, title_cy=version.title_cy,
        intro_en=version.intro_en, intro_cy=version.intro_cy,
    )
    for section in version.sections:
        new_section = Section(position=section.position, title_en=section.title_en, title_cy=section.title_cy)
        for item in section.items:
            new_section.items.append(Item(
                position=item.position, key=item.key, kind=item.kind, text_en=item.text_en, text_cy=item.text_cy,
                hint_en=item.hint_en, hint_cy=item.hint_cy, required=item.required,
                options=dict(item.options or {}), condition=dict(item.condition) if item.condition else None,
            ))
        copy.sections.append(new_section)
    template.versions.append(copy)
    return copy


def editable_version(template: QuestionnaireTemplate, today: date) -> TemplateVersion:
    """The version an edit should change: the current one while nothing uses it, otherwise
    a fresh copy (so every response keeps pointing at exactly the wording it answered)."""
    current = template.current
    if version_in_use(current, today):
        return clone_version(current)
    return current
