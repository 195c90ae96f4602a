"""Forms for planning a pupil visit: its details, the children (first name and year group only,
typed one per line), the adults, the focus and its prompts, and the head's thank-you.

Nothing here raises on odd input: a date, time, school or year group that cannot be read is a
field error with a message, and whatever was typed goes back on the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectField
from wtforms.validators import ValidationError

from peerreview.core.directory.forms import OptionalTextAreaField, StrippedStringField, without_control_characters
from peerreview.visits.labels import year_choices
from peerreview.visits.models import MAX_PROMPTS, MAX_YEAR_GROUP, MIN_PROMPTS, MIN_YEAR_GROUP
from surveys.run_forms import IdChoicesField, RequiredDateField, to_int

FIRST_NAME_MAX = 30
MAX_PUPIL_LINES = 60  # in one go; a visit can take more in several goes
MAX_PUPILS = 90
MAX_ADULTS = 20
PROMPT_MAX = 120
FOCUS_TITLE_MAX = 120
FOCUS_DETAIL_MAX = 1000
THANK_YOU_MAX = 2000
ADULT_NAME_MAX = 120
PHONE_MAX = 40
MAX_PROMPT_ROWS_READ = 12


# --- times ----------------------------------------------------------------------------------

_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.h ]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


def parse_time(raw: str | None) -> time | None:
    """A time as people type it: 09:30, 9:30, 9.30, 0930, 9am, 2:15pm, 14:00. None if not a time."""
    text = " ".join((raw or "").split()).lower()
    match = _TIME_RE.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDayField(Field):
    """A time in a text box ("09:30"); anything that is not a time is a field error."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, missing_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.missing_message = missing_message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        self.raw_data = list(valuelist)
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = parse_time(raw) if raw else None
        if raw and self.data is None:
            raise ValueError(_("Enter a time such as 09:30 or 2:15pm"))

    def pre_validate(self, form):
        if not self.process_errors and self.data is None:
            raise ValidationError(self.missing_message or _("Enter a time"))


class SchoolSelectField(SelectField):
    """A school from the choices offered; anything else is a field error, not a crash."""

    widget = GovSelect()

    def __init__(self, *args, missing_message=None, **kwargs):
        super().__init__(*args, coerce=lambda v: -1 if to_int(v) is None else to_int(v), validate_choice=False,
                         **kwargs)
        self.missing_message = missing_message

    def pre_validate(self, form):
        offered = {value for value, _label in self.choices or [] if value not in ("", None)}
        if self.data in (None, -1, "") or self.data not in offered:
            if not self.raw_data or not (self.raw_data[0] or "").strip():
                raise ValidationError(self.missing_message or _("Choose a school"))
            raise ValidationError(_("Choose one of the schools listed"))


# --- the visit's details --------------------------------------------------------------------


