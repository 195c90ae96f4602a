"""The children's feedback form and interview sheet as questionnaire items.

The fields are transient ``surveys.models.Item`` objects (never added to the session), built and
checked by the questionnaire engine's question types (``surveys.questions``): a faces scale for
each of the head's prompts, long text for "two stars and a wish", and a yes / maybe / no choice for
"Would you like this at your school?". The fixed questions' wording, in English and Welsh, is
written here, in short sentences a seven-year-old can read; the prompts carry the head's own.

Messages are kind: a child who sends an empty form is asked to answer at least one question,
not told they made an error.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from peerreview.visits.models import LIKE_ANSWERS, MAX_YEAR_GROUP, MIN_YEAR_GROUP, PupilVisit
from surveys.models import Item
from surveys.questions import field_name, localised, question_for

TEXT_MAX = 500  # each star and the wish
INTERVIEW_QUESTION_MAX = 300
INTERVIEW_ANSWER_MAX = 1000
FACE_VALUES = ("happy", "ok", "sad")
TEXT_KEYS = ("star_1", "star_2", "wish")
LIKE_KEY = "like"
# Control characters no keyboard types (PostgreSQL's text cannot hold NUL): dropped, not refused.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

KIND_HINT_EN = "Be kind and helpful."
KIND_HINT_CY = "Bydd yn garedig ac yn barod i helpu."


def _item(key: str, kind: str, text_en: str, text_cy: str | None, hint_en: str = "", hint_cy: str = "",
          options: dict | None = None) -> Item:
    return Item(key=key, kind=kind, text_en=text_en, text_cy=text_cy or None, hint_en=hint_en or None,
                hint_cy=hint_cy or None, required=False, options=options or {})


def face_key(prompt_id: int) -> str:
    return f"face_{prompt_id}"


def feedback_items(visit: PupilVisit) -> list[Item]:
    """The form's questions in the order shown: a faces scale for each prompt, two stars and a
    wish, and "Would you like this at your school?"."""
    items = [_item(face_key(p.id), "faces", p.text_en, p.text_cy) for p in visit.prompts]
    text = {"max_length": TEXT_MAX}
    items += [
        _item("star_1", "long_text", "Something I liked", "Rhywbeth roeddwn i'n ei hoffi",
              KIND_HINT_EN, KIND_HINT_CY, text),
        _item("star_2", "long_text", "Another thing I liked", "Rhywbeth arall roeddwn i'n ei hoffi",
              KIND_HINT_EN, KIND_HINT_CY, text),
        _item("wish", "long_text", "One wish", "Un dymuniad",
              "What would make it even better? " + KIND_HINT_EN,
              "Beth fyddai'n ei wneud yn well fyth? " + KIND_HINT_CY, text),
        _item(LIKE_KEY, "single", "Would you like this at your school?", "Hoffet ti gael hyn yn dy ysgol di?",
              options={"choices": [{"value": "yes", "en": "Yes", "cy": "Ie"},
                                   {"value": "maybe", "en": "Maybe", "cy": "Efallai"},
                                   {"value": "no", "en": "No", "cy": "Na"}]}),
    ]
    return items


def year_group_choices() -> list[dict]:
    """Reception to Year 13, in English and Welsh."""
    choices = [{"value": "0", "en": "Reception", "cy": "Derbyn"}]
    choices += [{"value": str(n), "en": f"Year {n}", "cy": f"Blwyddyn {n}"}
                for n in range(max(MIN_YEAR_GROUP, 1), MAX_YEAR_GROUP + 1)]
    return choices


def interview_items() -> list[Item]:
    """The pupil interview sheet: the host pupil's year group (optional), the question asked and
    what they were told. No names."""
    return [
        _item("host_year", "single", "What year is the pupil in?", "Ym mha flwyddyn mae'r disgybl?",
              "You do not have to say.", "Does dim rhaid i ti ddweud.",
              {"choices": year_group_choices()}),
        _item("question", "short_text", "What did you ask?", "Beth wnest ti ofyn?",
              options={"max_length": INTERVIEW_QUESTION_MAX}),
        _item("answer", "long_text", "What did they tell you?", "Beth ddywedon nhw wrthot ti?",
              options={"max_length": INTERVIEW_ANSWER_MAX}),
    ]


# --- words for the page ---------------------------------------------------------------------


def text(item: Item, locale: str) -> str:
    return localised(item, "text", locale) or item.text_en


def hint(item: Item, locale: str) -> str:
    return localised(item, "hint", locale) or ""


def max_length(item: Item) -> int | None:
    return item.options.get("max_length") if question_for(item).is_text else None


# --- the form -------------------------------------------------------------------------------


class ChildFormBase(FlaskForm):
    """One field per item, named ``q_<item key>``; ``problem`` is the message about the form as a
    whole (nothing answered)."""

    problem: str | None = None


def build_form(items: list[Item], locale: str, formdata=None) -> ChildFormBase:
    fields = {field_name(item): question_for(item).make_field(locale) for item in items}
    form_class = type("ChildForm", (ChildFormBase,), fields)
    return form_class(formdata=formdata) if formdata is not None else form_class()


def _kind_errors(form: ChildFormBase, items: list[Item]) -> None:
    """The engine's messages, in words for children."""
    for item in items:
        bound = form[field_name(item)]
        if not bound.errors:
            continue
        if item.kind == "faces":
            bound.errors[:] = [str(_l("Please choose one of the faces."))]
        elif item.kind == "single":
            bound.errors[:] = [str(_l("Please choose one of the answers."))]
        elif question_for(item).is_text:
            bound.errors[:] = [str(_l("Please make this shorter. You can write up to %(max)d letters.",
                                      max=max_length(item)))]


