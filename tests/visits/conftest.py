"""A pupil visit with its host, two visiting schools, their pupils and adults, for the visits' tests."""
from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import pytest

from peerreview.extensions import db
from peerreview.visits.models import PupilVisit, VisitAdult, VisitingSchool, VisitPrompt, VisitPupil


@pytest.fixture
def visit_world(world):
    """Partnership "North Star Trust": host Ash Primary (head_a, coordinator_a); visiting Birch
    (head_b, coordinator_b) and Cedar (coordinator_c); Damson takes no part (head_d, coordinator_d);
    an admin; an admin of another partnership. A planned visit on 2027-02-03, 09:30-11:30, on
    "Our reading areas" with three prompts; six visiting pupils (first name and year group) and two adults."""
    p = world.partnership()
    ash = world.school(p, "Ash Primary")
    birch = world.school(p, "Birch Primary")
    cedar = world.school(p, "Cedar Academy")
    damson = world.school(p, "Damson Juniors")
    other_p = world.partnership("Faraway Partnership")
    far = world.school(other_p, "Faraway School")
    people = SimpleNamespace(
        admin=world.person("admin@north.example", ("admin", p)),
        head_a=world.person("head.ash@north.example", ("head", ash)),
        coordinator_a=world.person("coord.ash@north.example", ("coordinator", ash)),
        head_b=world.person("head.birch@north.example", ("head", birch)),
        coordinator_b=world.person("coord.birch@north.example", ("coordinator", birch)),
        coordinator_c=world.person("coord.cedar@north.example", ("coordinator", cedar)),
        head_d=world.person("head.damson@north.example", ("head", damson)),
        coordinator_d=world.person("coord.damson@north.example", ("coordinator", damson)),
        other_admin=world.person("admin@faraway.example", ("admin", other_p)),
    )
    visit = PupilVisit(
        partnership=p, host=ash, visit_date=date(2027, 2, 3), starts_at=time(9, 30), ends_at=time(11, 30),
        focus_key="reading_areas", focus_title="Our reading areas", created_by_id=people.coordinator_b.id,
    )
    visit.prompts = [
        VisitPrompt(position=0, text_en="What did you see that helps children enjoy reading?",
                    text_cy="Beth welaist ti sy'n helpu plant i fwynhau darllen?"),
        VisitPrompt(position=1, text_en="How easy is it to find a book you want to read?",
                    text_cy="Pa mor hawdd yw hi i ddod o hyd i lyfr rwyt ti eisiau ei ddarllen?"),
        VisitPrompt(position=2, text_en="Would you like to sit and read here?", text_cy="Hoffet ti eistedd a darllen yma?"),
    ]
    visit.visiting_schools = [VisitingSchool(school=birch), VisitingSchool(school=cedar)]
    visit.pupils = [VisitPupil(school=birch, first_name=name, year_group=year)
                    for name, year in (("Amara", 4), ("Ben", 5), ("Chloe", 4))]
    visit.pupils += [VisitPupil(school=cedar, first_name=name, year_group=year)
                     for name, year in (("Dylan", 3), ("Efa", 6), ("Ben", 4))]
    visit.adults = [VisitAdult(school=birch, name="Mrs Lewis"), VisitAdult(school=cedar, name="Mr Patel")]
    db.session.add(visit)
    db.session.commit()
    return SimpleNamespace(partnership=p, other_partnership=other_p, ash=ash, birch=birch, cedar=cedar,
                           damson=damson, far=far, visit=visit, **vars(people))
