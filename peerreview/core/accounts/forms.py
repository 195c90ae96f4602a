from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, Field, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from peerreview.core.widgets import PasswordInput


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter your email address")), Email(_l("Enter an email address like name@school.org.uk")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), widget=PasswordInput(), validators=[InputRequired(_l("Enter your password"))]
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


# --- passwords ----------------------------------------------------------------------


def _new_password_rules(form, field) -> None:
    """At least PASSWORD_MIN_LENGTH characters, and not the person's email address."""
    from peerreview.core.accounts.operations import password_problem

    problem = password_problem(field.data or "", getattr(form, "person_email", None))
    if problem:
        raise ValidationError(problem)


# Declared before the new-password fields so it comes first in the error summary.
_current_password = PasswordField(
    _l("Current password"), widget=PasswordInput(),
    validators=[InputRequired(_l("Enter your current password"))],
)


class _NewPasswordFields:
    """A new password and its confirmation; ``person_email`` is whose password it is."""

    def __init__(self, *args, person_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person_email = person_email
        self.password.description = _(
            "At least %(n)d characters. A few unrelated words make a strong password that is easy to remember.",
            n=current_app.config["PASSWORD_MIN_LENGTH"],
        )

    password = PasswordField(
        _l("New password"),
        widget=PasswordInput(),
        validators=[InputRequired(_l("Enter a new password")), _new_password_rules],
    )
    confirm = PasswordField(
        _l("Confirm new password"),
        widget=PasswordInput(),
        validators=[
            InputRequired(_l("Enter the new password again")),
            EqualTo("password", _l("The passwords do not match")),
        ],
    )


class SetPasswordForm(_NewPasswordFields, FlaskForm):
    submit = SubmitField(_l("Set password and sign in"), widget=GovSubmitInput())


class ChangePasswordForm(_NewPasswordFields, FlaskForm):
    current_password = _current_password
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


# --- people and roles ---------------------------------------------------------------


class _PersonFields:
    """Declared before the role fields so they come first in the error summary."""

    name = StringField(
        _l("Full name"), widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the person's name")), Length(max=200, message=_l("Name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Work email address"), widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter the person's work email address")),
            Email(_l("Enter an email address like name@school.org.uk")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
    )


ROLE_LABELS = {
    "admin": _l("Partnership administrator"),
    "head": _l("Headteacher"),
    "reviewer": _l("Reviewer"),
    "coordinator": _l("Visit coordinator"),
}


class LocalisedDateInput(GovDateInput):
    """GOV.UK date input whose Day, Month and Year labels are translated."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for item, label in zip(params.get("items", []), (_("Day"), _("Month"), _("Year"))):
            item["label"] = label
        return params


class OptionalDateField(Field):
    """A day, month and year as three boxes with one name. All empty means no date."""

    widget = LocalisedDateInput()

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        self.raw_data = list(valuelist) if valuelist else None
        parts = [v.strip() for v in valuelist or []]
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            self.data = None
            raise ValueError(_("Enter a real date, for example 17 9 2026"))
        day, month, year = (int(p) for p in parts)
        try:
            if not 1900 <= year <= 2200:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter a real date, for example 17 9 2026")) from None

    def process_data(self, value):
        self.data = value


def _coerce_id(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a school anyone has; reported as a field error, not a crash


class RoleFields:
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
        validators=[InputRequired(_l("Choose a role"))],
    )
    school = SelectField(
        _l("School"),
        widget=GovSelect(),
        description=_l("Needed for headteachers, reviewers and visit coordinators"),
        coerce=_coerce_id,
        validate_choice=False,  # checked against the admin's partnerships by the view
    )
    partnership = SelectField(
        _l("Partnership"),
        widget=GovSelect(),
        description=_l("For partnership administrators"),
        coerce=_coerce_id,
        validate_choice=False,
    )
    trained_on = OptionalDateField(
        _l("Reviewer training date (optional)"),
        description=_l("For reviewers. For example, 17 9 2026"),
    )

    def set_choices(self, schools, partnerships) -> None:
        self.school.choices = [SelectChoice("", _("Choose a school"))] + [
            SelectChoice(s.id, f"{s.name} ({s.urn})") for s in schools
        ]
        self.partnership.choices = [SelectChoice(p.id, p.name) for p in partnerships]

    def validate_trained_on(self, field):
        if field.data is not None and self.role.data != "reviewer":
            raise ValidationError(_("Only reviewers have a training date"))
        if field.data is not None and field.data > date.today() + timedelta(days=731):
            raise ValidationError(_("The training date must not be more than 2 years away"))


class NewPersonForm(_PersonFields, RoleFields, FlaskForm):
    submit = SubmitField(_l("Add person"), widget=GovSubmitInput())


class AddRoleForm(RoleFields, FlaskForm):
    submit = SubmitField(_l("Add role"), widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A button that POSTs with nothing but its CSRF token."""


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or email"), widget=GovTextInput(), validators=[Length(max=200)])
    role = SelectField(
        _l("Role"), widget=GovSelect(),
        choices=[SelectChoice("", _l("Any role"))] + [SelectChoice(v, label) for v, label in ROLE_LABELS.items()],
        validate_choice=False,
    )
    submit = SubmitField(_l("Search"), widget=GovSubmitInput())
