"""Writes for survey runs and their distribution. One commit each, with its audit event.

The rules that protect anonymity are checked here as well as in the forms, so no caller
can get round them: a threshold of at least MIN_THRESHOLD, only the partnership's own
schools and questionnaires, and, once a run has opened, no change to its threshold,
audience, questionnaire version, schools or languages. Single-use codes are stored as a
keyed hash and a serial; the code itself is never written anywhere.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db
from surveys import codes
from surveys.models import MIN_THRESHOLD, AccessCode, QuestionnaireTemplate, RunSchool, SurveyRun, TemplateVersion
from surveys.questionnaires import install_builtin_templates

MAX_CODES_AT_ONCE = 1000
MAX_CODES_PER_SCHOOL = 20000


class RunProblem(Exception):
    """Input a run cannot take. ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


class SettingsLocked(Exception):
    """An attempt to change anonymity settings of a run that has opened."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True)
class RunSettings:
    title: str
    template_id: int
    school_ids: frozenset[int]
    opens_on: date
    closes_on: date
    threshold: int
    welsh: bool


# --- questionnaires ---------------------------------------------------------------------


def ensure_templates(partnership: Partnership, *, actor=None) -> None:
    """A partnership with no questionnaires gets its copies of the built-in ones."""
    added = install_builtin_templates(partnership)
    if added:
        audit.record("questionnaire.builtin_installed",
                     f"Built-in questionnaires installed: {', '.join(t.key for t in added)}",
                     actor=actor, partnership_id=partnership.id)
        db.session.commit()


def has_welsh(version: TemplateVersion) -> bool:
    """Every text a respondent reads has Welsh wording."""
    if not (version.title_cy or "").strip():
        return False
    for section in version.sections:
        if not (section.title_cy or "").strip():
            return False
        if any(not (item.text_cy or "").strip() for item in section.items):
            return False
    return True


# --- checks -----------------------------------------------------------------------------


def _template_of(partnership_id: int, template_id: int) -> QuestionnaireTemplate:
    template = db.session.get(QuestionnaireTemplate, template_id) if template_id else None
    if template is None or template.partnership_id != partnership_id or template.purpose != "survey":
        raise RunProblem("template_id", _l("Choose one of the questionnaires listed"))
    return template


def _schools_of(partnership_id: int, school_ids: Iterable[int]) -> list[School]:
    wanted = set(school_ids)
    if not wanted:
        raise RunProblem("schools", _l("Choose at least one school"))
    schools = list(db.session.scalars(
        select(School).where(School.id.in_(wanted), School.partnership_id == partnership_id)
    ))
    if len(schools) != len(wanted):
        raise RunProblem("schools", _l("Choose only schools from this partnership"))
    return schools


def _check_settings(partnership_id: int, settings: RunSettings, today: date):
    title = " ".join((settings.title or "").split())
    if not title:
        raise RunProblem("title", _l("Enter a title for the survey"))
    if len(title) > 200:
        raise RunProblem("title", _l("Title must be 200 characters or fewer"))
    template = _template_of(partnership_id, settings.template_id)
    schools = _schools_of(partnership_id, settings.school_ids)
    if settings.threshold is None or settings.threshold < MIN_THRESHOLD:
        raise RunProblem("threshold", _l("The anonymity threshold must be %(min)d or more", min=MIN_THRESHOLD))
    if settings.opens_on < today:
        raise RunProblem("opens_on", _l("The opening date must be today or later"))
    if settings.closes_on < settings.opens_on:
        raise RunProblem("closes_on", _l("The closing date must be the same as or after the opening date"))
    if settings.welsh and not has_welsh(template.current):
        raise RunProblem("welsh", _l("This questionnaire has no Welsh wording yet. Add it in the questionnaire "
                                     "first, or run the survey in English only"))
    return title, template, schools


def _fresh_open_code() -> str:
    """A random open code no run school has yet (a clash is astronomically unlikely; checked anyway)."""
    while True:
        code = codes.new_open_code()
        if not db.session.scalar(select(func.count()).where(RunSchool.open_code == code)):
            return code


def _new_run_school(school: School) -> RunSchool:
    return RunSchool(school_id=school.id, open_code=_fresh_open_code(), open_link_enabled=True)


# --- runs -------------------------------------------------------------------------------


def create_run(partnership: Partnership, settings: RunSettings, *, actor, today: date) -> SurveyRun:
    title, template, schools = _check_settings(partnership.id, settings, today)
    version = template.current
    run = SurveyRun(
        partnership_id=partnership.id, version_id=version.id, title=title, audience=template.audience,
        opens_on=settings.opens_on, closes_on=settings.closes_on, threshold=settings.threshold,
        welsh=settings.welsh,
    )
    run.schools = [_new_run_school(s) for s in sorted(schools, key=lambda s: s.name)]
    db.session.add(run)
    db.session.flush()
    audit.record(
        "survey.run.created",
        f"Survey '{title}' ({template.audience}, questionnaire '{version.title_en}' version {version.number}) "
        f"for {len(schools)} school(s), {settings.opens_on.isoformat()} to {settings.closes_on.isoformat()}, "
        f"threshold {settings.threshold}{', English and Welsh' if settings.welsh else ', English'}",
        actor=actor, partnership_id=partnership.id,
    )
    db.session.commit()
    return run


def locked_changes(run: SurveyRun, *, template_id=None, school_ids=None, threshold=None, welsh=None,
                   opens_on=None) -> list[str]:
    """Which of the given anonymity settings differ from the run's (None means "not given")."""
    changed = []
    if template_id is not None and template_id != run.version.template_id:
        changed.append("questionnaire")
    if school_ids is not None and set(school_ids) != {rs.school_id for rs in run.schools}:
        changed.append("schools")
    if threshold is not None and threshold != run.threshold:
        changed.append("threshold")
    if welsh is not None and bool(welsh) != run.welsh:
        changed.append("languages")
    if opens_on is not None and opens_on != run.opens_on:
        changed.append("opening date")
    return changed


