"""Answering a questionnaire: the form built from a version, and saving a response.

Saving writes only what DESIGN.md allows: the run, the version, the school, the language
and the day. A single-use code is marked used in the same transaction, and nothing links
the code to the response.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from threading import Lock

from flask_wtf import FlaskForm
from sqlalchemy import insert, select, update

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


@dataclass(frozen=True)
class ItemSpec:
    """What a question type needs of an item, as plain values: the submit path reads these
    with one query instead of loading the questionnaire's ORM objects."""

    id: int
    key: str
    kind: str
    text_en: str
    text_cy: str | None
    hint_en: str | None
    hint_cy: str | None
    required: bool
    options: dict
    condition: dict | None

    @classmethod
    def of(cls, item: Item) -> ItemSpec:
        return cls(item.id, item.key, item.kind, item.text_en, item.text_cy, item.hint_en, item.hint_cy,
                   bool(item.required), dict(item.options or {}), dict(item.condition) if item.condition else None)


def item_specs(version_id: int) -> tuple[ItemSpec, ...]:
    rows = db.session.execute(
        select(Item.id, Item.key, Item.kind, Item.text_en, Item.text_cy, Item.hint_en, Item.hint_cy,
               Item.required, Item.options, Item.condition)
        .join(Section, Item.section_id == Section.id)
        .where(Section.version_id == version_id)
        .order_by(Section.position, Section.id, Item.position, Item.id)
    ).all()
    return tuple(ItemSpec(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), dict(r[8] or {}),
                          dict(r[9]) if r[9] else None) for r in rows)


# Form classes by the questionnaire's whole content and the language. Keyed on content,
# not on ids, so an edited questionnaire (or a reused id) can never get a stale form.
_FORM_CLASSES: OrderedDict[tuple[str, str], type] = OrderedDict()
_FORM_CLASSES_MAX = 128
_form_classes_lock = Lock()


def _form_class(specs: tuple[ItemSpec, ...], locale: str) -> type:
    key = (json.dumps([spec.__dict__ for spec in specs], sort_keys=True, default=str), locale)
    with _form_classes_lock:
        if key in _FORM_CLASSES:
            _FORM_CLASSES.move_to_end(key)
            return _FORM_CLASSES[key]
    fields = {field_name(spec): question_for(spec).make_field(locale) for spec in specs}
    form_class = type("ResponseForm", (ResponseFormBase,), fields)
    with _form_classes_lock:
        _FORM_CLASSES[key] = form_class
        while len(_FORM_CLASSES) > _FORM_CLASSES_MAX:
            _FORM_CLASSES.popitem(last=False)
    return form_class


def build_form(version: TemplateVersion, locale: str, formdata=None, **kwargs) -> ResponseFormBase:
    """A FlaskForm with one field per item, named ``q_<item key>``."""
    return form_from_specs(tuple(ItemSpec.of(item) for item in version.items), locale, formdata, **kwargs)


def form_from_specs(specs: tuple[ItemSpec, ...], locale: str, formdata=None, **kwargs) -> ResponseFormBase:
    """The same form from plain item values (item_specs), without loading the ORM objects."""
    form_class = _form_class(specs, locale)
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
    access_code: AccessCode | None = None, specs: tuple[ItemSpec, ...] | None = None,
) -> int:
    """Store a validated form's answers as one anonymous response, in one commit, and
    return its id. Plain inserts rather than the ORM's unit of work: this is the busiest
    write in the platform (see bench/bench_submit.py)."""
    values = []
    for item in specs if specs is not None else run.version.items:
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
