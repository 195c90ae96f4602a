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


# Other likely personal names: capitalised words that are not school vocabulary and do not
# start a sentence.
@pytest.mark.parametrize("text, expected", [
    ("I spoke to Jamie about it", "I spoke to [name] about it"),
    ("My son Oliver and his friend Amira O'Neill's mum", "My son [name] and his friend [name] mum"),
    ("Jamie Smith was great", "[name] was great"),
    ("Year 2 with Miss Harper, Mrs McDonald and Mr Ffrancon-Davies.",
     "Year 2 with Miss [name], Mrs [name] and Mr [name]."),
    ("Great lessons. Later Kai and Zara left early.", "Great lessons. Later [name] and [name] left early."),
    ("Dr. Jones said so.", "Dr. [name] said so."),
])
def test_likely_names_are_guessed(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "We love Maths and PE on Monday",
    "Year 6 SATs",
    "The Headteacher and the SENCO",
    "Sports Day and World Book Day were in June, after the Christmas Fair.",
    "Reading with Little Wandle phonics and White Rose maths in KS1.",
    "The Deputy Head and the Governors met the Trust CEO in the Hall.",
    "My daughter uses Google Classroom and Seesaw on her iPad.",
    "We went to St Mary's for the Nativity.",
    "Thank You For Everything You Do",
    "Jamie was great.",  # a sentence-initial name the platform does not hold is kept (documented)
    "EVERYTHING IS FINE HERE",
])
def test_no_false_names(text):
    assert redact(text) == text


def test_extra_vocabulary_keeps_school_names():
    assert redact("We love Alder Primary and Penrhyn") == "We love [name] Primary and [name]"
    assert redact("We love Alder Primary and Penrhyn", vocabulary={"alder", "Penrhyn"}) == "We love Alder Primary and Penrhyn"


def test_links_keep_the_full_stop_after_them():
    assert redact("See www.example.org. Then ring.") == "See [link]. Then ring."
    assert redact("Mixed: https://a.example.com/x, then CF10 3AT!") == "Mixed: [link], then [postcode]!"


def test_every_marker_in_one_comment():
    text = "Jo at jo@example.com, 07700 900123, CF10 3AT, https://x.example.org and ask Mr Brown or Priya."
    assert redact(text) == "Jo at [email], [phone], [postcode], [link] and ask Mr [name] or [name]."


def test_redactor_is_compiled_once_per_name_set():
    from surveys.insights.redaction import redactor
    assert redactor({"Sarah"}) is redactor(["Sarah"])
    assert redactor({"Sarah"}).redact("sarah said") == "[name] said"


def test_school_vocabulary_for_partnership(world):
    from surveys.insights.redaction import school_vocabulary_for
    p = world.partnership("Penrhyn Federation")
    world.school(p, name="Ysgol Glan-y-Môr")
    world.school(p, name="St Aldhelm's CE Primary")
    other = world.partnership("Faraway Trust")
    world.school(other, name="Zennor Academy")
    words = school_vocabulary_for(p.id)
    assert {"penrhyn", "ysgol", "glan-y-môr", "aldhelm"} <= words
    assert "zennor" not in words
    assert redact("Aldhelm and Penrhyn are close to Zennor", vocabulary=words) == "Aldhelm and Penrhyn are close to [name]"
