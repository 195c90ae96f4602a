"""The reviewer's visit record as questionnaire items: what each field is, its words in English
and Welsh, its choices, and whether a value the browser sent may be stored.

The fields are transient ``surveys.models.Item`` objects (never added to the session), so the
record is checked by the same question types as any survey answer (``surveys.questions``):
long text for strengths and areas to explore, a single choice for the estimate, the
evidence log's activity and theme, short text for who was involved and the host partner.

Values are stored as typed (autosave sends them while the reviewer is still writing); a blank
value clears the field. ``Invalid`` carries a message fit to show the reviewer.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from peerreview.reviews.labels import ACTIVITY_LABELS, ESTIMATE_LABELS
from peerreview.reviews.models import ACTIVITIES, ESTIMATES, RECORD_FIELDS
from surveys.insights.themes import CODEBOOK
from surveys.models import Item
from surveys.questions import LONG_TEXT_MAX, SHORT_TEXT_MAX, localised, question_for

FINDING_FIELDS = RECORD_FIELDS  # strengths, areas, estimate
TEXT_FINDINGS = ("strengths", "areas")
EVIDENCE_KEYS = ("activity", "who", "host_partner", "notes", "theme")
CHOICE_KEYS = ("activity", "theme")  # stored as NULL when blank
# What PostgreSQL's text type cannot hold (NUL), and other control characters no keyboard types.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Invalid(ValueError):
    """A value that may not be stored; ``str(error)`` is the reason, for the reviewer."""


def _options(labels: dict, order: tuple[str, ...]) -> list[dict]:
    """Choices for ``item.options``: {"value", "en", "cy"}, each label in both languages."""
    with force_locale("en_GB"):
        english = {key: str(labels[key]) for key in order}
    with force_locale("cy"):
        welsh = {key: str(labels[key]) for key in order}
    return [{"value": key, "en": english[key], "cy": welsh[key]} for key in order]


def _item(key: str, kind: str, text_en: str, text_cy: str, hint_en: str = "", hint_cy: str = "",
          options: dict | None = None) -> Item:
    return Item(key=key, kind=kind, text_en=text_en, text_cy=text_cy, hint_en=hint_en or None,
                hint_cy=hint_cy or None, required=False, options=options or {})


def finding_items(use_estimates: bool) -> dict[str, Item]:
    """The findings a reviewer writes for each line of enquiry, in the order shown."""
    items = {
        "strengths": _item(
            "strengths", "long_text", "Strengths", "Cryfderau",
            "What is working well, and the evidence that shows it.",
            "Beth sy’n gweithio’n dda, a’r dystiolaeth sy’n dangos hynny."),
        "areas": _item(
            "areas", "long_text", "Areas to explore", "Meysydd i’w harchwilio",
            "What the school might look at further, and why.",
            "Beth allai’r ysgol edrych arno ymhellach, a pham."),
    }
    if use_estimates:
        items["estimate"] = _item(
            "estimate", "single", "Estimate", "Amcangyfrif",
            "Your own estimate for this line of enquiry, before the team agrees one.",
            "Eich amcangyfrif eich hun ar gyfer y llinell ymholi hon, cyn i’r tîm gytuno ar un.",
            {"choices": _options(ESTIMATE_LABELS, ESTIMATES)})
    return items


def theme_labels() -> dict:
    return {theme.key: theme.name for theme in CODEBOOK}


def evidence_items() -> dict[str, Item]:
    """The fields of one evidence log entry, in the order shown."""
    return {
        "activity": _item(
            "activity", "single", "Activity", "Gweithgaredd",
            options={"choices": _options(ACTIVITY_LABELS, ACTIVITIES)}),
        "who": _item(
            "who", "short_text", "Who was involved", "Pwy oedd yn rhan",
            "Roles or year groups, not pupils’ names.",
            "Rolau neu grwpiau blwyddyn, nid enwau disgyblion."),
        "host_partner": _item(
            "host_partner", "short_text", "Host partner", "Partner o’r ysgol sy’n croesawu",
            "The colleague from the school who was with you.",
            "Y cydweithiwr o’r ysgol a oedd gyda chi."),
        "notes": _item("notes", "long_text", "Notes", "Nodiadau"),
        "theme": _item(
            "theme", "single", "Theme", "Thema", "Optional.", "Dewisol.",
            {"choices": _options(theme_labels(), tuple(t.key for t in CODEBOOK))}),
    }


# --- words for the page ---------------------------------------------------------------------


def label(item: Item, locale: str) -> str:
    return localised(item, "text", locale) or item.text_en


def hint(item: Item, locale: str) -> str:
    return localised(item, "hint", locale) or ""


def choices(item: Item, locale: str) -> list[tuple[str, str]]:
    return question_for(item).choices(locale)


def max_length(item: Item) -> int | None:
    if item.kind == "long_text":
        return item.options.get("max_length", LONG_TEXT_MAX)
    if item.kind == "short_text":
        return item.options.get("max_length", SHORT_TEXT_MAX)
    return None


# --- checking what the browser sent ----------------------------------------------------------


def _name(item: Item) -> str:
    return label(item, str(get_locale() or "en_GB"))


def _clean(item: Item, value, what: str) -> str:
    """The value to store for one item ("" for blank), or Invalid."""
    if not isinstance(value, str):
        raise Invalid(_l("%(field)s must be text.", field=what))
    question = question_for(item)
    if question.clean(value) is None:
        return ""
    if _UNSTORABLE.search(value):
        raise Invalid(_l("%(field)s contains characters that cannot be saved.", field=what))
    if question.is_text:
        value = value.replace("\r\n", "\n")
        if not question.is_valid_value(value):
            raise Invalid(_l("%(field)s is too long: keep it to %(max)d characters or fewer.",
                             field=what, max=max_length(item)))
        return value
    if not question.is_valid_value(value):
        raise Invalid(_l("“%(value)s” is not one of the choices for %(field)s.", value=value[:40], field=what))
    return value


def clean_finding(field: str, value, use_estimates: bool) -> str:
    """A finding's value to store, or Invalid (unknown field, an estimate when estimates are off,
    a choice not on the list, too long)."""
    items = finding_items(use_estimates)
    if field not in items:
        if field == "estimate":
            raise Invalid(_l("Estimates are not used in this round."))
        raise Invalid(_l("“%(field)s” is not part of the record.", field=str(field)[:40]))
    return _clean(items[field], value, _name(items[field]))


def clean_evidence(values) -> dict[str, str | None]:
    """An evidence entry's values to store (blank choices as None), or Invalid."""
    if not isinstance(values, dict):
        raise Invalid(_l("An evidence entry must be a set of named values."))
    unknown = set(values) - set(EVIDENCE_KEYS)
    if unknown:
        raise Invalid(_l("“%(field)s” is not part of an evidence entry.", field=sorted(unknown)[0][:40]))
    cleaned: dict[str, str | None] = {}
    for key, item in evidence_items().items():
        value = _clean(item, values.get(key, ""), _name(item))
        cleaned[key] = (value or None) if key in CHOICE_KEYS else value
    return cleaned


