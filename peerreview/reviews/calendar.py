"""iCalendar (.ics) for reviews: one review's event, and each person's feed of their reviews.

A review is an event from 08:30 to 16:00 (Europe/London) on its date, with the host school as
summary and location (its postcode), the team in the description, a UID made of the review id
and the site's domain (so a calendar updates the same event when it changes), and a SEQUENCE
that counts the date changes made since the round was proposed.

Calendar apps cannot sign in, so a person's feed address carries a token: their person id
signed with the app's secret (itsdangerous, salt "calendar-feed"). A forged or altered token
is not found (404). The address never expires; it shows dates, schools and team names only.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select
from werkzeug.routing import BuildError

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.reviews.models import Review

TZID = "Europe/London"
DAY_STARTS = time(8, 30)
DAY_ENDS = time(16, 0)
SALT = "calendar-feed"
PRODID = "-//School Peer Review//Peer review calendar//EN"


# --- feed tokens ----------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def feed_token(person) -> str:
    return _serializer().dumps(person.id)


def person_id_from_token(token: str) -> int | None:
    """The person a feed token was made for, or None when it was not made here."""
    if not token or len(token) > 200:
        return None
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def feed_url(person) -> str:
    return url_for("review_calendar.feed", token=feed_token(person), _external=True)


# --- events ---------------------------------------------------------------------------------


def _domain() -> str:
    configured = current_app.config.get("CALENDAR_UID_DOMAIN") or current_app.config.get("SERVER_NAME")
    if configured:
        return str(configured).split(":")[0]
    if has_request_context():
        return request.host.split(":")[0]
    return "peer-review.local"


def uid(review: Review) -> str:
    return f"review-{review.id}@{_domain()}"


def _review_url(review: Review) -> str:
    try:
        return url_for("reviews.show", review_id=review.id, _external=True)
    except BuildError:
        return (request.url_root.rstrip("/") if has_request_context() else "") + f"/manage/reviews/{review.id}"


def date_change_counts(review_ids: list[int]) -> dict[int, int]:
    """How many times each review's date has been changed by hand (from the audit log, whose
    "review.date_changed" events start "review <id> ")."""
    if not review_ids:
        return {}
    counts: dict[int, int] = {}
    for start in range(0, len(review_ids), 200):
        chunk = review_ids[start:start + 200]
        rows = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "review.date_changed",
                                            or_(*(AuditEvent.detail.like(f"review {i} %") for i in chunk))))
        for detail in rows:
            review_id = int(detail.split(" ", 2)[1])
            counts[review_id] = counts.get(review_id, 0) + 1
    return counts


def _london() -> Timezone:
    """Europe/London as a VTIMEZONE with its current rule (GMT/BST, last Sundays of March and October)."""
    tz = Timezone()
    tz.add("tzid", TZID)
    standard = TimezoneStandard()
    standard.add("tzname", "GMT")
    standard.add("dtstart", datetime(1996, 10, 27, 2, 0))
    standard.add("tzoffsetfrom", timedelta(hours=1))
    standard.add("tzoffsetto", timedelta(hours=0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    daylight = TimezoneDaylight()
    daylight.add("tzname", "BST")
    daylight.add("dtstart", datetime(1981, 3, 29, 1, 0))
    daylight.add("tzoffsetfrom", timedelta(hours=0))
    daylight.add("tzoffsetto", timedelta(hours=1))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    tz.add_component(standard)
    tz.add_component(daylight)
    return tz


def event(review: Review, *, sequence: int = 0) -> Event:
    host = review.host
    tz = ZoneInfo(TZID)
    e = Event()
    e.add("uid", uid(review))
    e.add("dtstamp", datetime.now(UTC))
    e.add("dtstart", datetime.combine(review.review_date, DAY_STARTS, tzinfo=tz))
    e.add("dtend", datetime.combine(review.review_date, DAY_ENDS, tzinfo=tz))
    e.add("sequence", sequence)
    e.add("summary", _("Peer review: %(school)s", school=host.name))
    location = host.name + (f", {host.postcode}" if host.postcode else "")
    e.add("location", location)
    team = "\n".join(f"- {m.person.name}" + (f" ({_('lead reviewer')})" if m.is_lead else "") for m in review.team)
    link = _review_url(review)
    e.add("description", _("Peer review of %(school)s.\nTeam:\n%(team)s\n\n%(link)s",
                           school=host.name, team=team or "-", link=link))
    e.add("url", link)
    if review.updated_at:
        e.add("last-modified", review.updated_at.replace(tzinfo=UTC))
    e.add("status", "CONFIRMED" if review.status != "proposed" else "TENTATIVE")
    return e


def calendar(reviews: list[Review], *, name: str | None = None) -> bytes:
    """A VCALENDAR with one event per review that has a date."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    cal.add_component(_london())
    dated = [r for r in reviews if r.review_date is not None]
    sequences = date_change_counts([r.id for r in dated])
    for review in dated:
        cal.add_component(event(review, sequence=sequences.get(review.id, 0)))
    return cal.to_ical()
