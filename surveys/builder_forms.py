"""Forms for the questionnaire builder. They check wording (present, not too long) and the
choice lists; the structure (which item, which section, the ends of a list) is checked by
``builder_ops``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from peerreview.core.directory.forms import without_control_characters
from surveys.builder_ops import CHOICE_MAX, INTRO_MAX, MAX_CHOICES, TEXT_MAX, TITLE_MAX, ItemInput
from surveys.models import AUDIENCES

AUDIENCE_LABELS = {"staff": _l("Staff"), "parents": _l("Parents and carers"), "pupils": _l("Pupils")}


class LineField(StringField):
    """One line of text: control characters and runs of spaces become one space."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = " ".join(without_control_characters(self.data).split())


class TextField(TextAreaField):
    """Text that may run over lines: control characters other than newlines become spaces."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = without_control_characters(self.data, keep_newlines=True).replace("\r\n", "\n").strip()


def _too_long(what, limit):
    return Length(max=limit, message=_l("%(what)s must be %(max)d characters or fewer", what=what, max=limit))


class NewQuestionnaireForm(FlaskForm):
    partnership_id = SelectField(_l("Partnership"), coerce=int, widget=GovSelect(), validate_choice=True)
    title = LineField(_l("Title"), widget=GovTextInput(), validators=[
        DataRequired(_l("Enter a title for the questionnaire")), _too_long(_l("Title"), TITLE_MAX)])
    audience = RadioField(_l("Who is it for?"), widget=GovRadioInput(),
                          choices=[(a, AUDIENCE_LABELS[a]) for a in AUDIENCES],
                          validators=[DataRequired(_l("Choose who the questionnaire is for"))])
    start_from = RadioField(_l("Start from"), widget=GovRadioInput(), default="",
                            validators=[], validate_choice=True)
    submit = SubmitField(_l("Create questionnaire"), widget=GovSubmitInput())

    def __init__(self, *args, partnerships=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership_id.choices = [(p.id, p.name) for p in partnerships]
        self.shows_partnership = len(self.partnership_id.choices) > 1
        if not self.shows_partnership and self.partnership_id.choices:
            self.partnership_id.data = self.partnership_id.choices[0][0]
        several = self.shows_partnership
        self.start_from.choices = [("", _l("An empty questionnaire"))] + [
            (str(row.template.id), _l("A copy of “%(title)s”", title=row.title)
             if not several else f"{row.title} ({row.template.partnership.name})")
            for row in templates
        ]
        if self.start_from.data is None:
            self.start_from.data = ""


class DetailsForm(FlaskForm):
    title_en = LineField(_l("Title in English"), widget=GovTextInput(), validators=[
        DataRequired(_l("Enter a title in English")), _too_long(_l("Title"), TITLE_MAX)])
    title_cy = LineField(_l("Title in Welsh (optional)"), widget=GovTextInput(),
                         validators=[_too_long(_l("Title"), TITLE_MAX)])
    intro_en = TextField(_l("Introduction in English (optional)"), widget=GovTextArea(),
                         description=_l("Shown to people before the first question."),
                         validators=[_too_long(_l("Introduction"), INTRO_MAX)])
    intro_cy = TextField(_l("Introduction in Welsh (optional)"), widget=GovTextArea(),
                         validators=[_too_long(_l("Introduction"), INTRO_MAX)])
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class SectionForm(FlaskForm):
    title_en = LineField(_l("Section title in English"), widget=GovTextInput(), validators=[
        DataRequired(_l("Enter a section title in English")), _too_long(_l("Section title"), TITLE_MAX)])
    title_cy = LineField(_l("Section title in Welsh (optional)"), widget=GovTextInput(),
                         validators=[_too_long(_l("Section title"), TITLE_MAX)])
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


def parse_choices(text: str) -> list[tuple[str, str | None]]:
    """One choice a line, "English" or "English | Welsh"; blank lines are ignored."""
    choices = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        en, _sep, cy = line.partition("|")
        choices.append((" ".join(en.split()), " ".join(cy.split()) or None))
    return choices


class ItemForm(FlaskForm):
    """Add (with ``kind``) or edit a question. Fields a kind does not use are left out."""

    kind = HiddenField()
    text_en = TextField(_l("Question in English"), widget=GovTextArea(), validators=[
        DataRequired(_l("Enter the question in English")), _too_long(_l("The question"), TEXT_MAX)])
    text_cy = TextField(_l("Question in Welsh (optional)"), widget=GovTextArea(),
                        validators=[_too_long(_l("The question"), TEXT_MAX)])
    hint_en = TextField(_l("Hint in English (optional)"), widget=GovTextArea(),
                        description=_l("A short explanation shown under the question."),
                        validators=[_too_long(_l("The hint"), TEXT_MAX)])
    hint_cy = TextField(_l("Hint in Welsh (optional)"), widget=GovTextArea(),
                        validators=[_too_long(_l("The hint"), TEXT_MAX)])
    required = BooleanField(_l("An answer is required"), widget=GovCheckboxInput())
    choices = TextField(_l("Choices"), widget=GovTextArea(),
                        description=_l("One choice a line. To give the Welsh too, write it after a "
                                       "vertical bar, for example: Every day | Bob dydd"))
    dont_know = BooleanField(_l("Include “Don't know”"), widget=GovCheckboxInput())
    yes_is_positive = BooleanField(_l("“Yes” is the positive answer"), widget=GovCheckboxInput(),
                                   description=_l("Tick for questions such as “Would you recommend this "
                                                  "school?”; leave it for questions such as “Does your "
                                                  "child have SEND?”."))
    submit = SubmitField(_l("Save question"), widget=GovSubmitInput())

    def __init__(self, *args, item_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_kind = item_kind
        if item_kind not in ("single", "multiple"):
            del self.choices
        if item_kind not in ("agree", "yes_no"):
            del self.dont_know
        if item_kind != "yes_no":
            del self.yes_is_positive

    def validate_choices(self, field):
        choices = parse_choices(field.data)
        if any(not en for en, _cy in choices):
            raise ValidationError(_l("Write each choice in English before any “|” and Welsh"))
        if len(choices) < 2:
            raise ValidationError(_l("Give at least 2 choices, one a line"))
        if len(choices) > MAX_CHOICES:
            raise ValidationError(_l("Give at most %(max)d choices", max=MAX_CHOICES))
        if any(len(en) > CHOICE_MAX or len(cy or "") > CHOICE_MAX for en, cy in choices):
            raise ValidationError(_l("Each choice must be %(max)d characters or fewer", max=CHOICE_MAX))
        english = [en.casefold() for en, _cy in choices]
        if len(set(english)) != len(english):
            raise ValidationError(_l("Each choice must be different"))

    def item_input(self) -> ItemInput:
        return ItemInput(
            text_en=self.text_en.data, text_cy=self.text_cy.data, hint_en=self.hint_en.data,
            hint_cy=self.hint_cy.data, required=self.required.data,
            choices=parse_choices(self.choices.data) if "choices" in self else None,
            dont_know=self.dont_know.data if "dont_know" in self else False,
            yes_is_positive=self.yes_is_positive.data if "yes_is_positive" in self else False,
        )

    @classmethod
    def for_item(cls, item, **kwargs):
        options = item.options or {}
        data = dict(
            text_en=item.text_en, text_cy=item.text_cy or "", hint_en=item.hint_en or "",
            hint_cy=item.hint_cy or "", required=item.required,
            choices="\n".join(o["en"] + (f" | {o['cy']}" if o.get("cy") else "") for o in options.get("choices", [])),
            dont_know=options.get("dont_know", item.kind == "agree"),
            yes_is_positive=options.get("yes_is_positive", False),
        )
        return cls(item_kind=item.kind, data=data, **kwargs)


class ActionForm(FlaskForm):
    """A button's form: only the CSRF token, plus the direction for Move up / Move down."""

    direction = HiddenField()
    confirm = HiddenField()