def _clean_text(value) -> str:
    return _UNSTORABLE.sub("", (value or "")).replace("\r\n", "\n").strip()


@dataclass
class Feedback:
    """What a child's form comes to, ready to store."""

    faces: dict[str, str] = field(default_factory=dict)  # {prompt id: face}
    star_1: str = ""
    star_2: str = ""
    wish: str = ""
    like_at_school: str | None = None


def feedback_from(form: ChildFormBase, visit: PupilVisit) -> Feedback:
    feedback = Feedback()
    for prompt in visit.prompts:
        value = form[f"q_{face_key(prompt.id)}"].data
        if value in FACE_VALUES:
            feedback.faces[str(prompt.id)] = value
    for key in TEXT_KEYS:
        setattr(feedback, key, _clean_text(form[f"q_{key}"].data))
    like = form[f"q_{LIKE_KEY}"].data
    feedback.like_at_school = like if like in LIKE_ANSWERS else None
    return feedback


def check_feedback(form: ChildFormBase, visit: PupilVisit, items: list[Item]) -> Feedback | None:
    """The feedback to store, or None with the reasons on the form: at least one face or text is
    needed, texts of at most 500 characters, faces and the like answer from their lists."""
    valid = form.validate()
    _kind_errors(form, items)
    if not valid:
        return None
    feedback = feedback_from(form, visit)
    if not feedback.faces and not any(getattr(feedback, key) for key in TEXT_KEYS):
        if feedback.like_at_school:
            form.problem = str(_l("Please choose a face or write something you liked too."))
        else:
            form.problem = str(_l("Please answer at least one question."))
        return None
    return feedback


@dataclass
class Note:
    """An interview note, ready to store."""

    client_id: str
    host_year_group: int | None
    question: str
    answer: str


def clean_client_id(value) -> str | None:
    """The browser's id for a note as a canonical UUID, or None when it is not one."""
    try:
        if not isinstance(value, str) or len(value) > 36:
            return None
        return str(uuid.UUID(value))
    except ValueError:
        return None


def check_note(form: ChildFormBase, items: list[Item], raw_client_id) -> Note | None:
    """The note to store, or None with the reasons on the form (nothing written, too long, a year
    group not on the list, a missing id)."""
    valid = form.validate()
    _kind_errors(form, items)
    client_id = clean_client_id(raw_client_id)
    if not valid:
        return None
    answer = _clean_text(form["q_answer"].data)
    question = _clean_text(form["q_question"].data)
    if not answer:
        form["q_answer"].errors = [str(_l("Please write what they told you."))]
        return None
    if client_id is None:
        form.problem = str(_l("Something went wrong. Please press Save again."))
        return None
    year = form["q_host_year"].data
    return Note(client_id, int(year) if year not in (None, "") else None, question, answer)
