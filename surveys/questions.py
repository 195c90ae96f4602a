"""Question types. Each is a class that builds its own WTForms field, turns what was
submitted into the value stored in ``Answer.value``, and summarises a set of values.

A type reads what it needs from its ``Item``: the wording (English and Welsh), whether an
answer is required, and ``item.options`` (choices, extra answers, limits).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation

from surveys.models import Item

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 3000


def localised(obj, name: str, locale: str) -> str | None:
    """``obj.<name>_cy`` in Welsh when there is one, else ``obj.<name>_en``."""
    if locale.startswith("cy"):
        welsh = getattr(obj, f"{name}_cy", None)
        if welsh:
            return welsh
    return getattr(obj, f"{name}_en", None)


def option_label(option: dict, locale: str) -> str:
    """Choices in ``item.options`` carry their own labels: {"value", "en", "cy"}."""
    return (option.get("cy") if locale.startswith("cy") else None) or option["en"]


@dataclass
class Bar:
    value: str
    label: str
    count: int
    share: float  # of those who answered this question


@dataclass
class Summary:
    """What a set of answers to one question comes to."""

    kind: str
    answered: int
    bars: list[Bar] = field(default_factory=list)
    # Share giving a positive answer, of those who gave a view (None where it means nothing).
    positive: float | None = None
    positive_base: int = 0
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


class RequiredIfShown:
    """Required, but only when the item is shown (its condition, if any, is met)."""

    def __init__(self, item: Item, message):
        self.item = item
        self.message = message
        self.field_flags = {}

    def __call__(self, form, field):
        if not is_shown(self.item, form):
            field.errors[:] = []
            raise StopValidation()  # a hidden question is never required
        if field.data in (None, "", [], ()):
            raise StopValidation(str(self.message))


def as_select_choices(choices: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices]


def field_name(item: Item) -> str:
    return f"q_{item.key}"


def is_shown(item: Item, form) -> bool:
    """An item with a condition is shown only when the other item has the given answer."""
    condition = item.condition
    if not condition:
        return True
    other = getattr(form, f"q_{condition['key']}", None)
    return other is not None and other.data == condition["equals"]


class QuestionType:
    kind: ClassVar[str]
    name: ClassVar = ""  # shown in the builder
    is_text: ClassVar[bool] = False

    def __init__(self, item: Item):
        self.item = item

    # --- answering -------------------------------------------------------------------

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return []

    def labelled_choices(self, locale: str) -> list[tuple[str, str]]:
        """``choices`` worked out once per locale for this question: results summarise the same
        question for every school, and translating the labels each time was most of the cost."""
        cache = self.__dict__.setdefault("_choices_by_locale", {})
        if locale not in cache:
            cache[locale] = self.choices(locale)
        return cache[locale]

    def validators(self) -> list:
        message = _l("Answer this question") if not self.is_text else _l("Write an answer to this question")
        if self.item.required:
            return [RequiredIfShown(self.item, message)]
        return [Optional()]

    def make_field(self, locale: str) -> Field:
        raise NotImplementedError

    def clean(self, data):
        """The value to store from the field's data, or None for no answer."""
        if data in (None, "", [], ()):
            return None
        return data

    def is_valid_value(self, value) -> bool:
        """For values arriving other than through the form (imports, drafts)."""
        return value in {v for v, _ in self.choices("en")}

    # --- summarising -----------------------------------------------------------------

    positive_values: ClassVar[frozenset[str]] = frozenset()
    neutral_values: ClassVar[frozenset[str]] = frozenset()  # left out of the positive share's base

    def summarise(self, values: list, locale: str = "en") -> Summary:
        answered = [v for v in values if v not in (None, "", [])]
        counts = Counter(answered)
        total = len(answered)
        bars = [Bar(v, label, counts.get(v, 0), counts.get(v, 0) / total if total else 0.0)
                for v, label in self.labelled_choices(locale)]
        summary = Summary(self.kind, total, bars)
        positive = self.positive_set()
        if positive:
            neutral = self.neutral_set()
            base = [v for v in answered if v not in neutral]
            summary.positive_base = len(base)
            summary.positive = (sum(1 for v in base if v in positive) / len(base)) if base else None
        return summary

    def positive_set(self) -> frozenset[str]:
        return self.positive_values

    def neutral_set(self) -> frozenset[str]:
        return self.neutral_values


