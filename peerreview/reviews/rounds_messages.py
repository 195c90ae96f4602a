"""The rules' and the pairing's codes in words: the one place a violation or an unplaced
host's reason becomes a translated sentence an admin can act on."""
from __future__ import annotations

from flask_babel import format_date, format_decimal, gettext as _, ngettext

from peerreview.reviews.problem import RoundPicture

# The reasons a reviewer may be kept from a host, as short phrases (for counts and the picker).
PAIR_REASON_PHRASES = {
    "own_school": lambda: _("works at the school"),
    "untrained": lambda: _("not trained"),
    "conflict": lambda: _("conflict of interest"),
    "same_cluster": lambda: _("same cluster"),
    "same_trust": lambda: _("same trust"),
    "location_unknown": lambda: _("location unknown"),
    "too_far": lambda: _("too far"),
}


def pair_reason_phrase(code: str, detail: dict | None = None) -> str:
    """Why a reviewer may not join a host's team at all, in a few words (the picker's reason)."""
    if code == "too_far" and detail and detail.get("max_km") is not None:
        return _("too far (the limit is %(max)s km)", max=_km(detail["max_km"]))
    phrase = PAIR_REASON_PHRASES.get(code)
    return phrase() if phrase else code


def _day(iso: str | None) -> str:
    from datetime import date

    try:
        return format_date(date.fromisoformat(iso), "medium") if iso else "?"
    except ValueError:
        return iso or "?"


def _km(value) -> str:
    return format_decimal(round(float(value), 1)) if value is not None else "?"


def explain(code: str, detail: dict | None, names: RoundPicture, *, host_id: int | None = None,
            person_id: int | None = None) -> str:
    """A violation of the round's rules (:func:`rules.violations`) or the reason the pairing
    left a host unplaced (:class:`pairing.Unplaced`), as one sentence."""
    d = detail or {}
    host = names.school(host_id)
    person = names.person(person_id)
    if code == "own_school":
        return _("%(person)s works at %(host)s, and nobody reviews their own school.", person=person, host=host)
    if code == "untrained":
        return _("%(person)s has no reviewer training recorded.", person=person)
    if code == "conflict":
        return _("%(person)s has a conflict of interest with %(host)s.", person=person, host=host)
    if code == "same_cluster":
        return _("%(person)s works in the same cluster as %(host)s, and this round keeps reviewers out of "
                 "their own cluster.", person=person, host=host)
    if code == "same_trust":
        return _("%(person)s works in the same trust as %(host)s (%(trust)s), and this round keeps reviewers "
                 "out of their own trust.", person=person, host=host, trust=d.get("trust", ""))
    if code == "location_unknown":
        missing = ", ".join(names.school(s) for s in d.get("missing", [])) or "?"
        return _("The distance from %(person)s’s school to %(host)s cannot be worked out: no location is "
                 "recorded for %(schools)s.", person=person, host=host, schools=missing)
    if code == "too_far":
        return _("%(person)s’s school is %(km)s km from %(host)s, more than this round’s limit of %(max)s km.",
                 person=person, host=host, km=_km(d.get("km")), max=_km(d.get("max_km")))
    if code == "lead_not_experienced":
        return _("%(person)s is not an experienced lead reviewer, so cannot lead the team for %(host)s.",
                 person=person, host=host)
    if code == "overloaded":
        return _("%(person)s would have %(reviews)d reviews in this round; the most is %(max)d.",
                 person=person, reviews=d.get("reviews", 0), max=d.get("max", 0))
    if code == "double_booked":
        return _("%(person)s would have two reviews on %(day)s.", person=person, day=_day(d.get("day")))
    if code == "reciprocal":
        return _("%(host)s and %(other)s would review each other (reviewers from each on the other’s team), "
                 "which this round does not allow.", host=host, other=names.school(d.get("other_host_id")))
    if code == "team_size":
        return _("The team for %(host)s has %(size)d reviewers; this round needs %(min)d to %(max)d.",
                 host=host, size=d.get("size", 0), min=d.get("min", 0), max=d.get("max", 0))
    if code == "no_lead":
        return _("The team for %(host)s has no lead reviewer.", host=host)
    if code == "several_leads":
        return _("The team for %(host)s has more than one lead reviewer.", host=host)
    if code == "member_twice":
        return _("%(person)s is on the team for %(host)s twice.", person=person, host=host)
    if code == "no_day":
        return _("The review of %(host)s has no date.", host=host)
    if code == "day_outside_window":
        return _("%(day)s is not a weekday in this round’s window (%(first)s to %(last)s).",
                 day=_day(d.get("day")), first=_day(d.get("first")), last=_day(d.get("last")))
    if code == "host_twice":
        return _("%(host)s has more than one review in this round.", host=host)
    if code == "not_a_host":
        return _("%(host)s is not one of this round’s host schools.", host=host)
    if code == "unknown_reviewer":
        return _("%(person)s is no longer an active reviewer in this partnership.", person=person)
    # Why the pairing could not place a host.
    if code == "no_trained_reviewers_in_reach":
        if d.get("trained") == 0:
            return _("No reviewer in this partnership has a training date recorded, so nobody can review %(host)s "
                     "yet. Record reviewers’ training on the People page.", host=host)
        blocked = d.get("blocked") or {}
        reasons = "; ".join(
            f"{PAIR_REASON_PHRASES[c]()}: {n}" for c, n in blocked.items() if c in PAIR_REASON_PHRASES)
        text = _("No trained reviewer may review %(host)s.", host=host)
        if reasons:
            text += " " + _("Reviewers kept away, by reason: %(reasons)s.", reasons=reasons)
        return text
    if code == "no_lead_in_reach":
        return ngettext("%(num)d reviewer could review %(host)s, but none of them is an experienced lead.",
                        "%(num)d reviewers could review %(host)s, but none of them is an experienced lead.",
                        d.get("in_reach", 0), host=host)
    if code == "not_enough_reviewers_in_reach":
        return ngettext("Only %(num)d reviewer could review %(host)s; a team needs at least %(min)d.",
                        "Only %(num)d reviewers could review %(host)s; a team needs at least %(min)d.",
                        d.get("in_reach", 0), host=host, min=d.get("team_min", 0))
    if code == "capacity":
        return ngettext("%(num)d reviewer could review %(host)s, but they are all needed for other reviews "
                        "(or would make a reciprocal pair).",
                        "%(num)d reviewers could review %(host)s, but they are all needed for other reviews "
                        "(or would make a reciprocal pair).", d.get("in_reach", 0), host=host)
    if code == "no_free_day":
        return _("A team was found for %(host)s, but no day in the window when all of them are free.", host=host)
    return _("%(host)s could not be placed (%(code)s).", host=host, code=code)


def violation_text(violation, names: RoundPicture) -> str:
    return explain(violation.code, violation.detail, names, host_id=violation.host_id, person_id=violation.person_id)


def unplaced_text(host_id: int, reason: dict | None, names: RoundPicture) -> str:
    reason = reason or {}
    return explain(str(reason.get("code", "")), reason.get("detail"), names, host_id=host_id)


def ordinal_load(index: int, total: int) -> str:
    """Where this review falls among a reviewer's reviews in the round."""
    if total <= 1:
        return _("their only review in this round")
    return _("review %(index)d of their %(total)d", index=index, total=total)


def distance_text(km: float | None, home: str) -> str:
    if km is None:
        return _("distance from %(school)s not known", school=home)
    return _("%(km)s km from %(school)s", km=_km(km), school=home)
