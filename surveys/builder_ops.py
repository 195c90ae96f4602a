"""Writes for the questionnaire builder. One commit each; nothing is saved half-way.

Every change to a questionnaire's content goes through
``surveys.questionnaires.editable_version``: while nothing has answered the current version
(and no opened survey uses it) the change is made in place, otherwise it makes a new
version and the old one is left exactly as it was answered. Items are addressed by their
key, which stays the same across versions, and sections by their place (1, 2, ...), so a
change submitted from a page showing an older version lands on the same item of the copy.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from surveys import builder_queries as queries
from surveys.models import AUDIENCES, Item, QuestionnaireTemplate, Section, TemplateVersion
from surveys.questionnaires import editable_version, install_builtin_templates
from surveys.questions import QUESTION_TYPES

TEXT_MAX = 1000
TITLE_MAX = 200
INTRO_MAX = 3000
CHOICE_MAX = 200
MAX_CHOICES = 30


class BuilderError(Exception):
    """A change the builder refuses; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(BuilderError):
    """The item or section is not in the questionnaire (any more)."""


@dataclass
class EditResult:
    version: TemplateVersion
    made_new_version: bool
    reason: str | None  # "answered" or "opened" when a new version was made

    @property
    def number(self) -> int:
        return self.version.number


# --- the list ---------------------------------------------------------------------------


def ensure_builtin_templates(partnership: Partnership) -> int:
    """Install the built-in questionnaires the partnership lacks; safe to call on every visit."""
    added = install_builtin_templates(partnership)
    if not added:
        return 0
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another request installed them a moment ago
        return 0
    return len(added)


def _new_template_key(partnership_id: int) -> str:
    taken = queries.template_keys(partnership_id)
    while True:
        key = f"own_{secrets.token_hex(4)}"
        if key not in taken:
            return key


def _copy_content(source: TemplateVersion, into: TemplateVersion) -> None:
    for section in source.sections:
        new_section = Section(position=section.position, title_en=section.title_en, title_cy=section.title_cy)
        for item in section.items:
            new_section.items.append(Item(
                position=item.position, key=item.key, kind=item.kind, text_en=item.text_en, text_cy=item.text_cy,
                hint_en=item.hint_en, hint_cy=item.hint_cy, required=item.required,
                options=dict(item.options or {}), condition=dict(item.condition) if item.condition else None,
            ))
        into.sections.append(new_section)


def create_questionnaire(partnership: Partnership, title: str, audience: str, *, actor,
                         copy_of: QuestionnaireTemplate | None = None) -> QuestionnaireTemplate:
    """A new questionnaire: empty (one untitled section to add questions to) or a copy of the
    current version of another one of the same partnership."""
    if audience not in AUDIENCES:
        raise BuilderError(_("Choose who the questionnaire is for"), "audience")
    if copy_of is not None and copy_of.partnership_id != partnership.id:
        raise BuilderError(_("Choose a questionnaire of this partnership to copy"), "start_from")
    template = QuestionnaireTemplate(partnership_id=partnership.id, key=_new_template_key(partnership.id),
                                     audience=audience)
    version = TemplateVersion(number=1, title_en=title.strip())
    if copy_of is not None:
        source = copy_of.current
        version.title_cy, version.intro_en, version.intro_cy = source.title_cy, source.intro_en, source.intro_cy
        _copy_content(source, version)
    else:
        version.sections.append(Section(position=0, title_en="Questions", title_cy="Cwestiynau"))
    template.versions.append(version)
    db.session.add(template)
    detail = f"Questionnaire '{version.title_en}' created"
    if copy_of is not None:
        detail += f" as a copy of '{copy_of.current.title_en}'"
    audit.record("questionnaire.created", detail, actor=actor, partnership_id=partnership.id)
    db.session.commit()
    return template


# --- editing: one rule for every change -------------------------------------------------


def _renumber(version: TemplateVersion) -> None:
    for s_pos, section in enumerate(version.sections):
        section.position = s_pos
        for i_pos, item in enumerate(section.items):
            item.position = i_pos


