"""The review's states and what each allows: the one place for "can this still change?".

proposed -> confirmed (round published) -> in_progress (a reviewer starts the visit record)
-> submitted (the lead submits the report) -> agreed (the host head agrees the next steps).
"""
from __future__ import annotations

from peerreview.reviews.models import Review

NEXT = {
    "proposed": {"confirmed"},
    "confirmed": {"in_progress", "submitted"},
    "in_progress": {"submitted"},
    "submitted": {"agreed"},
    "agreed": set(),
}


class WrongState(Exception):
    """The review is past (or not yet at) the point where this change is allowed: a 409."""

    def __init__(self, review: Review, wanted: str):
        super().__init__(f"review {review.id} is {review.status}, cannot {wanted}")
        self.review = review
        self.wanted = wanted


def move(review: Review, to: str) -> None:
    """Change the review's state, or raise WrongState. The caller commits."""
    if to == review.status:
        return
    if to not in NEXT[review.status]:
        raise WrongState(review, to)
    review.status = to


def preparation_open(review: Review) -> bool:
    """The host may change its self-evaluation and lines of enquiry until the visit starts."""
    return review.status in ("proposed", "confirmed")


def record_open(review: Review) -> bool:
    """Reviewers may add to their records until the report is submitted."""
    return review.status in ("confirmed", "in_progress")


def report_open(review: Review) -> bool:
    """The lead may edit the report until they submit it; then it is fixed."""
    return review.status in ("confirmed", "in_progress")


def reply_open(review: Review) -> bool:
    """The host head may write a right of reply and agree while the report is submitted."""
    return review.status == "submitted"


def team_editable(review: Review) -> bool:
    """An admin may change a team until the visit starts."""
    return review.status in ("proposed", "confirmed")