def clean_client_id(value) -> str:
    """The browser's id for an evidence entry: a UUID, stored in its canonical form."""
    try:
        if not isinstance(value, str) or len(value) > 36:
            raise ValueError
        return str(uuid.UUID(value))
    except ValueError:
        raise Invalid(_l("An evidence entry has no valid id.")) from None


# --- the page without scripts ------------------------------------------------------------------


def digest(value) -> str:
    """A short fingerprint of a value as the page showed it, so the plain form sends only what
    the reviewer changed (an untouched field another device has since changed is no conflict)."""
    if isinstance(value, dict):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(str(value).replace("\r\n", "\n").encode("utf-8")).hexdigest()[:16]


def _int(value: str | None, default: int = -1) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def changes_from_form(form, review) -> tuple[dict, dict]:
    """The plain form as one autosave ({"save_id", "changes"}), with only the parts the reviewer
    changed, and what was posted for each part (to show again if the save is refused)."""
    changes: list[dict] = []
    posted: dict[str, dict] = {}
    names = ["strengths", "areas"] + (["estimate"] if review.round.use_estimates else [])
    for line in review.lines:
        for name in names:
            field_name = f"f-{line.id}-{name}"
            if field_name not in form:
                continue
            value = form.get(field_name, "")
            base = _int(form.get(f"fb-{line.id}-{name}"))
            key = f"field:{line.id}:{name}"
            shown = form.get(f"fo-{line.id}-{name}")
            posted[key] = {"value": value, "base": base, "digest": shown}
            if digest(value) != shown:
                changes.append({"type": "field", "line_id": line.id, "field": name, "value": value, "base": base})
    for client_id in form.getlist("entry"):
        prefix = f"e-{client_id}"
        values = {key: form.get(f"{prefix}-{key}", "") for key in EVIDENCE_KEYS}
        deleted = form.get(f"{prefix}-remove") == "1"
        base = _int(form.get(f"eb-{client_id}"))
        if base == 0 and not deleted and not any(v.strip() for v in values.values()):
            continue  # the blank entry at the end of a line, left blank
        line_id = _int(form.get(f"{prefix}-line"))
        key = f"evidence:{client_id}"
        shown = form.get(f"eo-{client_id}")
        posted[key] = {"value": {"line_id": line_id, "values": values, "deleted": deleted}, "base": base,
                       "digest": shown}
        if deleted or digest(values) != shown:
            changes.append({"type": "evidence", "client_id": client_id, "line_id": line_id, "values": values,
                            "deleted": deleted, "base": base})
    return {"save_id": form.get("save_id", ""), "changes": changes}, posted