def _check(version: TemplateVersion, today: date) -> None:
    """What must hold after any change: follow-up questions come after the question they
    follow, that question still exists, and a survey waiting to open keeps a question."""
    order = [item.key for item in version.items]
    for index, item in enumerate(version.items):
        condition = item.condition
        if not condition:
            continue
        if condition.get("key") not in order:
            raise BuilderError(_("“%(text)s” is shown only after an answer to the question you removed. "
                                 "Remove that follow-up question first.", text=item.text_en))
        if order.index(condition["key"]) > index:
            raise BuilderError(_("“%(text)s” follows up another question, so it must come after it.",
                                 text=item.text_en))
    if not order and queries.draft_runs(version, today):
        raise BuilderError(_("A survey that has not opened yet uses this questionnaire, so it must keep at "
                             "least one question."))
    if not version.sections:
        raise BuilderError(_("A questionnaire needs at least one section."))


def edit(template: QuestionnaireTemplate, today: date, change: Callable[[TemplateVersion], None], *,
         actor=None) -> EditResult:
    """Apply ``change`` to the version the rule says may change, check, and commit; on any
    refusal roll back, so neither the change nor a new version is saved."""
    before = template.current
    reason = queries.why_fixed(before, today)
    try:
        version = editable_version(template, today)
        change(version)
        _renumber(version)
        _check(version, today)
        made_new = version is not before
        if made_new:
            audit.record("questionnaire.new_version",
                         f"Questionnaire '{version.title_en}': version {version.number} made by an edit "
                         f"(version {before.number} is in use)", actor=actor, partnership_id=template.partnership_id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return EditResult(version, made_new, reason if made_new else None)


def _section(version: TemplateVersion, number: int) -> Section:
    if not 1 <= number <= len(version.sections):
        raise NotFound(_("That section is not in this questionnaire any more."))
    return version.sections[number - 1]


def _item(version: TemplateVersion, key: str) -> Item:
    item = queries.find_item(version, key)
    if item is None:
        raise NotFound(_("That question is not in this questionnaire any more."))
    return item


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


# --- details and sections ---------------------------------------------------------------


def update_details(template, today, *, title_en, title_cy=None, intro_en=None, intro_cy=None, actor=None):
    def change(version):
        version.title_en = title_en.strip()
        version.title_cy = _clean(title_cy)
        version.intro_en = _clean(intro_en)
        version.intro_cy = _clean(intro_cy)
    return edit(template, today, change, actor=actor)


def add_section(template, today, *, title_en, title_cy=None, actor=None):
    def change(version):
        version.sections.append(Section(position=len(version.sections), title_en=title_en.strip(),
                                         title_cy=_clean(title_cy)))
    return edit(template, today, change, actor=actor)


def rename_section(template, today, number: int, *, title_en, title_cy=None, actor=None):
    _section(template.current, number)

    def change(version):
        section = _section(version, number)
        section.title_en = title_en.strip()
        section.title_cy = _clean(title_cy)
    return edit(template, today, change, actor=actor)


def _moved(items: list, index: int, direction: str) -> None:
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise BuilderError(_("Choose up or down"))
    if not 0 <= target < len(items):
        raise BuilderError(_("It is already first.") if direction == "up" else _("It is already last."))
    items.insert(target, items.pop(index))


def move_section(template, today, number: int, direction: str, *, actor=None):
    _moved(list(template.current.sections), template.current.sections.index(_section(template.current, number)),
           direction)  # refused before any new version is made

    def change(version):
        sections = version.sections
        _moved(sections, number - 1, direction)
    return edit(template, today, change, actor=actor)


def remove_section(template, today, number: int, *, actor=None):
    if len(template.current.sections) <= 1:
        raise BuilderError(_("A questionnaire needs at least one section, so you cannot remove the only one."))
    _section(template.current, number)

    def change(version):
        version.sections.remove(_section(version, number))
    return edit(template, today, change, actor=actor)


# --- items ------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """What the builder's item form gives, already checked by the form."""

    text_en: str
    text_cy: str | None = None
    hint_en: str | None = None
    hint_cy: str | None = None
    required: bool = False
    choices: list[tuple[str, str | None]] | None = None  # (English, Welsh) for single/multiple choice
    dont_know: bool = False
    yes_is_positive: bool = False


def _choice_value(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:30] or "choice"
    value, n = base, 2
    while value in taken:
        value, n = f"{base}_{n}", n + 1
    return value


def _options(kind: str, given: ItemInput, old: dict | None) -> dict:
    """The item's options for its type. Choices whose English wording is unchanged keep their
    stored value (and anything else they carried), so answers keep meaning the same thing."""
    options = dict(old or {})
    if kind in ("single", "multiple"):
        previous = {o["en"]: o for o in options.get("choices", [])}
        taken: set[str] = set()
        choices = []
        for en, cy in given.choices or []:
            option = dict(previous[en]) if en in previous and previous[en]["value"] not in taken else \
                {"value": _choice_value(en, taken | {o["value"] for o in previous.values()})}
            option["en"] = en
            if cy:
                option["cy"] = cy
            else:
                option.pop("cy", None)
            taken.add(option["value"])
            choices.append(option)
        options["choices"] = choices
    if kind == "agree":
        options["dont_know"] = bool(given.dont_know)
    if kind == "yes_no":
        options["dont_know"] = bool(given.dont_know)
        options["yes_is_positive"] = bool(given.yes_is_positive)
    return options


def _new_key(template: QuestionnaireTemplate, version: TemplateVersion) -> str:
    taken = queries.all_keys(template) | {item.key for v in template.versions for item in v.items}
    numbers = [int(k[1:]) for k in taken if re.fullmatch(r"q\d+", k)]
    n = max(numbers, default=0) + 1
    while f"q{n}" in taken:
        n += 1
    return f"q{n}"


def add_item(template, today, section_number: int, kind: str, given: ItemInput, *, actor=None) -> tuple[EditResult, str]:
    if kind not in QUESTION_TYPES:
        raise BuilderError(_("Choose a kind of question from the list"), "kind")
    _section(template.current, section_number)
    added = {}

    def change(version):
        section = _section(version, section_number)
        key = _new_key(template, version)
        section.items.append(Item(
            position=len(section.items), key=key, kind=kind, text_en=given.text_en.strip(),
            text_cy=_clean(given.text_cy), hint_en=_clean(given.hint_en), hint_cy=_clean(given.hint_cy),
            required=bool(given.required), options=_options(kind, given, None), condition=None,
        ))
        added["key"] = key
    result = edit(template, today, change, actor=actor)
    return result, added["key"]


def update_item(template, today, key: str, given: ItemInput, *, actor=None) -> EditResult:
    _item(template.current, key)

    def change(version):
        item = _item(version, key)
        item.text_en = given.text_en.strip()
        item.text_cy = _clean(given.text_cy)
        item.hint_en = _clean(given.hint_en)
        item.hint_cy = _clean(given.hint_cy)
        item.required = bool(given.required)
        item.options = _options(item.kind, given, item.options)
    return edit(template, today, change, actor=actor)


def move_item(template, today, key: str, direction: str, *, actor=None) -> EditResult:
    """Up or down within its section; at the section's edge, into the next section along."""
    def change(version):
        item = _item(version, key)
        section = item.section
        items = section.items
        index = items.index(item)
        sections = version.sections
        s_index = sections.index(section)
        if direction not in ("up", "down"):
            raise BuilderError(_("Choose up or down"))
        if direction == "up" and index == 0:
            if s_index == 0:
                raise BuilderError(_("It is already the first question."))
            items.remove(item)
            sections[s_index - 1].items.append(item)
        elif direction == "down" and index == len(items) - 1:
            if s_index == len(sections) - 1:
                raise BuilderError(_("It is already the last question."))
            items.remove(item)
            sections[s_index + 1].items.insert(0, item)
        else:
            _moved(items, index, direction)
    return edit(template, today, change, actor=actor)


def remove_item(template, today, key: str, *, actor=None) -> EditResult:
    _item(template.current, key)

    def change(version):
        item = _item(version, key)
        item.section.items.remove(item)
    return edit(template, today, change, actor=actor)
