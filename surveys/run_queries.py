"""Reads for survey runs and their distribution: lists, counts, the codes of a sheet.

Every lookup by id is scoped: a run outside the person's partnerships is not found (404),
whatever the run's id. Counts of responses are numbers only; nothing here reads answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.core import permissions
from peerreview.core.directory.models import Cluster, Partnership, School
from peerreview.extensions import db
from surveys import codes
from surveys.models import AccessCode, QuestionnaireTemplate, RunSchool, SurveyResponse, SurveyRun

# Status of a run on a given day.
NOT_YET_OPEN, OPEN, CLOSED = "not_yet_open", "open", "closed"


def status(run: SurveyRun, today: date) -> str:
    if today < run.opens_on:
        return NOT_YET_OPEN
    if today > run.closes_on:
        return CLOSED
    return OPEN


# --- lookups ----------------------------------------------------------------------------


def run_or_404(person, run_id: int) -> SurveyRun:
    """A run in one of the person's partnerships, else 404 (its existence is not given away)."""
    run = db.session.get(SurveyRun, run_id)
    if run is None or run.partnership_id not in permissions.partnership_ids(person):
        abort(404)
    return run


def run_school_or_404(run: SurveyRun, school_id: int) -> RunSchool:
    """The run's entry for a school taking part, else 404."""
    run_school = db.session.scalar(
        select(RunSchool).where(RunSchool.run_id == run.id, RunSchool.school_id == school_id)
    )
    if run_school is None:
        abort(404)
    return run_school


def survey_templates(partnership: Partnership) -> list[QuestionnaireTemplate]:
    """The partnership's questionnaires that surveys can use, newest wording included."""
    return list(db.session.scalars(
        select(QuestionnaireTemplate)
        .where(QuestionnaireTemplate.partnership_id == partnership.id, QuestionnaireTemplate.purpose == "survey")
        .options(selectinload(QuestionnaireTemplate.versions))
        .order_by(QuestionnaireTemplate.audience, QuestionnaireTemplate.id)
    ))


def partnership_schools(partnership: Partnership) -> list[School]:
    return list(db.session.scalars(
        select(School).where(School.partnership_id == partnership.id).order_by(School.name)
    ))


def partnership_clusters(partnership: Partnership) -> list[Cluster]:
    return list(db.session.scalars(
        select(Cluster).where(Cluster.partnership_id == partnership.id)
        .options(selectinload(Cluster.schools)).order_by(Cluster.name)
    ))


# --- lists and counts -------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    run: SurveyRun
    schools: int
    responses: int


def run_rows(partnership_ids: set[int]) -> list[RunRow]:
    """Runs of these partnerships, newest opening first, with school and response counts."""
    if not partnership_ids:
        return []
    schools = (select(RunSchool.run_id, func.count().label("n")).group_by(RunSchool.run_id)).subquery()
    responses = (select(SurveyResponse.run_id, func.count().label("n"))
                 .group_by(SurveyResponse.run_id)).subquery()
    stmt = (
        select(SurveyRun, func.coalesce(schools.c.n, 0), func.coalesce(responses.c.n, 0))
        .outerjoin(schools, schools.c.run_id == SurveyRun.id)
        .outerjoin(responses, responses.c.run_id == SurveyRun.id)
        .where(SurveyRun.partnership_id.in_(partnership_ids))
        .options(selectinload(SurveyRun.partnership))
        .order_by(SurveyRun.opens_on.desc(), SurveyRun.id.desc())
    )
    return [RunRow(run, n_schools, n_responses) for run, n_schools, n_responses in db.session.execute(stmt)]


def response_counts(run: SurveyRun) -> dict[int, int]:
    """Responses so far per school id (a count only)."""
    rows = db.session.execute(
        select(SurveyResponse.school_id, func.count()).where(SurveyResponse.run_id == run.id)
        .group_by(SurveyResponse.school_id)
    )
    return {school_id: n for school_id, n in rows}


@dataclass(frozen=True)
class CodeCounts:
    issued: int = 0
    used: int = 0
    last_serial: int = 0


def code_counts(run: SurveyRun, school_id: int | None = None) -> dict[int, CodeCounts]:
    """Single-use codes issued and used, per school id."""
    stmt = (
        select(AccessCode.school_id, func.count(), func.coalesce(func.sum(AccessCode.used.cast(db.Integer)), 0),
               func.coalesce(func.max(AccessCode.serial), 0))
        .where(AccessCode.run_id == run.id)
        .group_by(AccessCode.school_id)
    )
    if school_id is not None:
        stmt = stmt.where(AccessCode.school_id == school_id)
    return {sid: CodeCounts(int(issued), int(used), int(last)) for sid, issued, used, last in db.session.execute(stmt)}


@dataclass(frozen=True)
class SchoolRow:
    run_school: RunSchool
    responses: int
    codes: CodeCounts


def school_rows(run: SurveyRun) -> list[SchoolRow]:
    responses = response_counts(run)
    counts = code_counts(run)
    run_schools = sorted(run.schools, key=lambda rs: rs.school.name)
    return [SchoolRow(rs, responses.get(rs.school_id, 0), counts.get(rs.school_id, CodeCounts()))
            for rs in run_schools]


def school_runs(school: School) -> list[SurveyRun]:
    """The runs a school takes part in, newest opening first (for its head's list)."""
    return list(db.session.scalars(
        select(SurveyRun).join(RunSchool, RunSchool.run_id == SurveyRun.id)
        .where(RunSchool.school_id == school.id)
        .order_by(SurveyRun.opens_on.desc(), SurveyRun.id.desc())
    ))


# --- codes and links --------------------------------------------------------------------


def site_root() -> str:
    """The site's address as people type it: from the request, or PUBLIC_BASE_URL outside one."""
    if has_request_context():
        return request.url_root.rstrip("/")
    return (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def survey_url(code: str) -> str:
    """The absolute address a respondent opens: /s/<code>."""
    return f"{site_root()}/s/{code}"


def short_survey_url(code: str) -> str:
    """The same address without its scheme, as printed on a slip to be typed."""
    url = survey_url(code)
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme):]
    return url


@dataclass(frozen=True)
class SlipCode:
    serial: int
    code: str
    used: bool


def codes_between(run: SurveyRun, school_id: int, first: int, last: int) -> list[SlipCode]:
    """The codes with serials first..last, re-derived from the secret (never read from the database:
    only their hashes are stored). Serials never issued are left out."""
    secret = current_app.config["SECRET_KEY"]
    rows = db.session.execute(
        select(AccessCode.serial, AccessCode.used)
        .where(AccessCode.run_id == run.id, AccessCode.school_id == school_id,
               AccessCode.serial >= first, AccessCode.serial <= last)
        .order_by(AccessCode.serial)
    )
    return [SlipCode(serial, codes.single_use_code(secret, run.id, school_id, serial), bool(used))
            for serial, used in rows]
