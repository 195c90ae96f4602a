"""The "Generate a pack" form: which school year, which language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from peerreview.packs.periods import Period

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}  # each in its own language


class GeneratePackForm(FlaskForm):
    period = RadioField(_l("Which period?"), widget=GovRadioInput(), validate_choice=False,
                        validators=[InputRequired(_l("Choose the period the pack covers"))])
    language = RadioField(_l("Which language?"), widget=GovRadioInput(), choices=[SelectChoice(k, v) for k, v in LANGUAGE_NAMES.items()],
                          validate_choice=False, validators=[InputRequired(_l("Choose English or Welsh"))])
    submit = SubmitField(_l("Generate pack"), widget=GovSubmitInput())

    def set_periods(self, periods: list[Period]) -> None:
        self.period.choices = [SelectChoice(p.key, p.label) for p in periods]

    def validate_period(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the periods shown"))

    def validate_language(self, field):
        if field.data not in LANGUAGE_NAMES:
            raise ValidationError(_l("Choose English or Welsh"))


class JobActionForm(FlaskForm):
    """CSRF only: "Try again"."""
