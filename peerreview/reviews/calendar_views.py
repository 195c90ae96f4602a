"""Calendar files: one review's .ics (for anyone who may view the review) and each person's
feed at /calendar/<token>.ics (no sign-in: calendar apps cannot; the token is signed)."""
from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from peerreview.core.accounts.models import Person
from peerreview.extensions import db
from peerreview.reviews import access, calendar, rounds_queries
from peerreview.reviews.access import ReviewAction

bp = Blueprint("review_calendar", __name__)


def _ics(body: bytes, filename: str | None = None, *, private: bool = True) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if private else "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/manage/reviews/<int:review_id>/calendar.ics")
@login_required
def review_ics(review_id: int):
    review = access.review_or_404(current_user, review_id)
    access.require(current_user, ReviewAction.VIEW, review)
    if review.review_date is None:
        abort(409, description=_("This review has no date yet, so there is nothing to add to a calendar."))
    return _ics(calendar.calendar([review]), f"peer-review-{review.id}.ics")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    person_id = calendar.person_id_from_token(token)
    person = db.session.get(Person, person_id) if person_id is not None else None
    if person is None or not person.active:
        abort(404)
    # The feed answers for the person the token names, whoever may be signed in.
    reviews = rounds_queries.feed_reviews(person)
    return _ics(calendar.calendar(reviews, name=_("Peer reviews")))
