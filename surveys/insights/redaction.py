"""Redaction of free text before anyone reads it: names, emails, phone numbers, postcodes
and links are replaced by a marker in square brackets.

Public API:

- ``redact(text, known_names=(), vocabulary=()) -> str``: the text with
  emails -> ``[email]``, UK phone numbers -> ``[phone]``, UK postcodes -> ``[postcode]``,
  links -> ``[link]``, any of ``known_names`` (whole words, any case) -> ``[name]``, a
  capitalised word after a title ("Mrs Patel", "Mr. O'Neill", "Dr Jane Smith") -> ``[name]``
  unless it is school vocabulary ("Mr Maths" is left alone), and other likely personal
  names -> ``[name]``: a capitalised word that does not start a sentence and is not school
  vocabulary (``SCHOOL_VOCABULARY`` plus ``vocabulary``, e.g. the words of the
  partnership's school names), as in "I spoke to Jamie about it" -> "I spoke to [name]
  about it". Adjacent names become one marker.
- ``redactor(known_names=(), vocabulary=()) -> Redactor``: the compiled form (cached), for
  batches: ``redactor(names).redact(text)``.
- ``known_names_for(partnership_id) -> frozenset[str]``: first and last names of the people
  the platform holds for a partnership (everyone with a role in it, and the headteachers
  named in its schools' GIAS records), for ``known_names``.
- ``school_vocabulary_for(partnership_id) -> frozenset[str]``: the words of the
  partnership's name and its schools' names, local authorities and trusts ("Alder",
  "Ysgol", "Penrhyn"), for ``vocabulary``: they are capitalised but not personal names.
- ``MARKERS``: the markers ``redact`` writes.

Limits of the name heuristic, by design: a name the platform does not hold that starts a
sentence ("Jamie was great") is kept, as are names written in lower case; a comment mostly
in Title Case or CAPITALS gets no guessing (every word would look like a name). A proper
noun that is not school vocabulary (a town, a brand) may be taken for a name: that errs on
the side of privacy. Quotes are shown only from groups at or above a survey's threshold too.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import select

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db

EMAIL, PHONE, POSTCODE, LINK, NAME = "[email]", "[phone]", "[postcode]", "[link]", "[name]"
MARKERS = (EMAIL, PHONE, POSTCODE, LINK, NAME)

_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_LINK_RE = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk|wales|cymru|edu|gov|io|info|co)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?",
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

# Words a title may precede that are not names, and capitalised words that are never taken
# for names: school vocabulary (subjects, year groups, roles, bodies, places in a school),
# days, months, festivals, nations and languages, common software in schools, and common
# English words that get capitalised mid-sentence ("Thank You", "Well Done").
SCHOOL_VOCABULARY = frozenset(w.lower() for w in """
    Maths Mathematics Math Numeracy Literacy English Science Sciences Scientist History Geography Art Arts
    Music Drama Dance PE RE RS PSHE PSHCE RSE RSHE Computing ICT IT French Spanish German Welsh Cymraeg Latin
    Mandarin Urdu Polish Arabic DT Design Technology Biology Chemistry Physics Phonics Reading Writing
    Spelling Spellings Grammar Handwriting Times Tables Multiplication Maths Mastery STEM Citizenship
    Economics Business Psychology Sociology Media Statistics Further Food Nutrition Textiles Engineering
    Year Years Yr Reception Nursery Key Stage KS1 KS2 KS3 KS4 KS5 EYFS Early Foundation Sixth Form GCSE
    GCSEs SATs SAT Mocks Mock A-Level A-Levels BTEC Level Levels Phase Class Classes Set Sets Group Groups
    Mr Mrs Miss Ms Mx Dr Prof Sir Madam Dame Head Heads Headteacher Headteachers Headmaster Headmistress
    Principal Deputy Assistant Executive Teacher Teachers TA TAs HLTA HLTAs ECT ECTs NQT NQTs Governor
    Governors Governing Body Chair Trustee Trustees CEO Bursar Caretaker Site Manager Business Lead Leader
    Leaders Coordinator Co-ordinator Mentor Mentors Tutor Tutors Form Pastoral DSL DDSL Designated
    Safeguarding Officer Nurse Counsellor Librarian Technician Admin Receptionist Supervisor Supervisors
    Midday Lunchtime Mum Mums Dad Dads Mam Nan Nana Gran Granny Grandma Grandad Grandpa Auntie Uncle
    Parent Parents Carer Carers Pupil Pupils Student Students Child Children Kids Staff Team Teams
    SEND SENCO SENCo SENDCO SEN ALN ALNCo EHCP EHCPs IEP IEPs ADHD ASD ASC EAL FSM PP CPD INSET PPA SLT SMT
    Ofsted Estyn DfE LA LEA Council Trust MAT Academy Academies School Schools Primary Secondary Infant
    Infants Junior Juniors College University Federation Partnership Diocese Church Chapel Cathedral
    Ysgol Saint St CofE CE RC Catholic Methodist Community Foundation High Grammar Free Special Village
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
    January February March April May June July August September October November December Jan Feb Mar
    Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Christmas Xmas Easter Eid Diwali Ramadan Hanukkah Vaisakhi Passover Harvest Nativity Halloween Bonfire
    Remembrance Pancake Valentine Valentines Lent Advent God Jesus Christ Allah Bible Quran Muslim Christian
    Jewish Hindu Sikh Buddhist Islam Christianity Judaism
    Summer Autumn Spring Winter Term Terms Half Holiday Holidays Break Lunch Assembly Assemblies Sports Day
    Book World Red Nose Comic Relief Need Sport Relief Festival Fair Fete Disco Concert Show Production
    Play Trip Trips Residential Camp Week Weekend
    Hall Library Office Reception Canteen Dining Playground Field Gym Sports Studio Lab Labs Room Rooms Block
    Building Centre Center Department Dept Faculty Unit Base Hub Nurture Inclusion Forest Garden Pool Car
    Park Gate Gates Entrance Corridor Toilets Club Clubs Breakfast After Wraparound Council Eco House
    Houses Prefect Prefects Captain Captains Ambassador Ambassadors Leadership SLT Board Committee PTA PTFA
    Friends Association Wellbeing Safeguarding Behaviour Policy Plan Curriculum Review Report Reports
    Britain British England English Wales Welsh Scotland Scottish Ireland Irish UK GB Europe European
    London Cardiff Swansea Birmingham Manchester Leeds Liverpool Bristol Newport Wrexham NHS CAMHS GP
    Covid Covid-19 Coronavirus Lockdown Internet Wi-Fi Wifi Google Classroom Microsoft Teams Zoom Word
    Excel PowerPoint Seesaw ClassDojo Dojo Tapestry Arbor Bromcom SIMS ParentPay Sparx Mathletics Doodle
    TTRockstars Rockstars Rock Stars Oak National Purple Mash Hwb YouTube iPad iPads Chromebook Chromebooks
    Little Wandle RWI Read Write Inc White Rose Accelerated Reader Bedrock Lexia Nessy Kahoot Padlet
    I The A An And Or But If So We They He She It You Me My Our Your Their His Her Its This That These
    Those There Here Then When Where What Why How Who Which While Also As At By For From In Into Of On
    To With Without Not No Yes All Any Some Every Each Both More Most Less Very Really Just Only Even
    Still Well Good Great Excellent Outstanding Brilliant Amazing Fantastic Lovely Nice Poor Bad Thank
    Thanks Thankyou Please Sorry Hello Hi Dear Regards Best Love Kind Done Happy Sad New Old First Last
    Next Other Same Overall Generally Also However Although Because Since Until Unless Whether OK Okay
    Note NB PS Re Fw Fwd N/A NA None Nothing Everything Everyone Someone Anyone Always Never Sometimes
    Often Usually Perhaps Maybe Today Tomorrow Yesterday Now Later Soon Again Once Twice Mrs. Mr. Dr. Ms.
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


