"""Calendar files: a review's .ics for those who may view it, each person's signed feed of
their own published reviews, and the schedule page that shows the feed's address."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from itsdangerous import URLSafeSerializer

from peerreview.extensions import db
from peerreview.reviews import rounds_ops
from peerreview.reviews.models import Review, ReviewRound, TeamMember
from tests.conftest import sign_in

LONDON = ZoneInfo("Europe/London")


def _events(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


def _ics_url(review):
    return f"/manage/reviews/{review.id}/calendar.ics"


def test_review_ics_has_the_date_school_team_and_a_stable_uid(client, review_world):
    w = review_world
    sign_in(client, w.lead.email)
    events = _events(client.get(_ics_url(w.review)))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Peer review: Ash Primary"
    assert event.decoded("dtstart") == datetime(2027, 1, 12, 8, 30, tzinfo=LONDON)
    assert event.decoded("dtend") == datetime(2027, 1, 12, 16, 0, tzinfo=LONDON)
    assert str(event["uid"]) == f"review-{w.review.id}@localhost"
    description = str(event["description"])
    assert "Lead@North.Example" not in description
    assert f"{w.lead.name} (lead reviewer)" in description and w.reviewer.name in description
    assert f"/manage/reviews/{w.review.id}" in description
    assert str(event["location"]).startswith("Ash Primary")
    assert int(event["sequence"]) == 0
    assert 'attachment; filename="peer-review-' in client.get(_ics_url(w.review)).headers["Content-Disposition"]


@pytest.mark.parametrize("who, expected", [
    ("admin", 200), ("head_a", 200), ("reviewer", 200),
    ("head_b", 403), ("colleague", 403), ("other_admin", 404),
])
def test_review_ics_is_for_people_who_may_view_the_review(client, review_world, who, expected):
    sign_in(client, getattr(review_world, who).email)
    assert client.get(_ics_url(review_world.review)).status_code == expected


def test_review_without_a_date_has_no_calendar_file(client, review_world):
    review_world.review.review_date = None
    db.session.commit()
    sign_in(client, review_world.admin.email)
    assert client.get(_ics_url(review_world.review)).status_code == 409


def test_sequence_goes_up_when_the_date_changes(client, review_world):
    w = review_world
    rounds_ops.change_date(w.review, date(2027, 1, 14), actor=w.admin)
    sign_in(client, w.admin.email)
    event = _events(client.get(_ics_url(w.review)))[0]
    assert event.decoded("dtstart").date() == date(2027, 1, 14)
    assert int(event["sequence"]) == 1


# --- feeds ----------------------------------------------------------------------------------


def _feed_path(client, email):
    sign_in(client, email)
    page = client.get("/manage/rounds/schedule").get_data(as_text=True)
    match = re.search(r"http://localhost(/calendar/[^<\s]+\.ics)", page)
    assert match, "the schedule page shows the feed address"
    client.get("/logout")
    return match.group(1)


def _other_reviews(w, world):
    """A second published round where the lead is not on the team, and a draft one where they are."""
    p = w.partnership
    elm = world.school(p, "Elm Infants", easting=501000, northing=201000)
    published = ReviewRound(partnership=p, name="Autumn 2027", window_start=date(2027, 9, 6),
                            window_end=date(2027, 10, 15), status="published")
    published.reviews.append(Review(host=elm, status="confirmed", review_date=date(2027, 9, 8),
                                    team=[TeamMember(person=w.reviewer, is_lead=False)]))
    draft = ReviewRound(partnership=p, name="Draft round", window_start=date(2027, 11, 1), window_end=date(2027, 11, 30))
    draft.reviews.append(Review(host=w.damson, status="proposed", review_date=date(2027, 11, 3),
                                team=[TeamMember(person=w.lead, is_lead=True)]))
    db.session.add_all([published, draft])
    db.session.commit()


def test_feed_lists_only_the_persons_published_reviews(client, review_world, world):
    w = review_world
    _other_reviews(w, world)
    path = _feed_path(client, w.lead.email)
    events = _events(client.get(path))  # signed out: calendar apps cannot sign in
    assert [str(e["summary"]) for e in events] == ["Peer review: Ash Primary"]

    path = _feed_path(client, w.reviewer.email)
    assert sorted(str(e["summary"]) for e in _events(client.get(path))) == [
        "Peer review: Ash Primary", "Peer review: Elm Infants"]

    # The host head's feed has their school's review.
    path = _feed_path(client, w.head_a.email)
    assert [str(e["summary"]) for e in _events(client.get(path))] == ["Peer review: Ash Primary"]

    # Someone with no part in any review gets an empty calendar, not an error.
    path = _feed_path(client, w.head_b.email)
    assert _events(client.get(path)) == []


def test_a_forged_or_altered_feed_token_is_not_found(client, review_world, app):
    w = review_world
    path = _feed_path(client, w.lead.email)
    token = path[len("/calendar/"):-len(".ics")]
    # A changed character in the middle of the signature (the last one may only carry padding bits).
    middle = len(token) - 10
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    assert client.get(f"/calendar/{altered}.ics").status_code == 404
    wrong_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(w.lead.id)
    assert client.get(f"/calendar/{wrong_salt}.ics").status_code == 404
    wrong_key = URLSafeSerializer("not-the-secret", salt="calendar-feed").dumps(w.lead.id)
    assert client.get(f"/calendar/{wrong_key}.ics").status_code == 404
    assert client.get("/calendar/x.ics").status_code == 404
    # Another person's id cannot be swapped into a real token.
    assert client.get(f"/calendar/{w.reviewer.id}.{token.split('.')[-1]}.ics").status_code == 404


def test_a_deactivated_persons_feed_stops(client, review_world):
    w = review_world
    path = _feed_path(client, w.lead.email)
    w.lead.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_schedule_lists_reviews_with_team_and_link(client, review_world):
    w = review_world
    sign_in(client, w.reviewer.email)
    page = client.get("/manage/rounds/schedule").get_data(as_text=True)
    assert "Ash Primary" in page and f"/manage/reviews/{w.review.id}" in page
    assert f"{w.lead.name} (lead)" in page
    assert "12 Jan 2027" in page
    assert _ics_url(w.review) in page


def test_schedule_is_empty_for_someone_with_no_reviews(client, review_world):
    sign_in(client, review_world.colleague.email)
    page = client.get("/manage/rounds/schedule").get_data(as_text=True)
    assert "You have no peer reviews in a published round." in page
