"""Forms for the directory: the schools list's filters (a GET form) and the cluster forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from peerreview.core.directory import queries
from peerreview.core.directory.queries import FilterOptions, SchoolFilters

MAX_QUERY_LENGTH = 100


# --- the schools list's filters ------------------------------------------------------


def without_control_characters(text: str, *, keep_newlines: bool = False) -> str:
    """Text with NUL and other control or separator characters as spaces (PostgreSQL refuses NUL)."""
    allowed = "\n\r\t" if keep_newlines else ""
    return "".join(ch if ch.isprintable() or ch in allowed else " " for ch in text)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def parse_filters(args: MultiDict, options: FilterOptions) -> tuple[SchoolFilters, int]:
    """The filters and page asked for in the query string.

    Anything that is not one of the options offered (a cluster id that is not a number or
    not in reach, an unknown phase, page=abc or page=-1) is ignored rather than refused, so
    a shared or hand-edited link always shows a page.
    """
    q = " ".join(without_control_characters(args.get("q") or "").split())[:MAX_QUERY_LENGTH]
    phase = args.get("phase") or None
    if phase not in options.phases:
        phase = None
    local_authority = args.get("la") or None
    if local_authority not in options.local_authorities:
        local_authority = None
    cluster_id = _int_or_none(args.get("cluster"))
    if cluster_id not in {c.id for c in options.clusters}:
        cluster_id = None
    page = _int_or_none(args.get("page"))
    if page is None or page < 1:
        page = 1
    return SchoolFilters(q=q, phase=phase, local_authority=local_authority, cluster_id=cluster_id), page


# --- clusters ---------------------------------------------------------------------------


class StrippedStringField(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = " ".join(without_control_characters(self.data).split())


class OptionalTextAreaField(TextAreaField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = without_control_characters(self.data, keep_newlines=True).strip()


class PartnershipSchoolsField(SelectMultipleField):
    """Schools of the cluster's partnership, as checkboxes. Any other id is refused."""

    widget = GovCheckboxesInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            # A value that is not a number: keep it so pre_validate reports it clearly.
            self.data = list(valuelist)

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_l("Choose only schools from this partnership"))


class ClusterForm(FlaskForm):
    """Create (name, description, and the partnership if the admin runs more than one) or edit."""

    partnership_id = SelectField(_l("Partnership"), coerce=int, widget=GovSelect(), validate_choice=True)
    name = StrippedStringField(
        _l("Name"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter a name for the cluster")),
                    Length(max=120, message=_l("Name must be 120 characters or fewer"))],
    )
    description = OptionalTextAreaField(
        _l("Description (optional)"),
        description=_l("For example, the area the schools are in or what they work on together."),
        widget=GovTextArea(),
        validators=[Length(max=500, message=_l("Description must be 500 characters or fewer"))],
    )
    schools = PartnershipSchoolsField(_l("Schools in this cluster"), coerce=int)
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args, partnerships=(), school_choices=None, cluster_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_id = cluster_id
        self.partnership_id.choices = [(p.id, p.name) for p in partnerships]
        if school_choices is None:
            del self.schools  # creating: schools are added on the edit page
        else:
            self.schools.choices = school_choices
        if len(self.partnership_id.choices) == 1 and not self.partnership_id.data:
            self.partnership_id.data = self.partnership_id.choices[0][0]

    @property
    def shows_partnership(self) -> bool:
        return self.cluster_id is None and len(self.partnership_id.choices) > 1

    def validate_name(self, field):
        if field.data and self.partnership_id.data and queries.cluster_name_taken(
            self.partnership_id.data, field.data, except_id=self.cluster_id
        ):
            raise ValidationError(_l("There is already a cluster with this name. Choose another name"))


class ConfirmForm(FlaskForm):
    """Only a CSRF token and a button: for confirmation pages."""

    submit = SubmitField(_l("Delete cluster"), widget=GovSubmitInput())