def school_vocabulary_for(partnership_id: int) -> frozenset[str]:
    """Words of the partnership's name and its schools' names, local authorities and trusts:
    capitalised in comments, but not personal names ("Alder", "Ysgol", "Penrhyn")."""
    partnership = db.session.scalars(select(Partnership.name).where(Partnership.id == partnership_id))
    rows = db.session.execute(
        select(School.name, School.local_authority, School.trust_name).where(School.partnership_id == partnership_id)
    )
    return _vocabulary_words([*partnership, *(part for row in rows for part in row)])


def _vocabulary_words(phrases: Iterable[str | None]) -> frozenset[str]:
    words: set[str] = set()
    for phrase in phrases:
        for word in re.findall(r"[^\W\d_][\w'’-]*", phrase or ""):
            word = re.sub(r"['’]s$", "", word)
            if len(word) >= 2:
                words.add(word.lower())
    return frozenset(words)


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


# A capitalised word as names are written: "Jamie", "O'Neill", "McDonald", "Ffrancon-Davies",
# with a possessive swallowed into the marker ("Jamie's" -> "[name]"). Words with no lower-case
# letters (PE, SENCO) or a lower-case start (iPad) never match.
_CAPITALISED_RE = re.compile(
    r"(?<![\w'’@/.-])(?P<word>[A-Z](?:['’][A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)*)(?P<poss>['’]s)?(?![\w@/-])"
)
_SENTENCE_BREAK = frozenset(".!?:;\n•*–—-")
_OPENERS = frozenset(" \t\"“‘'([")
_PLACE_PREFIXES = ("St", "St.", "Saint", "Ysgol")
_LOWER_START_RE = re.compile(r"(?<![\w'’-])[a-z]")
_DIGIT_RE = re.compile(r"\d")
_TITLE_PRESENT_RE = re.compile(r"\b(?:" + "|".join(TITLES) + r")\b")
_ADJACENT_NAMES_RE = re.compile(r"\[name\](?:\s+\[name\])+")
_QUICK_CAPITAL_RE = re.compile(r"(?<=[^.!?:;\n\s])\s+[\"“‘'(\[]*[A-Z][a-z]")