def update_run(run: SurveyRun, settings: RunSettings, *, actor, today: date) -> SurveyRun:
    """Before the run opens, anything may change. After, only the title and the closing date;
    a change to anything else raises SettingsLocked and nothing is written."""
    if run.has_opened(today):
        changed = locked_changes(run, template_id=settings.template_id, school_ids=settings.school_ids,
                                 threshold=settings.threshold, welsh=settings.welsh, opens_on=settings.opens_on)
        if changed:
            raise SettingsLocked(changed)
        return update_open_run(run, settings.title, settings.closes_on, actor=actor, today=today)

    title, template, schools = _check_settings(run.partnership_id, settings, today)
    changes = []
    if title != run.title:
        changes.append(f"title '{run.title}' -> '{title}'")
        run.title = title
    version = template.current
    if version.id != run.version_id:
        changes.append(f"questionnaire -> '{version.title_en}' version {version.number}")
        run.version_id = version.id
        run.audience = template.audience
    for name in ("opens_on", "closes_on", "threshold", "welsh"):
        new = getattr(settings, name)
        if new != getattr(run, name):
            old = getattr(run, name)
            changes.append(f"{name} {old.isoformat() if isinstance(old, date) else old} -> "
                           f"{new.isoformat() if isinstance(new, date) else new}")
            setattr(run, name, new)
    before = {rs.school_id: rs for rs in run.schools}
    after = {s.id: s for s in schools}
    removed = sorted(before.keys() - after.keys())
    added = sorted(after.keys() - before.keys())
    if removed:
        # Their codes no longer lead anywhere: remove them with the school.
        db.session.execute(delete(AccessCode).where(AccessCode.run_id == run.id, AccessCode.school_id.in_(removed)))
        run.schools = [rs for rs in run.schools if rs.school_id not in removed]
        changes.append("removed " + ", ".join(before[i].school.name for i in removed))
    if added:
        for school_id in added:
            run.schools.append(_new_run_school(after[school_id]))
        changes.append("added " + ", ".join(after[i].name for i in added))
    db.session.flush()
    if changes:
        audit.record("survey.run.updated", f"Survey '{run.title}': " + "; ".join(changes),
                     actor=actor, partnership_id=run.partnership_id)
    db.session.commit()
    return run


