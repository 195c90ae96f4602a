"""A published round with one review, its team and two lines of enquiry, for the reviews' tests."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from peerreview.extensions import db
from peerreview.reviews.models import LineOfEnquiry, Review, ReviewRound, TeamMember


@pytest.fixture
def review_world(world):
    """Partnership "North Star Trust": host school Ash (head_a), schools Birch, Cedar, Damson.
    Lead reviewer from Birch, reviewer from Cedar, an untrained colleague at Damson, an admin,
    a head of Birch who has no part in Ash's review, and an admin of another partnership.
    The round is published; Ash's review is confirmed for 2027-01-12."""
    p = world.partnership()
    ash = world.school(p, "Ash Primary", easting=500000, northing=200000)
    birch = world.school(p, "Birch Primary", easting=505000, northing=203000)
    cedar = world.school(p, "Cedar Academy", easting=498000, northing=196000)
    damson = world.school(p, "Damson Juniors", easting=510000, northing=210000)
    other_p = world.partnership("Faraway Partnership")
    far = world.school(other_p, "Faraway School", easting=300000, northing=400000)
    people = SimpleNamespace(
        admin=world.person("admin@north.example", ("admin", p)),
        head_a=world.person("head.ash@north.example", ("head", ash)),
        head_b=world.person("head.birch@north.example", ("head", birch)),
        lead=world.person("lead@north.example", ("lead", birch)),
        reviewer=world.person("reviewer@north.example", ("reviewer", cedar)),
        colleague=world.person("colleague@north.example", ("coordinator", damson)),
        other_admin=world.person("admin@faraway.example", ("admin", other_p)),
    )
    review_round = ReviewRound(
        partnership=p, name="Spring 2027", window_start=date(2027, 1, 11), window_end=date(2027, 3, 26),
        status="published",
    )
    review = Review(round=review_round, host=ash, status="confirmed", review_date=date(2027, 1, 12),
                    self_evaluation="We are proud of our early reading; writing is our priority.")
    review.team = [TeamMember(person=people.lead, is_lead=True, distance_km=5.8),
                   TeamMember(person=people.reviewer, is_lead=False, distance_km=4.5)]
    review.lines = [
        LineOfEnquiry(position=0, question="To what extent does phonics teaching help pupils read fluently?",
                      sip_priority="Priority 1: early reading", context="New scheme since September.",
                      evidence_wanted="Year 1 and 2 phonics lessons; reading records."),
        LineOfEnquiry(position=1, question="To what extent do pupils write at length across the curriculum?",
                      sip_priority="Priority 2: writing", context="", evidence_wanted="Books from Years 4-6."),
    ]
    db.session.add(review_round)
    db.session.commit()
    return SimpleNamespace(partnership=p, other_partnership=other_p, ash=ash, birch=birch, cedar=cedar,
                           damson=damson, far=far, round=review_round, review=review, **vars(people))
