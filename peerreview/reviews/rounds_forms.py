"""Forms for review rounds. Whatever a browser sends is parsed without raising: a number that
is not one, a school that is not offered, a date that is not a date all become field errors
(a 422 with a message), never a 500."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from peerreview.core.directory.forms import StrippedStringField
from peerreview.reviews.models import MAX_TEAM_SIZE
from peerreview.reviews.rounds_ops import MAX_DISTANCE_KM, MAX_REVIEWS_PER_REVIEWER, RoundSettings
from surveys.run_forms import IdChoicesField, RequiredDateField, WholeNumberField, to_int


class OptionalWholeNumberField(WholeNumberField):
    """A whole number that may be left empty."""

    def pre_validate(self, form):
        if self.process_errors or self.data is None:
            return
        super().pre_validate(form)


class RoundForm(FlaskForm):
    name = StrippedStringField(_l("Name of the round"), description=_l("For example, “Spring 2027 peer reviews”."),
                               widget=GovTextInput())
    window_start = RequiredDateField(_l("First day reviews can take place"), description=_l("For example, 11 1 2027"),
                                     missing_message=_l("Enter the first day of the window"))
    window_end = RequiredDateField(_l("Last day reviews can take place"), description=_l("For example, 26 3 2027"),
                                   missing_message=_l("Enter the last day of the window"))
    team_min = WholeNumberField(
        _l("Smallest team"), minimum=1, maximum=MAX_TEAM_SIZE, default=2,
        range_message=_l("Enter a whole number of reviewers from 1 to %(max)d", max=MAX_TEAM_SIZE),
        missing_message=_l("Enter the smallest team size"))
    team_max = WholeNumberField(
        _l("Largest team"), minimum=1, maximum=MAX_TEAM_SIZE, default=3,
        range_message=_l("Enter a whole number of reviewers from 1 to %(max)d", max=MAX_TEAM_SIZE),
        missing_message=_l("Enter the largest team size"))
    max_reviews_per_reviewer = WholeNumberField(
        _l("Most reviews one reviewer takes in the round"), minimum=1, maximum=MAX_REVIEWS_PER_REVIEWER, default=2,
        range_message=_l("Enter a whole number of reviews from 1 to %(max)d", max=MAX_REVIEWS_PER_REVIEWER),
        missing_message=_l("Enter the most reviews one reviewer takes"))
    max_distance_km = OptionalWholeNumberField(
        _l("Longest distance worth travelling (km, optional)"),
        description=_l("In a straight line from the reviewer’s school. Leave empty for no limit."),
        minimum=1, maximum=MAX_DISTANCE_KM,
        range_message=_l("Enter a distance from 1 to %(max)d km, or leave it empty", max=MAX_DISTANCE_KM))
    allow_reciprocal = BooleanField(_l("Allow two schools to review each other in this round"),
                                    widget=GovCheckboxInput())
    exclude_same_cluster = BooleanField(_l("Keep reviewers out of the host’s own cluster"), widget=GovCheckboxInput())
    exclude_same_trust = BooleanField(_l("Keep reviewers out of the host’s own trust"), widget=GovCheckboxInput())
    use_estimates = BooleanField(_l("Use the four-point estimate (Leading, Effective, Working towards effective, "
                                    "Ineffective)"), widget=GovCheckboxInput())
    hosts = IdChoicesField(_l("Schools hosting a review"), foreign_message=_l("Choose only schools from this partnership"))
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hosts.choices = [(s.id, label) for s, label in schools]

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Enter a name for the round"))
        if len(field.data) > 200:
            raise ValidationError(_("The name must be 200 characters or fewer"))

    def validate_window_end(self, field):
        if field.data and self.window_start.data and field.data < self.window_start.data:
            raise ValidationError(_("The last day of the window must be the same as or after the first"))

    def validate_team_max(self, field):
        if field.data is not None and self.team_min.data is not None and field.data < self.team_min.data:
            raise ValidationError(_("The largest team cannot be smaller than the smallest team"))

    def validate_hosts(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one school to host a review"))

    def settings(self) -> RoundSettings:
        return RoundSettings(
            name=self.name.data or "", window_start=self.window_start.data, window_end=self.window_end.data,
            team_min=self.team_min.data, team_max=self.team_max.data,
            max_reviews_per_reviewer=self.max_reviews_per_reviewer.data, max_distance_km=self.max_distance_km.data,
            allow_reciprocal=bool(self.allow_reciprocal.data), exclude_same_cluster=bool(self.exclude_same_cluster.data),
            exclude_same_trust=bool(self.exclude_same_trust.data), use_estimates=bool(self.use_estimates.data),
            host_ids=frozenset(self.hosts.data or ()),
        )


class ActionForm(FlaskForm):
    """A button that POSTs with nothing but its CSRF token."""


def posted_id(formdata, name: str) -> int | None:
    return to_int(formdata.get(name))


def posted_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


class DateForm(FlaskForm):
    day = SelectField(_l("Date of the review"), widget=GovSelect(), validate_choice=False)
    submit = SubmitField(_l("Change the date"), widget=GovSubmitInput())

    def __init__(self, *args, days=(), labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = [(d.isoformat(), (labels or {}).get(d, d.isoformat())) for d in days]
        self._days = set(days)

    def validate_day(self, field):
        chosen = posted_day(field.data)
        if chosen is None:
            raise ValidationError(_("Choose a date"))
        if chosen not in self._days:
            raise ValidationError(_("Choose one of the weekdays in this round’s window"))

    @property
    def chosen(self) -> date | None:
        return posted_day(self.day.data)


class ConflictForm(FlaskForm):
    school = SelectField(_l("School"), widget=GovSelect(), validate_choice=False)
    reason = TextAreaField(_l("Why you should not review this school"),
                           description=_l("For example, “My partner teaches there” or “I was a governor until 2025”."),
                           widget=GovTextArea())
    submit = SubmitField(_l("Declare this conflict"), widget=GovSubmitInput())

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.school.choices = [("", _("Choose a school"))] + [(str(s.id), s.name) for s in schools]
        self._ids = {s.id for s in schools}

    def validate_school(self, field):
        chosen = to_int(field.data)
        if chosen is None:
            raise ValidationError(_("Choose the school"))
        if chosen not in self._ids:
            raise ValidationError(_("Choose one of the schools listed"))

    def validate_reason(self, field):
        text = " ".join((field.data or "").split())
        if not text:
            raise ValidationError(_("Say briefly why, so the administrators understand"))
        if len(text) > 300:
            raise ValidationError(_("Keep the reason to 300 characters or fewer"))
        field.data = text
