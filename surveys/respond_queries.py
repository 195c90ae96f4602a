"""Reads for answering a survey without an account: what a code opens, and whether it can
be answered today.

A code is either a school's open link code (public, stored as it is) or a single-use code
(looked up by its keyed hash). Nothing here records who asked.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from peerreview.core.directory.models import School
from peerreview.extensions import db
from surveys import codes
from surveys.models import AccessCode, Item, RunSchool, Section, SurveyRun, TemplateVersion
from surveys.questions import localised, question_for

# Longer than any code we issue: anything longer is refused without a query.
MAX_CODE_LENGTH = 40
_OPEN_CODE = re.compile(r"^[a-z0-9]{6,32}$")

# Why a code cannot be answered now (None when it can).
NOT_OPEN_YET = "not_open_yet"
CLOSED = "closed"
LINK_OFF = "link_off"
USED = "used"


@dataclass
class Access:
    """What a code opens: one school's questionnaire in one run."""

    run: SurveyRun
    run_school: RunSchool
    access_code: AccessCode | None  # None for an open link
    code: str  # as it appears in this survey's addresses

    @property
    def is_open_link(self) -> bool:
        return self.access_code is None

    @property
    def school(self) -> School:
        return self.run_school.school

    @property
    def version(self) -> TemplateVersion:
        return self.run.version


def _run_school(with_questionnaire: bool):
    """RunSchool with its run and school, and when a page is to be shown the whole
    questionnaire (sections, items) in three queries instead of one per section. A
    submission reads the items more cheaply (responding.item_specs)."""
    options = [joinedload(RunSchool.school), joinedload(RunSchool.run)]
    if with_questionnaire:
        options = [joinedload(RunSchool.school),
                   joinedload(RunSchool.run).joinedload(SurveyRun.version)
                   .selectinload(TemplateVersion.sections).selectinload(Section.items)]
    return select(RunSchool).options(*options)


def canonical_code(raw: str | None) -> str | None:
    """The code someone typed (from a slip, or a link's end) as it appears in an address,
    or None when it cannot be a code we issued."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_CODE_LENGTH:
        return None
    if codes.looks_like_single_use(raw):
        return codes.normalise(raw)
    lowered = raw.lower()
    if _OPEN_CODE.match(lowered):
        return lowered
    return None


def find_access(raw: str, secret: str, with_questionnaire: bool = True) -> Access | None:
    """The run and school a code opens, or None for a code we never issued (forged, mistyped
    or from a deleted run): the caller shows one page for all of those."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_CODE_LENGTH:
        return None
    if codes.looks_like_single_use(raw):
        access_code = db.session.scalar(select(AccessCode).where(AccessCode.code_hash == codes.hash_code(secret, raw)))
        if access_code is not None:
            run_school = db.session.scalar(_run_school(with_questionnaire).where(
                RunSchool.run_id == access_code.run_id, RunSchool.school_id == access_code.school_id))
            if run_school is None:  # the school has left the run
                return None
            return Access(run_school.run, run_school, access_code, codes.normalise(raw))
    lowered = raw.lower()
    if not _OPEN_CODE.match(lowered):
        return None
    run_school = db.session.scalar(_run_school(with_questionnaire).where(RunSchool.open_code == lowered))
    if run_school is None:
        return None
    return Access(run_school.run, run_school, None, run_school.open_code)


def problem(access: Access, today: date) -> str | None:
    """Why this code cannot be answered today, or None when it can."""
    run = access.run
    if today < run.opens_on:
        return NOT_OPEN_YET
    if today > run.closes_on:
        return CLOSED
    if access.is_open_link and not access.run_school.open_link_enabled:
        return LINK_OFF
    if access.access_code is not None and access.access_code.used:
        return USED
    return None


def draft_key(access: Access) -> str:
    """The browser storage key for this questionnaire's unsent answers: one per run, school
    and code, so two people sharing a device with their own codes keep separate drafts. The
    code itself is not in the key, only a short digest of it."""
    digest = hashlib.sha256(f"survey-draft:{access.code}".encode()).hexdigest()[:10]
    return f"survey-draft:{access.run.id}:{access.run_school.school_id}:{digest}"


@dataclass
class Condition:
    """When a follow-up question is shown: the field it depends on and the answer, with the
    wording used in the hint shown when scripts do not run."""

    field: str
    equals: str
    question: str
    answer: str


def conditions(version: TemplateVersion, locale: str) -> dict[str, Condition]:
    """For each conditional item (by key), what it waits for."""
    by_key: dict[str, Item] = {item.key: item for item in version.items}
    found = {}
    for item in version.items:
        condition = item.condition
        if not condition or condition.get("key") not in by_key:
            continue
        other = by_key[condition["key"]]
        labels = dict(question_for(other).choices(locale))
        equals = str(condition.get("equals"))
        found[item.key] = Condition(
            field=f"q_{other.key}", equals=equals,
            question=localised(other, "text", locale) or "", answer=labels.get(equals, equals),
        )
    return found