class VisitForm(FlaskForm):
    host_school_id = SchoolSelectField(_l("Host school"), missing_message=_l("Choose the school the children visit"))
    visit_date = RequiredDateField(_l("Date of the visit"), description=_l("For example, 3 2 2027"),
                                   missing_message=_l("Enter the date of the visit"))
    starts_at = TimeOfDayField(_l("Start time"), missing_message=_l("Enter the time the visit starts"))
    ends_at = TimeOfDayField(_l("End time"), missing_message=_l("Enter the time the visit ends"))
    visiting = IdChoicesField(_l("Visiting schools"), foreign_message=_l("Choose only schools from this partnership"))

    def __init__(self, *args, schools=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_school_id.choices = [("", _("Choose a school"))] + [(s.id, s.name) for s in schools]
        self.visiting.choices = [(s.id, s.name) for s in schools]
        self._today = today

    def validate_visit_date(self, field):
        if field.data and self._today and field.data < self._today:
            raise ValidationError(_("The date of the visit must be today or in the future"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_("The end time must be after the start time"))

    def validate_visiting(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one visiting school"))
        if self.host_school_id.data in (field.data or []):
            raise ValidationError(_("The host school cannot also be a visiting school. Untick it, or choose "
                                    "another host."))


# --- children -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilInput:
    first_name: str
    year_group: int


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(number)d: %(problem)s", number=self.line, problem=self.message)


_RECEPTION = {"r", "rec", "reception", "derbyn", "year r", "yr r", "y r", "dosbarth derbyn"}
_YEAR_RE = re.compile(r"^(?:(?:year|yr|y|blwyddyn|bl)\s*\.?\s*)?(\d{1,2})$")
_YEAR_AT_END = re.compile(
    r"^(?P<name>.+?)[\s\-–:]+(?P<year>(?:(?:year|yr|y|blwyddyn|bl)\s*\.?\s*)?(?:\d{1,2}|r)|rec|reception|derbyn)\.?$",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[,;\t|]\s*")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")


def parse_year(raw: str | None) -> int | None:
    """A year group as schools write it: 4, Year 4, Y4, Yr 4, R, Reception, Blwyddyn 4, Derbyn."""
    text = " ".join((raw or "").strip().rstrip(".").lower().split())
    if text in _RECEPTION:
        return 0
    match = _YEAR_RE.match(text)
    if not match:
        return None
    number = int(match.group(1))
    return number if MIN_YEAR_GROUP <= number <= MAX_YEAR_GROUP else None


def tidy_first_name(raw: str) -> str:
    name = " ".join(without_control_characters(raw or "").split())
    return name[:1].upper() + name[1:] if name.islower() else name


def first_name_problem(name: str) -> str | None:
    """Why a typed first name cannot be kept, or None."""
    if not name:
        return _("write the child’s first name.")
    if len(name.split()) > 1:
        return _("“%(name)s” looks like more than a first name. First names only, please: leave out surnames "
                 "and initials.", name=name)
    if not _NAME_CHARS.match(name):
        return _("“%(name)s” does not look like a first name. Use letters only.", name=name)
    if len(name) > FIRST_NAME_MAX:
        return _("that name is too long (%(max)d letters at most).", max=FIRST_NAME_MAX)
    return None


def _split_line(line: str) -> tuple[str, str | None]:
    """(name part, year part or None) of one typed line."""
    line = re.sub(r"[()\[\]]", " ", line)
    parts = [p for p in _SEPARATORS.split(line.strip()) if p]
    if len(parts) >= 2:
        return " ".join(parts[:-1]), parts[-1]
    match = _YEAR_AT_END.match(line.strip())
    if match:
        return match.group("name"), match.group("year")
    return line.strip(), None


def parse_pupil_lines(text: str | None, existing: set[tuple[str, int]] = frozenset(),
                      room: int = MAX_PUPILS) -> tuple[list[PupilInput], list[LineProblem]]:
    """Children typed one per line ("Amara, 4", "Ben, Year 5", "Efa, R"). Returns what could be read
    and a problem for each line that could not; the caller keeps nothing unless there are no problems.
    ``existing``: (first name in lower case, year group) already listed for the same school."""
    pupils: list[PupilInput] = []
    problems: list[LineProblem] = []
    seen = set(existing)
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if len(numbered) > MAX_PUPIL_LINES:
        return [], [LineProblem(numbered[MAX_PUPIL_LINES][0], _(
            "add up to %(max)d children at a time. Save these first, then add the rest.", max=MAX_PUPIL_LINES))]
    for number, line in numbered:
        name_part, year_part = _split_line(line)
        name = tidy_first_name(name_part)
        if year_part is None:
            problem = first_name_problem(name) if len(name.split()) > 1 else None
            problems.append(LineProblem(number, problem or _(
                "add the year group after the name, for example “Amara, 4” or “Efa, R”.")))
            continue
        year = parse_year(year_part)
        problem = first_name_problem(name)
        if problem is None and year is None:
            problem = _("we could not read the year group “%(year)s”. Use R for Reception, or a number from 1 "
                        "to 13.", year=year_part.strip())
        if problem is None and (name.casefold(), year) in seen:
            problem = _("%(name)s in the same year group is already on this school’s list. Two children with the "
                        "same first name and year group cannot be told apart: use a short form of the name for "
                        "one of them (for example Ben and Benji).", name=name)
        if problem:
            problems.append(LineProblem(number, problem))
            continue
        seen.add((name.casefold(), year))
        pupils.append(PupilInput(name, year))
    if not problems and not pupils:
        problems.append(LineProblem(1, _("type at least one child: first name, then year group.")))
    if not problems and len(pupils) > room:
        problems.append(LineProblem(numbered[min(room, len(numbered) - 1)][0], _(
            "a visit can have up to %(max)d children. There is room for %(room)d more.", max=MAX_PUPILS, room=room)))
    return pupils, problems


class PupilLinesForm(FlaskForm):
    """One visiting school's children, typed one per line."""

    lines = OptionalTextAreaField(_l("Children"), widget=GovTextArea())


class YearField(SelectField):
    widget = GovSelect()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=lambda v: -1 if to_int(v) is None else to_int(v), validate_choice=False,
                         **kwargs)

    def pre_validate(self, form):
        if self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError(_("Choose the child’s year group"))


class OnePupilForm(FlaskForm):
    school_id = SchoolSelectField(_l("School"), missing_message=_l("Choose the child’s school"))
    first_name = StrippedStringField(_l("First name"), widget=GovTextInput())
    year_group = YearField(_l("Year group"))

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.school_id.choices = [(s.id, s.name) for s in schools]
        self.year_group.choices = [("", _("Choose a year group"))] + year_choices()

    def validate_first_name(self, field):
        field.data = tidy_first_name(field.data or "")
        problem = first_name_problem(field.data)
        if problem:
            raise ValidationError(problem[:1].upper() + problem[1:])


class AdultForm(FlaskForm):
    name = StrippedStringField(_l("Name"), widget=GovTextInput())
    school_id = SchoolSelectField(_l("School"), missing_message=_l("Choose the adult’s school"))
    phone = StrippedStringField(_l("Work phone for the day (optional)"), widget=GovTextInput())

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.school_id.choices = [(s.id, s.name) for s in schools]

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Enter the adult’s name"))
        if len(field.data) > ADULT_NAME_MAX:
            raise ValidationError(_("The name must be %(max)d characters or fewer", max=ADULT_NAME_MAX))

    def validate_phone(self, field):
        if field.data and (len(field.data) > PHONE_MAX or not re.fullmatch(r"[+0-9 ()\-]{6,}", field.data)):
            raise ValidationError(_("Enter a phone number, for example 07700 900123, or leave it empty"))


# --- focus and prompts ----------------------------------------------------------------------


@dataclass
class PromptRow:
    en: str = ""
    cy: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not self.en and not self.cy


def clean_line(text: str | None) -> str:
    return " ".join(without_control_characters(text or "").split())


def posted_prompts(formdata: MultiDict) -> list[PromptRow]:
    """The prompt rows of a posted focus form, in page order (prompts-<n>-en, prompts-<n>-cy)."""
    indices = sorted({int(m.group(1)) for name in formdata
                      if (m := re.match(r"^prompts-(\d{1,2})-(?:en|cy)$", name))})
    return [PromptRow(clean_line(formdata.get(f"prompts-{i}-en")), clean_line(formdata.get(f"prompts-{i}-cy")))
            for i in indices[:MAX_PROMPT_ROWS_READ]]


def check_prompts(rows: list[PromptRow]) -> tuple[list[PromptRow], str | None]:
    """The rows that are not blank, each with its problems, and a problem with their number."""
    kept = [row for row in rows if not row.blank]
    for row in kept:
        row.errors = {}
        if not row.en:
            row.errors["en"] = _("Write the prompt in English too (the Welsh is optional)")
        for language in ("en", "cy"):
            text = getattr(row, language)
            if len(text) > PROMPT_MAX:
                row.errors[language] = _(
                    "This prompt is %(length)d characters long. Keep it to %(max)d or fewer: short sentences a "
                    "seven-year-old can read work best.", length=len(text), max=PROMPT_MAX)
    problem = None
    if len(kept) < MIN_PROMPTS:
        problem = _("Write at least %(min)d prompts for the children (you have %(count)d).", min=MIN_PROMPTS,
                    count=len(kept))
    elif len(kept) > MAX_PROMPTS:
        problem = _("A visit can have up to %(max)d prompts (you have %(count)d). Children tire of long forms: "
                    "keep the ones that matter most.", max=MAX_PROMPTS, count=len(kept))
    return kept, problem


class FocusForm(FlaskForm):
    """The focus itself; the prompts are read with ``posted_prompts``."""

    focus_key = StrippedStringField(_l("Focus"))
    focus_title = StrippedStringField(_l("Title of the focus"), widget=GovTextInput())
    focus_detail = OptionalTextAreaField(_l("What the visiting adults should know (optional)"), widget=GovTextArea())

    def validate_focus_title(self, field):
        if not field.data:
            raise ValidationError(_("Write a title for the focus, for example “Our reading areas”"))
        if len(field.data) > FOCUS_TITLE_MAX:
            raise ValidationError(_("The title must be %(max)d characters or fewer", max=FOCUS_TITLE_MAX))

    def validate_focus_detail(self, field):
        if field.data and len(field.data) > FOCUS_DETAIL_MAX:
            raise ValidationError(_("This must be %(max)d characters or fewer", max=FOCUS_DETAIL_MAX))


class ThankYouForm(FlaskForm):
    message = OptionalTextAreaField(_l("Your thank-you"), widget=GovTextArea())

    def validate_message(self, field):
        if not field.data:
            raise ValidationError(_("Write a short message for the visiting schools"))
        if len(field.data) > THANK_YOU_MAX:
            raise ValidationError(_("The message must be %(max)d characters or fewer", max=THANK_YOU_MAX))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
