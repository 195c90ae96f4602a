"""Words for the reviews' stored codes (states, activities, estimates), translated when shown."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "proposed": _l("Proposed"),
    "confirmed": _l("Confirmed"),
    "in_progress": _l("In progress"),
    "submitted": _l("Submitted"),
    "agreed": _l("Agreed"),
}

ACTIVITY_LABELS = {
    "lesson_visit": _l("Lesson visit"),
    "learning_walk": _l("Learning walk"),
    "book_look": _l("Book look"),
    "pupil_conversation": _l("Pupil conversation"),
    "staff_conversation": _l("Staff conversation"),
    "leader_meeting": _l("Meeting with leaders"),
    "data": _l("Data"),
}

ESTIMATE_LABELS = {
    "leading": _l("Leading"),
    "effective": _l("Effective"),
    "working_towards": _l("Working towards effective"),
    "ineffective": _l("Ineffective"),
}
