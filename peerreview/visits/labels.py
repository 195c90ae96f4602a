"""Words for the visits' states, year groups and people's parts, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from peerreview.visits.focus import BY_KEY
from peerreview.visits.models import MAX_YEAR_GROUP, MIN_YEAR_GROUP

STATE_LABELS = {
    "planned": _l("Planned"),
    "open": _l("Feedback open"),
    "closed": _l("Feedback closed"),
}
STATE_COLOURS = {"planned": "blue", "open": "yellow", "closed": "green"}

PART_LABELS = {
    "admin": _l("Partnership admin"),
    "host_head": _l("Host school’s head"),
    "host_staff": _l("Host school"),
    "visiting_staff": _l("Visiting school"),
    "creator": _l("Organiser"),
}
PART_ORDER = ("host_head", "host_staff", "visiting_staff", "creator", "admin")

FACE_LABELS = {"happy": _l("Happy"), "ok": _l("OK"), "sad": _l("Sad")}
LIKE_LABELS = {"yes": _l("Yes"), "maybe": _l("Maybe"), "no": _l("No")}


def year_label(year_group: int | None) -> str:
    if year_group is None:
        return ""
    if year_group == 0:
        return _("Reception")
    return _("Year %(number)d", number=year_group)


def year_choices() -> list[tuple[int, str]]:
    return [(n, year_label(n)) for n in range(MIN_YEAR_GROUP, MAX_YEAR_GROUP + 1)]


def parts_label(parts: set[str]) -> str:
    return ", ".join(str(PART_LABELS[p]) for p in PART_ORDER if p in parts)


def focus_title(visit, locale: str | None = None) -> str:
    """The focus as the reader should see it: the bank's Welsh title in Welsh when the head kept
    the bank's wording; otherwise what the head wrote."""
    focus = BY_KEY.get(visit.focus_key or "")
    if focus is not None and (not visit.focus_title or visit.focus_title == focus.en):
        return focus.cy if (locale or "").startswith("cy") else focus.en
    return visit.focus_title or ""


def prompt_text(prompt, locale: str | None = None) -> str:
    if (locale or "").startswith("cy") and prompt.text_cy:
        return prompt.text_cy
    return prompt.text_en