def update_open_run(run: SurveyRun, title: str, closes_on: date, *, actor, today: date) -> SurveyRun:
    """What may still change once a run has opened: its title and its closing date (today or later)."""
    title = " ".join((title or "").split())
    if not title:
        raise RunProblem("title", _l("Enter a title for the survey"))
    if len(title) > 200:
        raise RunProblem("title", _l("Title must be 200 characters or fewer"))
    if closes_on != run.closes_on and closes_on < today:
        raise RunProblem("closes_on", _l("The closing date must be today or later. To stop answers now, "
                                         "use Close the survey now"))
    if closes_on < run.opens_on:
        raise RunProblem("closes_on", _l("The closing date must be the same as or after the opening date"))
    changes = []
    if title != run.title:
        changes.append(f"title '{run.title}' -> '{title}'")
        run.title = title
    if closes_on != run.closes_on:
        changes.append(f"closes_on {run.closes_on.isoformat()} -> {closes_on.isoformat()}")
        run.closes_on = closes_on
    if changes:
        audit.record("survey.run.updated", f"Survey '{run.title}': " + "; ".join(changes),
                     actor=actor, partnership_id=run.partnership_id)
    db.session.commit()
    return run


def close_now(run: SurveyRun, *, actor, today: date) -> SurveyRun:
    """Stop answers from today: the last day for answers becomes yesterday.

    A run that opened only today cannot close before it opened (the table requires
    closes_on >= opens_on), so its opening date moves back to yesterday as well; it has
    opened either way, so its settings stay locked."""
    if not run.is_open(today):
        raise RunProblem("close", _l("Only an open survey can be closed"))
    yesterday = today - timedelta(days=1)
    run.closes_on = yesterday
    if run.opens_on > yesterday:
        run.opens_on = yesterday
    audit.record("survey.run.closed", f"Survey '{run.title}' closed early on {today.isoformat()}",
                 actor=actor, partnership_id=run.partnership_id)
    db.session.commit()
    return run


# --- distribution -----------------------------------------------------------------------


def set_open_link(run_school: RunSchool, enabled: bool, *, actor) -> RunSchool:
    if run_school.open_link_enabled != enabled:
        run_school.open_link_enabled = enabled
        audit.record(
            "survey.open_link." + ("enabled" if enabled else "disabled"),
            f"Survey '{run_school.run.title}': open link for {run_school.school.name} "
            + ("switched on" if enabled else "switched off"),
            actor=actor, partnership_id=run_school.run.partnership_id,
        )
    db.session.commit()
    return run_school


def create_codes(run: SurveyRun, school: School, count: int, *, actor, tries: int = 3) -> tuple[int, int]:
    """Issue ``count`` single-use codes for a school, serials continuing after the last.
    Stores only each code's keyed hash and its serial. Returns the first and last serial."""
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise RunProblem("count", _l("Enter a number from 1 to %(max)d", max=MAX_CODES_AT_ONCE))
    secret = current_app.config["SECRET_KEY"]
    for attempt in range(tries):
        last = db.session.scalar(
            select(func.coalesce(func.max(AccessCode.serial), 0))
            .where(AccessCode.run_id == run.id, AccessCode.school_id == school.id)
        )
        if last + count > MAX_CODES_PER_SCHOOL:
            raise RunProblem("count", _l("A school can have at most %(max)d codes in one survey",
                                         max=MAX_CODES_PER_SCHOOL))
        first = last + 1
        db.session.add_all(
            AccessCode(run_id=run.id, school_id=school.id, serial=serial,
                       code_hash=codes.hash_code(secret, codes.single_use_code(secret, run.id, school.id, serial)))
            for serial in range(first, last + count + 1)
        )
        try:
            db.session.flush()
        except IntegrityError:
            # Someone else created codes for this school at the same moment: take the next serials.
            db.session.rollback()
            if attempt == tries - 1:
                raise
            continue
        audit.record("survey.codes.created",
                     f"Survey '{run.title}': {count} single-use code(s) for {school.name}, serials {first} to {last + count}",
                     actor=actor, partnership_id=run.partnership_id)
        db.session.commit()
        return first, last + count
    raise AssertionError("unreachable")


def record_codes_shown(run: SurveyRun, school: School, first: int, last: int, how: str, *, actor) -> None:
    """Audit a download of codes: how is "downloaded" (CSV) or "printed" (sheet of slips)."""
    audit.record(f"survey.codes.{how}",
                 f"Survey '{run.title}': codes {first} to {last} for {school.name} {how}",
                 actor=actor, partnership_id=run.partnership_id)
    db.session.commit()