class Redactor:
    """The compiled redaction for one set of known names and extra vocabulary."""

    def __init__(self, known_names: Iterable[str] = (), vocabulary: Iterable[str] = ()):
        self.any_case, self.capitalised = _names_pattern(known_names)
        self.vocabulary = SCHOOL_VOCABULARY | {w.lower() for w in vocabulary}

    def _is_vocabulary(self, word: str) -> bool:
        lower = word.lower()
        vocabulary = self.vocabulary
        if lower in vocabulary:
            return True
        return lower.endswith("s") and lower[:-1] in vocabulary

    def _replace_capitalised(self, text: str) -> str:
        if not _QUICK_CAPITAL_RE.search(text):
            return text  # no capitalised word after the first of a sentence: nothing to guess
        words = text.split()
        if len(words) >= 4 and len(_LOWER_START_RE.findall(text)) * 4 < len(words):
            return text  # Title Case or CAPITALS: every word would look like a name
        matches = _CAPITALISED_RE.finditer(text)
        out, last, opener = [], 0, None
        for match in matches:
            word = match.group("word")
            if self._is_vocabulary(word):
                opener = None
                continue
            if self._starts_sentence(text, match.start()):
                # Kept, unless the next word turns out to be a name: "Jamie Smith was great".
                opener = match if not word.endswith("ly") and not match.group("poss") else None
                continue
            start = match.start()
            if opener is not None and text[opener.end():start] == " ":
                start = opener.start()
            opener = None
            out.append(text[last:start])
            out.append(NAME)
            last = match.end()
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    @staticmethod
    def _starts_sentence(text: str, start: int) -> bool:
        i = start - 1
        while i >= 0 and text[i] in _OPENERS:
            i -= 1
        if i < 0 or text[i] in _SENTENCE_BREAK:
            if i >= 0 and text[i] == ".":
                before = text[max(0, i - 6):i].split()
                if before and before[-1] in ("Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "St"):
                    return False  # "Dr. Jones": not a new sentence
            return True
        # "St Mary's", "Ysgol Penrhyn": the name of a place.
        previous = text[max(0, i - 8):i + 1].split()
        return bool(previous) and previous[-1] in _PLACE_PREFIXES

    def redact(self, text: str) -> str:
        if not text:
            return text
        if "@" in text:
            text = _EMAIL_RE.sub(EMAIL, text)
        if "." in text or "/" in text:
            text = _LINK_RE.sub(LINK, text)
        if _DIGIT_RE.search(text):  # phone numbers and postcodes both hold a digit
            text = _PHONE_RE.sub(PHONE, text)
            text = _POSTCODE_RE.sub(POSTCODE, text)
        if self.any_case is not None:
            text = self.any_case.sub(NAME, text)
        if self.capitalised is not None:
            text = self.capitalised.sub(NAME, text)
        if _TITLE_PRESENT_RE.search(text):
            text = _replace_title_names(text)
        text = self._replace_capitalised(text)
        # "Mrs [name] [name]" after a known first and last name: one marker is enough.
        if "[name] [name]" in text or "[name]  " in text:
            text = _ADJACENT_NAMES_RE.sub(NAME, text)
        return text


@lru_cache(maxsize=64)
def _cached_redactor(known_names: frozenset[str], vocabulary: frozenset[str]) -> Redactor:
    return Redactor(known_names, vocabulary)


def redactor(known_names: Iterable[str] = (), vocabulary: Iterable[str] = ()) -> Redactor:
    """The compiled redaction for these names and vocabulary (cached for repeated sets)."""
    return _cached_redactor(frozenset(known_names), frozenset(vocabulary))


def redact(text: str, known_names: Iterable[str] = (), vocabulary: Iterable[str] = ()) -> str:
    """The text with emails, phone numbers, postcodes, links and names replaced by markers."""
    if not text:
        return text
    return redactor(known_names, vocabulary).redact(text)
