"""Safeguarding flags: every labelled concern is flagged, the alarming-looking everyday comments
are not, and each kind of concern is recognised."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from surveys.insights.safeguarding import SAFEGUARDING, flags, reasons

LABELLED = Path(__file__).resolve().parent.parent / "data" / "comments_labelled.jsonl"

LOOKS_ALARMING_BUT_IS_NOT = [
    "The safeguarding training was excellent.",
    "My child hurt his knee in PE and staff were great.",
    "Pupils were killing it in the maths quiz.",
    "The nativity was to die for.",
    "She fell and hit her head but the first aider was brilliant.",
    "We have abusive language down to almost nothing.",
    "Our safeguarding policy is in the handbook.",
    "I'm dying to see the new library.",
    "The Year 6 team beat us at netball.",
    "Relationships and sex education was handled sensitively.",
]


def rows() -> list[dict]:
    with open(LABELLED, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_every_labelled_concern_is_flagged():
    concerns = [r["text"] for r in rows() if r["flags"] == ["safeguarding"]]
    assert len(concerns) >= 8
    missed = [t for t in concerns if flags(t) != [SAFEGUARDING]]
    assert not missed


def test_labelled_comments_without_a_concern_are_not_flagged():
    false_alarms = [r["text"] for r in rows() if not r["flags"] and flags(r["text"])]
    assert not false_alarms


@pytest.mark.parametrize("text", LOOKS_ALARMING_BUT_IS_NOT)
def test_alarming_looking_everyday_comments(text):
    assert flags(text) == []


@pytest.mark.parametrize("text, kind", [
    ("I cut myself so nobody sees.", "self_harm"),
    ("He talked about ending his life.", "self_harm"),
    ("sometimes i want to die", "self_harm"),
    ("My stepdad hits me.", "physical"),
    ("She is being hit at home.", "physical"),
    ("He hit him with a belt.", "physical"),
    ("A man touched me at the park.", "sexual"),
    ("An older boy keeps asking her for photos.", "sexual"),
    ("He said it was our secret.", "sexual"),
    ("He comes in hungry every day.", "neglect"),
    ("She wears the same dirty clothes all week.", "neglect"),
    ("They are left home alone at night.", "neglect"),
    ("I'm scared to go home.", "fear_of_home"),
    ("There is domestic violence in the family.", "fear_of_home"),
    ("My dad gets angry when he drinks.", "fear_of_home"),
    ("She told me not to tell anyone.", "disclosure"),
    ("A pupil disclosed something worrying.", "disclosure"),
])
def test_each_kind_of_concern(text, kind):
    assert kind in reasons(text)
    assert flags(text) == [SAFEGUARDING]


@pytest.mark.parametrize("text", ["", None, "   ", "!!!", "x" * 10000])
def test_bad_input(text):
    assert flags(text) == []
