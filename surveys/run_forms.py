"""Forms for survey runs and their distribution.

Every value a browser sends is parsed without raising: a number that is not a number, a
questionnaire or school id that is not one of the choices, a date that is not a date all
become field errors (a 400 with a message), never a 500.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, Field, RadioField, SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from peerreview.core.accounts.forms import OptionalDateField
from peerreview.core.directory.forms import StrippedStringField
from surveys.models import DEFAULT_THRESHOLD, MIN_THRESHOLD
from surveys.run_ops import MAX_CODES_AT_ONCE

MAX_THRESHOLD = 100


def to_int(value) -> int | None:
    """A whole number from a form value, or None (never raises)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text or not (text.isdigit() or (text[0] == "-" and text[1:].isdigit())) or len(text) > 9:
        return None
    return int(text)


def _coerce_choice(value):
    number = to_int(value)
    return -1 if number is None else number  # -1 is nobody's id: reported as "choose one listed"


class RequiredDateField(OptionalDateField):
    def __init__(self, label=None, validators=None, missing_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.missing_message = missing_message

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise ValidationError(self.missing_message or _("Enter a date"))


class WholeNumberField(Field):
    """A whole number in a text box with a numeric keyboard; anything else is a field error."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, minimum=None, maximum=None, range_message=None,
                 missing_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.range_message, self.missing_message = range_message, missing_message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.raw_data = list(valuelist)
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = to_int(raw) if raw else None
        if raw and self.data is None:
            raise ValueError(self.range_message)

    def pre_validate(self, form):
        if self.process_errors:
            return
        if self.data is None:
            raise ValidationError(self.missing_message)
        if (self.minimum is not None and self.data < self.minimum) or (
                self.maximum is not None and self.data > self.maximum):
            raise ValidationError(self.range_message)


class IdChoicesField(SelectMultipleField):
    """Ids ticked as checkboxes. Anything not offered is refused with ``foreign_message``."""

    widget = GovCheckboxesInput()

    def __init__(self, *args, foreign_message=None, **kwargs):
        super().__init__(*args, coerce=_coerce_choice, **kwargs)
        self.foreign_message = foreign_message

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(self.foreign_message)


class TemplateChoiceField(RadioField):
    widget = GovRadioInput()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=_coerce_choice, **kwargs)

    def pre_validate(self, form):
        if self.data in (None, -1) and not self.raw_data:
            raise ValidationError(_("Choose a questionnaire"))
        if self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError(_("Choose one of the questionnaires listed"))


class RunForm(FlaskForm):
    """Create a run, or edit one that has not opened yet."""

    title = StrippedStringField(
        _l("Survey title"),
        description=_l("Respondents see this, for example “Parent survey, spring 2027”."),
        widget=GovTextInput(),
    )
    template_id = TemplateChoiceField(_l("Questionnaire"))
    schools = IdChoicesField(_l("Schools"), foreign_message=_l("Choose only schools from this partnership"))
    clusters = IdChoicesField(_l("Or add every school in a cluster"),
                              foreign_message=_l("Choose only clusters from this partnership"))
    opens_on = RequiredDateField(_l("Opens on"), description=_l("For example, 12 1 2027"),
                                 missing_message=_l("Enter the date the survey opens"))
    closes_on = RequiredDateField(_l("Closes on"), description=_l("The last day people can answer. For example, 26 1 2027"),
                                  missing_message=_l("Enter the date the survey closes"))
    threshold = WholeNumberField(
        _l("Anonymity threshold"),
        description=_l("Results for a group with fewer respondents than this are never shown. "
                       "At least %(min)d; %(default)d is usual.", min=MIN_THRESHOLD, default=DEFAULT_THRESHOLD),
        minimum=MIN_THRESHOLD, maximum=MAX_THRESHOLD,
        range_message=_l("Enter a whole number from %(min)d to %(max)d, so that no one’s answers can be picked out",
                         min=MIN_THRESHOLD, max=MAX_THRESHOLD),
        missing_message=_l("Enter the anonymity threshold"),
        default=DEFAULT_THRESHOLD,
    )
    welsh = BooleanField(_l("Offer the survey in Welsh as well as English"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args, template_list=(), school_list=(), cluster_list=(), **kwargs):
        super().__init__(*args, **kwargs)
        audiences = {"staff": _("staff"), "parents": _("parents and carers"), "pupils": _("pupils")}
        self.template_id.choices = [
            (t.id, _("%(title)s (for %(audience)s)", title=t.current.title_en, audience=audiences.get(t.audience, t.audience)))
            for t in template_list
        ]
        self.schools.choices = [(s.id, s.name) for s in school_list]
        self.clusters.choices = [(c.id, c.name) for c in cluster_list]
        self.cluster_schools = {c.id: [s.id for s in c.schools] for c in cluster_list}

    def validate_title(self, field):
        if not field.data:
            raise ValidationError(_("Enter a title for the survey"))
        if len(field.data) > 200:
            raise ValidationError(_("Title must be 200 characters or fewer"))

    def validate_schools(self, field):
        if not field.data and not self.school_ids():
            raise ValidationError(_("Choose at least one school"))

    def school_ids(self) -> frozenset[int]:
        """The schools ticked, and every school of each cluster ticked."""
        ids = set(self.schools.data or ())
        for cluster_id in self.clusters.data or ():
            ids.update(self.cluster_schools.get(cluster_id, ()))
        return frozenset(ids)

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_("The closing date must be the same as or after the opening date"))


class OpenRunForm(FlaskForm):
    """Once a run has opened: only the title and the closing date."""

    title = RunForm.title
    closes_on = RequiredDateField(_l("Closes on"), description=_l("The last day people can answer. For example, 26 1 2027"),
                                  missing_message=_l("Enter the date the survey closes"))
    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

    validate_title = RunForm.validate_title


class ActionForm(FlaskForm):
    """A button that POSTs with nothing but its CSRF token."""


class OpenLinkForm(FlaskForm):
    enabled = SelectField(choices=[SelectChoice("on", "on"), SelectChoice("off", "off")], validate_choice=True)


class CreateCodesForm(FlaskForm):
    count = WholeNumberField(
        _l("How many codes?"),
        description=_l("Up to %(max)d at a time. You can create more later; their numbers carry on.",
                       max=MAX_CODES_AT_ONCE),
        minimum=1, maximum=MAX_CODES_AT_ONCE,
        range_message=_l("Enter a whole number from 1 to %(max)d", max=MAX_CODES_AT_ONCE),
        missing_message=_l("Enter how many codes to create"),
    )
    submit = SubmitField(_l("Create codes"), widget=GovSubmitInput())


def parse_range(args, last_serial: int) -> tuple[int, int] | None:
    """?from=&to= for a sheet or a CSV: defaults to every code; None when what was asked is not a range."""
    first = to_int(args.get("from")) if args.get("from", "").strip() else 1
    last = to_int(args.get("to")) if args.get("to", "").strip() else last_serial
    if first is None or last is None or first < 1 or last < first:
        return None
    return first, min(last, last_serial)


def posted_locked_settings(formdata) -> dict:
    """The anonymity settings a POST carries, if any, for comparison with a run that has opened.
    A value that cannot be read counts as a change (a sentinel nothing equals)."""
    posted = {}
    if "template_id" in formdata:
        posted["template_id"] = _coerce_choice(formdata.get("template_id"))
    if "schools" in formdata:
        posted["school_ids"] = {_coerce_choice(v) for v in formdata.getlist("schools")}
    if "threshold" in formdata:
        posted["threshold"] = _coerce_choice(formdata.get("threshold"))
    if "welsh" in formdata:
        posted["welsh"] = True  # a ticked checkbox is sent; an unticked one is not
    if "opens_on" in formdata:
        parts = [to_int(v) for v in formdata.getlist("opens_on")]
        try:
            posted["opens_on"] = date(parts[2], parts[1], parts[0])
        except (TypeError, ValueError, IndexError):
            posted["opens_on"] = date.min
    return posted
