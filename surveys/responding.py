"""Answering a questionnaire: the form built from a version, and saving a response.

Saving writes only what DESIGN.md allows: the run, the version, the school, the language
and the day. A single-use code is marked used in the same transaction, and nothing links
the code to the response.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import insert, update

from peerreview.extensions import db
from surveys.models import AccessCode, Answer, Item, Section, SurveyResponse, SurveyRun, TemplateVersion
from surveys.questions import QuestionType, field_name, is_shown, localised, question_for


@dataclass
class Question:
    """An item ready to show: its type and its bound field."""

    item: Item
    type: QuestionType
    field: object

    @property
    def shown_when(self) -> dict | None:
        return self.item.condition


@dataclass
class Page:
    section: Section
    title: str
    questions: list[Question]


class ResponseFormBase(FlaskForm):
    pass


def build_form(version: TemplateVersion, locale: str, formdata=None, **kwargs) -> ResponseFormBase:
    """A FlaskForm with one field per item, named ``q_<item key>``."""
    fields = {field_name(item): question_for(item).make_field(locale) for item in version.items}
    form_class = type("ResponseForm", (ResponseFormBase,), fields)
    if formdata is not None:
        return form_class(formdata=formdata, **kwargs)
    return form_class(**kwargs)


def pages(version: TemplateVersion, form: ResponseFormBase, locale: str) -> list[Page]:
    return [
        Page(section, localised(section, "title", locale),
             [Question(item, question_for(item), form[field_name(item)]) for item in section.items])
        for section in version.sections
    ]


class CodeAlreadyUsed(Exception):
    """The single-use code was used by someone else between the page loading and submitting."""


def save_response(
    run: SurveyRun, school_id: int, form: ResponseFormBase, language: str, today: date,
    access_code: AccessCode | None = None,
) -> int:
    """Store a validated form's answers as one anonymous response, in one commit, and
    return its id. Plain inserts rather than the ORM's unit of work: this is the busiest
    write in the platform (see bench/bench_submit.py)."""
    values = []
    for item in run.version.items:
        if not is_shown(item, form):
            continue  # an answer to a hidden follow-up question is dropped
        value = question_for(item).clean(form[field_name(item)].data)
        if value is not None:
            values.append((item.id, value))
    if access_code is not None:
        # Only one submission can turn a code from unused to used, however many race.
        claimed = db.session.execute(
            update(AccessCode).where(AccessCode.id == access_code.id, AccessCode.used.is_(False)).values(used=True)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            raise CodeAlreadyUsed()
    response_id = db.session.execute(
        insert(SurveyResponse).values(
            run_id=run.id, version_id=run.version_id, school_id=school_id,
            language="cy" if language.startswith("cy") else "en", submitted_on=today,
        ).returning(SurveyResponse.id)
    ).scalar_one()
    if values:
        db.session.execute(insert(Answer), [{"response_id": response_id, "item_id": i, "value": v} for i, v in values])
    db.session.commit()
    return response_id
