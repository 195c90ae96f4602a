from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import InputRequired, Regexp


class UploadForm(FlaskForm):
    """Choose a GIAS extract (and, for an admin of several, the partnership)."""

    partnership = SelectField(
        _l("Partnership"),
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(_l("Select a partnership"))],
        description=_l("The schools are added to this partnership."),
    )
    file = FileField(
        _l("Upload a GIAS establishment extract"),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Select a CSV file"))],
        description=_l("A CSV file downloaded from Get Information about Schools."),
    )
    submit = SubmitField(_l("Upload and check"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """Confirm a previewed import: the token names the stored upload."""

    token = HiddenField(validators=[InputRequired(), Regexp(r"^[A-Za-z0-9_-]{20,64}$")])
