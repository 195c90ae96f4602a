"""Redaction of free text: each kind of identifying detail, known names, the title heuristic,
and what must be left alone."""
from __future__ import annotations

import pytest

from surveys.insights.redaction import known_names_for, redact


@pytest.mark.parametrize("text, expected", [
    ("Email me at jo.bloggs+school@example.org.uk please", "Email me at [email] please"),
    ("JO@SCHOOL.SCH.UK", "[email]"),
    ("Ring 07700 900123 after six", "Ring [phone] after six"),
    ("ring 07700900123.", "ring [phone]."),
    ("Office: (01632) 960 001", "Office: [phone]"),
    ("on +44 20 7946 0000 or +447700900123", "on [phone] or [phone]"),
    ("0161-496-0000", "[phone]"),
    ("We live in CF10 3AT.", "We live in [postcode]."),
    ("near sw1a1aa and M1 1AE", "near [postcode] and [postcode]"),
    ("See https://example.com/a?b=1 now", "See [link] now"),
    ("on www.example.co.uk/page or school.org.uk", "on [link] or [link]"),
    ("Mrs Patel is brilliant", "Mrs [name] is brilliant"),
    ("I spoke to Mr. O'Neill and Dr Jane Smith.", "I spoke to Mr. [name] and Dr [name]."),
    ("Miss Jones English lessons are fun", "Miss [name] English lessons are fun"),
])
def test_each_kind(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Year 6 did well in Maths and English on Monday in March.",
    "The SENCO and Ofsted visit in Year 10; PE on Friday.",
    "Mr Maths is what the children call the club.",
    "We scored 104 in 2024 and 12345678901 points.",
    "Class 3B went to the Hall at 10.30.",
    "",
])
def test_ordinary_school_text_is_kept(text):
    assert redact(text) == text


def test_known_names_any_case_whole_words():
    names = {"Sarah", "Okafor", "Will"}
    assert redact("sarah OKAFOR helped; Sarahs are many", names) == "[name] helped; Sarahs are many"
    assert redact("Okafor's class", names) == "[name] class"
    # A name that is also a word matches only when capitalised.
    assert redact("you will see Will tomorrow", names) == "you will see [name] tomorrow"


def test_known_names_for_partnership(world):
    p = world.partnership("North Star Trust")
    school = world.school(p, name="Alder", head_name="Mrs Gwen Ffrancon-Davies")
    world.person("head@alder.sch.uk", ("head", school), name="Harriet Quigley")
    world.person("admin@ns.org.uk", ("admin", p), name="Tomasz Wojcik")
    other = world.partnership("Other Trust")
    world.person("admin@other.org.uk", ("admin", other), name="Zebedee Outsider")
    names = known_names_for(p.id)
    assert {"Harriet", "Quigley", "Tomasz", "Wojcik", "Gwen", "Ffrancon-Davies"} <= names
    assert "Zebedee" not in names and "Mrs" not in names
    assert redact("harriet and Mr Wojcik said Gwen was great", names) == "[name] and Mr [name] said [name] was great"