class OptionalRadioField(RadioField):
    """A radio field that may be left unanswered: requiredness is the validators' business,
    not a "Not a valid choice" error for an empty answer. A value not in the choices is
    still refused."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        super().pre_validate(form)

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None


class ChoiceQuestion(QuestionType):
    """Radios from a fixed list of choices."""

    def make_field(self, locale: str) -> Field:
        return OptionalRadioField(
            localised(self.item, "text", locale),
            description=localised(self.item, "hint", locale) or "",
            choices=as_select_choices(self.choices(locale)),
            validators=self.validators(),
            validate_choice=True,
            widget=GovRadioInput(),
        )


class AgreeScale(ChoiceQuestion):
    """Strongly agree to Strongly disagree, with Don't know, and any extra answers an item
    adds (Parent View: "My child has not been bullied")."""

    kind = "agree"
    name = _l("Agree scale")
    SCALE = (
        ("strongly_agree", _l("Strongly agree")),
        ("agree", _l("Agree")),
        ("disagree", _l("Disagree")),
        ("strongly_disagree", _l("Strongly disagree")),
    )
    positive_values = frozenset({"strongly_agree", "agree"})

    def choices(self, locale: str) -> list[tuple[str, str]]:
        choices = [(v, str(label)) for v, label in self.SCALE]
        if self.item.options.get("dont_know", True):
            choices.append(("dont_know", str(_l("Don't know"))))
        choices += [(o["value"], option_label(o, locale)) for o in self.item.options.get("extra", [])]
        return choices

    def neutral_set(self) -> frozenset[str]:
        return frozenset({"dont_know"} | {o["value"] for o in self.item.options.get("extra", [])})


class YesNo(ChoiceQuestion):
    kind = "yes_no"
    name = _l("Yes or no")

    def choices(self, locale: str) -> list[tuple[str, str]]:
        choices = [("yes", str(_l("Yes"))), ("no", str(_l("No")))]
        if self.item.options.get("dont_know", False):
            choices.append(("dont_know", str(_l("Don't know"))))
        return choices

    def positive_set(self) -> frozenset[str]:
        # "Would you recommend...?" has a positive answer; "Does your child have SEND?" has none.
        return frozenset({"yes"}) if self.item.options.get("yes_is_positive", False) else frozenset()

    neutral_values = frozenset({"dont_know"})


class SingleChoice(ChoiceQuestion):
    kind = "single"
    name = _l("One choice from a list")

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return [(o["value"], option_label(o, locale)) for o in self.item.options.get("choices", [])]

    def positive_set(self) -> frozenset[str]:
        return frozenset(o["value"] for o in self.item.options.get("choices", []) if o.get("positive"))


class MultipleChoice(QuestionType):
    kind = "multiple"
    name = _l("Several choices from a list")

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return [(o["value"], option_label(o, locale)) for o in self.item.options.get("choices", [])]

    def make_field(self, locale: str) -> Field:
        return SelectMultipleField(
            localised(self.item, "text", locale),
            description=localised(self.item, "hint", locale) or "",
            choices=as_select_choices(self.choices(locale)),
            validators=self.validators(),
            widget=GovCheckboxesInput(),
        )

    def clean(self, data):
        return sorted(set(data)) if data else None

    def is_valid_value(self, value) -> bool:
        allowed = {v for v, _ in self.choices("en")}
        return isinstance(value, list) and bool(value) and set(value) <= allowed

    def summarise(self, values: list, locale: str = "en") -> Summary:
        answered = [v for v in values if v]
        counts = Counter(choice for v in answered for choice in v)
        total = len(answered)
        # Shares are of the people who answered: they can add up to more than 100%.
        bars = [Bar(v, label, counts.get(v, 0), counts.get(v, 0) / total if total else 0.0)
                for v, label in self.labelled_choices(locale)]
        return Summary(self.kind, total, bars)


class Rating(ChoiceQuestion):
    """0 to 10. The positive share is 7 or more, the mean is shown too."""

    kind = "rating"
    name = _l("Rating from 0 to 10")
    POSITIVE_FROM = 7

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return [(str(n), str(n)) for n in range(11)]

    def clean(self, data):
        return int(data) if data not in (None, "") else None

    def is_valid_value(self, value) -> bool:
        return isinstance(value, int) and 0 <= value <= 10

    def summarise(self, values: list, locale: str = "en") -> Summary:
        answered = [int(v) for v in values if v is not None and v != ""]
        counts = Counter(answered)
        total = len(answered)
        bars = [Bar(str(n), str(n), counts.get(n, 0), counts.get(n, 0) / total if total else 0.0) for n in range(11)]
        summary = Summary(self.kind, total, bars, positive_base=total)
        if total:
            summary.mean = sum(answered) / total
            summary.positive = sum(1 for v in answered if v >= self.POSITIVE_FROM) / total
        return summary


class Faces(ChoiceQuestion):
    """A small faces scale for children, each face with its word beside it."""

    kind = "faces"
    name = _l("Faces for children (happy, OK, sad)")
    FACES = (("happy", _l("Happy")), ("ok", _l("OK")), ("sad", _l("Sad")))
    positive_values = frozenset({"happy"})

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return [(v, str(label)) for v, label in self.FACES]


class TextQuestion(QuestionType):
    is_text = True
    max_length: ClassVar[int]

    def length_validator(self):
        limit = self.item.options.get("max_length", self.max_length)
        return Length(max=limit, message=_l("Keep your answer to %(max)d characters or fewer", max=limit))

    def clean(self, data):
        text = (data or "").strip()
        return text or None

    def is_valid_value(self, value) -> bool:
        return isinstance(value, str) and 0 < len(value) <= self.item.options.get("max_length", self.max_length)

    def summarise(self, values: list, locale: str = "en") -> Summary:
        texts = [v for v in values if isinstance(v, str) and v.strip()]
        return Summary(self.kind, len(texts), texts=texts)


class ShortText(TextQuestion):
    kind = "short_text"
    name = _l("Short text")
    max_length = SHORT_TEXT_MAX

    def make_field(self, locale: str) -> Field:
        return StringField(
            localised(self.item, "text", locale),
            description=localised(self.item, "hint", locale) or "",
            validators=self.validators() + [self.length_validator()],
            widget=GovTextInput(),
        )


class LongText(TextQuestion):
    kind = "long_text"
    name = _l("Long text")
    max_length = LONG_TEXT_MAX

    def make_field(self, locale: str) -> Field:
        return TextAreaField(
            localised(self.item, "text", locale),
            description=localised(self.item, "hint", locale) or "",
            validators=self.validators() + [self.length_validator()],
            widget=GovCharacterCount(),
        )


QUESTION_TYPES: dict[str, type[QuestionType]] = {
    cls.kind: cls for cls in (AgreeScale, YesNo, SingleChoice, MultipleChoice, Rating, ShortText, LongText, Faces)
}


def question_for(item: Item) -> QuestionType:
    return QUESTION_TYPES[item.kind](item)
