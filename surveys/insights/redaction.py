"""Redaction of free text before anyone reads it: names, emails, phone numbers, postcodes
and links are replaced by a marker in square brackets.

Public API (kept small; sentiment and themes will build on it):

- ``redact(text, known_names=()) -> str``: the text with
  emails -> ``[email]``, UK phone numbers -> ``[phone]``, UK postcodes -> ``[postcode]``,
  links -> ``[link]``, any of ``known_names`` (whole words, any case) -> ``[name]``, and a
  capitalised word after a title ("Mrs Patel", "Mr. O'Neill", "Dr Jane Smith") -> ``[name]``
  unless it is school vocabulary ("Mr Maths" is left alone).
- ``known_names_for(partnership_id) -> frozenset[str]``: first and last names of the people
  the platform holds for a partnership (everyone with a role in it, and the headteachers
  named in its schools' GIAS records), for ``known_names``.
- ``MARKERS``: the markers ``redact`` writes.

Redaction is deliberately conservative about guessing: a capitalised word elsewhere in a
sentence is kept (it is usually a subject, a place or a day), so names the platform does not
hold and that follow no title can get through. Quotes are shown only from groups at or above
a survey's threshold as well.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import School
from peerreview.extensions import db

EMAIL, PHONE, POSTCODE, LINK, NAME = "[email]", "[phone]", "[postcode]", "[link]", "[name]"
MARKERS = (EMAIL, PHONE, POSTCODE, LINK, NAME)

_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_LINK_RE = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk|wales|cymru|edu|gov|io|info|co)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# UK numbers: +44 or 0, then 9 or 10 more digits, with spaces, dashes, dots or brackets between.
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)\d(?:[\s.()-]{0,2}\d){8,9}(?!\d)")
# Outward code (A9, A99, A9A, AA9, AA99, AA9A), an optional space, inward code (9AA).
_POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)

TITLES = ("Mr", "Mrs", "Miss", "Ms", "Mx", "Dr", "Prof", "Sir")
_TITLE_NAME_RE = re.compile(
    r"\b(?P<title>" + "|".join(TITLES) + r")(?P<dot>\.?)(?P<gap>\s+)"
    r"(?P<names>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})"
)

# Words a title may precede that are not names, and words that are never taken for names.
SCHOOL_VOCABULARY = frozenset(w.lower() for w in """
    Maths Mathematics English Science Scientist History Geography Art Music Drama Dance PE RE PSHE RSE
    Computing French Spanish German Welsh Latin DT Design Technology Biology Chemistry Physics
    Year Reception Nursery Key Stage KS1 KS2 KS3 KS4 EYFS Sixth Form GCSE GCSEs SATs
    Mr Mrs Miss Ms Mx Dr Prof Sir Head Headteacher Deputy Teacher Teachers TA TAs Governor Governors
    SEND SENCO SENCo SEN EHCP Ofsted Estyn DfE LA Trust Academy School Primary Secondary Infant Junior
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    Christmas Easter Summer Autumn Spring Term Half I The A An And Or But If So We They He She It
    Hall Library Office Reception Canteen Playground Club Clubs Team Staff Leadership SLT
""".split())

# Given names that are also everyday words: from the platform's list they match only when
# capitalised, so "you will" and "we may" survive.
_COMMON_WORD_NAMES = frozenset("""
    will may mark rose grace hope joy faith dawn april june august summer amber ruby bill pat
    sue ray grant rich jack frank dean drew lane hall young king wood green brown white black
    long bell ash art chase page rule reading english welsh park hill
""".split())


def _name_tokens(full_name: str) -> set[str]:
    tokens = set()
    for part in re.split(r"[\s,]+", full_name or ""):
        part = part.strip(".()\"")
        if len(part) >= 2 and part[0].isalpha() and part.lower() not in SCHOOL_VOCABULARY:
            tokens.add(part)
    return tokens


def known_names_for(partnership_id: int) -> frozenset[str]:
    """First and last names the platform holds for a partnership: everyone with a role in
    it, and the headteachers named in its schools' records."""
    people = db.session.scalars(
        select(Person.name).join(RoleAssignment).where(RoleAssignment.partnership_id == partnership_id).distinct()
    )
    heads = db.session.scalars(
        select(School.head_name).where(School.partnership_id == partnership_id, School.head_name.is_not(None))
    )
    names: set[str] = set()
    for full in [*people, *heads]:
        names |= _name_tokens(full)
    return frozenset(names)


def _names_pattern(known_names: Iterable[str]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """One pattern for names matched in any case, one for names that are also common words
    (matched only when capitalised)."""
    any_case, capitalised = set(), set()
    for name in known_names:
        name = name.strip()
        if len(name) < 2:
            continue
        (capitalised if name.lower() in _COMMON_WORD_NAMES else any_case).add(name)

    def build(names: set[str], flags: int) -> re.Pattern | None:
        if not names:
            return None
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(r"(?<![\w'’-])(?:" + alternatives + r")(?:['’]s)?(?![\w-])", flags)

    cap = build({n[:1].upper() + n[1:].lower() for n in capitalised}, 0)
    return build(any_case, re.IGNORECASE), cap


def _replace_title_names(text: str) -> str:
    def replace(match: re.Match) -> str:
        words = match.group("names").split()
        if words[0].lower().strip("'’") in SCHOOL_VOCABULARY:
            return match.group(0)
        kept = [w for w in words if w.lower() in SCHOOL_VOCABULARY]
        if kept and words.index(kept[0]) > 0:
            # "Mrs Patel English lessons": only the words before the vocabulary are the name.
            cut = words.index(kept[0])
            rest = " " + " ".join(words[cut:])
        else:
            rest = ""
        return f"{match.group('title')}{match.group('dot')}{match.group('gap')}{NAME}{rest}"

    return _TITLE_NAME_RE.sub(replace, text)


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    """The text with emails, phone numbers, postcodes, links and names replaced by markers."""
    if not text:
        return text
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _LINK_RE.sub(LINK, text)
    text = _PHONE_RE.sub(PHONE, text)
    text = _POSTCODE_RE.sub(POSTCODE, text)
    any_case, capitalised = _names_pattern(known_names)
    if any_case is not None:
        text = any_case.sub(NAME, text)
    if capitalised is not None:
        text = capitalised.sub(NAME, text)
    text = _replace_title_names(text)
    # "Mrs [name] [name]" after a known first and last name: one marker is enough.
    return re.sub(r"\[name\](?:\s+\[name\])+", NAME, text)
