"""Emails about review rounds, through :func:`peerreview.core.accounts.mail.send`.

With mail not configured nothing is sent and nothing fails; the schedule page and the
calendar feed carry the same facts. People are told when the round is published (each
team member and the host school's head) and, after that, when their team or the date
changes.
"""
from __future__ import annotations

from flask import has_request_context, url_for
from flask_babel import format_date, gettext as _
from sqlalchemy import select
from werkzeug.routing import BuildError

from peerreview.core.accounts import mail
from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.extensions import db
from peerreview.reviews.models import Review


def _link(endpoint: str, **values) -> str:
    if not has_request_context():
        return ""
    try:
        return url_for(endpoint, _external=True, **values)
    except BuildError:
        return ""


def host_heads(review: Review) -> list[Person]:
    return list(db.session.scalars(
        select(Person).join(RoleAssignment)
        .where(RoleAssignment.role == "head", RoleAssignment.school_id == review.host_school_id,
               Person.active.is_(True))
        .order_by(Person.id).distinct()))


def _team_lines(review: Review) -> str:
    lines = []
    for m in review.team:
        lines.append(f"- {m.person.name}" + (f" ({_('lead reviewer')})" if m.is_lead else ""))
    return "\n".join(lines) or "-"


def _describe(review: Review) -> str:
    host = review.host
    when = format_date(review.review_date, "full") if review.review_date else _("date to be agreed")
    where = f"{host.name}" + (f", {host.postcode}" if host.postcode else "")
    return _("Review of %(school)s\nDate: %(date)s\nWhere: %(where)s\nTeam:\n%(team)s\n",
             school=host.name, date=when, where=where, team=_team_lines(review))


def reviews_confirmed(reviews: list[Review]) -> int:
    """The round is published: each team member and each host head hears about their
    reviews (one email per review). Returns how many emails the server accepted."""
    if not mail.configured() or not reviews:
        return 0
    schedule = _link("review_rounds.schedule")
    sent = 0
    for review in reviews:
        details = _describe(review)
        for m in review.team:
            role = _("lead reviewer") if m.is_lead else _("reviewer")
            body = _("Hello %(name)s,\n\nYou are the %(role)s for this peer review:\n\n%(details)s\n"
                     "Your schedule and a calendar feed: %(link)s\n",
                     name=m.person.name, role=role, details=details, link=schedule)
            sent += mail.send(m.person.email, _("Peer review of %(school)s", school=review.host.name), body)
        for head in host_heads(review):
            body = _("Hello %(name)s,\n\nYour school’s peer review is confirmed:\n\n%(details)s\n"
                     "Your schedule and a calendar feed: %(link)s\n",
                     name=head.name, details=details, link=schedule)
            sent += mail.send(head.email, _("Your peer review: %(school)s", school=review.host.name), body)
    return sent


def _told(review: Review) -> bool:
    """People hear about changes only once they have heard about the review."""
    return review.round.status == "published" and review.status != "proposed"


def team_changed(review: Review, *, added: list[int] = (), removed: list[int] = ()) -> int:
    if not mail.configured() or not _told(review):
        return 0
    details = _describe(review)
    schedule = _link("review_rounds.schedule")
    sent = 0
    for person_id in added:
        person = db.session.get(Person, person_id)
        if person is not None and person.active:
            sent += mail.send(person.email, _("Peer review of %(school)s", school=review.host.name),
                              _("Hello %(name)s,\n\nYou have been added to the team for this peer review:\n\n"
                                "%(details)s\nYour schedule and a calendar feed: %(link)s\n",
                                name=person.name, details=details, link=schedule))
    for person_id in removed:
        person = db.session.get(Person, person_id)
        if person is not None and person.active:
            sent += mail.send(person.email, _("Peer review of %(school)s", school=review.host.name),
                              _("Hello %(name)s,\n\nYou are no longer on the team for the peer review of %(school)s. "
                                "Your schedule: %(link)s\n", name=person.name, school=review.host.name, link=schedule))
    return sent


def date_changed(review: Review) -> int:
    if not mail.configured() or not _told(review):
        return 0
    details = _describe(review)
    people = [m.person for m in review.team] + host_heads(review)
    sent = 0
    for person in {p.id: p for p in people if p.active}.values():
        sent += mail.send(person.email, _("New date: peer review of %(school)s", school=review.host.name),
                          _("Hello %(name)s,\n\nThe date of this peer review has changed:\n\n%(details)s",
                            name=person.name, details=details))
    return sent
