"""Survey results pages and exports, under /manage/surveys/<run_id>/results and .../export.

Thin: find the run and school (another partnership's is 404), ask ``permissions``, read
``surveys.results`` (where small groups are withheld), then render or export.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date, gettext as _
from flask_login import current_user, login_required

from peerreview.core import clock, permissions
from peerreview.core.permissions import Action
from peerreview.extensions import db
from surveys import exports
from surveys.results_display import (
    COMMENTS_SHOWN, current_locale, insight_view, pct, question_view, withheld_text,
)
from surveys.models import RunSchool, SurveyRun
from surveys.results import (
    PARTNERSHIP, Scope, raw_answers, responses_so_far, results_released, run_results,
)

bp = Blueprint("survey_results", __name__, url_prefix="/manage/surveys")

# --- finding things -------------------------------------------------------------------


def _run_or_404(run_id: int) -> SurveyRun:
    run = db.session.get(SurveyRun, run_id)
    if run is None or run.partnership_id not in permissions.partnership_ids(current_user):
        abort(404)
    return run


def _run_school_or_404(run: SurveyRun, school_id: int):
    school = permissions.school_or_404(current_user, school_id)
    in_run = db.session.scalar(
        db.select(RunSchool.id).where(RunSchool.run_id == run.id, RunSchool.school_id == school.id)
    )
    if school.partnership_id != run.partnership_id or in_run is None:
        abort(404)
    return school


# --- pages ------------------------------------------------------------------------------


def _not_released(run: SurveyRun, school=None):
    """The page shown instead of results while the run is still open."""
    return render_template("surveys/results/pending.html", run=run, school=school,
                           responses=responses_so_far(run))


@bp.get("/<int:run_id>/results")
@login_required
def overview(run_id: int):
    run = _run_or_404(run_id)
    permissions.require(current_user, Action.MANAGE_SURVEYS, run.partnership)
    if not results_released(run, clock.today()):
        return _not_released(run)
    results = run_results(run, Scope(), current_locale())
    specs = [(_("Partnership"), PARTNERSHIP, False), (_("Partnership, last survey"), PARTNERSHIP, True)]
    return render_template(
        "surveys/results/overview.html",
        run=run, results=results,
        partnership=results.group(PARTNERSHIP),
        questions=[question_view(q, specs, run.threshold) for q in results.questions],
        comparison=[q for q in results.questions if not q.is_text and q.has_positive],
        withheld_text=withheld_text, pct=pct, comments_shown=COMMENTS_SHOWN,
        said=_across_questions(results, PARTNERSHIP),
    )


@bp.get("/<int:run_id>/results/schools/<int:school_id>")
@login_required
def school(run_id: int, school_id: int):
    run = _run_or_404(run_id)
    school = _run_school_or_404(run, school_id)
    permissions.require(current_user, Action.SCHOOL_SURVEYS, school)
    if not results_released(run, clock.today()):
        return _not_released(run, school)
    with_partnership = permissions.can(current_user, Action.PARTNERSHIP_RESULTS, run.partnership)
    results = run_results(run, Scope(frozenset({school.id}), with_partnership), current_locale())
    specs = [(_("This school"), school.id, False)]
    if with_partnership:
        specs.append((_("Partnership"), PARTNERSHIP, False))
    specs.append((_("This school, last survey"), school.id, True))
    return render_template(
        "surveys/results/school.html",
        run=run, school=school, results=results,
        group=results.group(school.id), partnership=results.group(PARTNERSHIP),
        questions=[question_view(q, specs, run.threshold) for q in results.questions],
        is_admin=permissions.can(current_user, Action.MANAGE_SURVEYS, run.partnership),
        withheld_text=withheld_text, comments_shown=COMMENTS_SHOWN,
        said=_across_questions(results, school.id),
    )


def _across_questions(results, key):
    """What people said in one group across every free-text question, where the run has
    more than one (with one, the question's own panel says it all)."""
    if sum(1 for q in results.questions if q.is_text) < 2:
        return None
    return insight_view(results.insight_for(key))


# --- exports ----------------------------------------------------------------------------

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _download(body: bytes, fmt: str, filename: str) -> Response:
    response = Response(body, mimetype=FORMATS[fmt].split(";")[0])
    if fmt == "csv":
        response.headers["Content-Type"] = FORMATS["csv"]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _format_or_404(fmt: str) -> str:
    if fmt not in FORMATS:
        abort(404)
    return fmt


def _released_or_409(run: SurveyRun) -> None:
    if not results_released(run, clock.today()):
        abort(409, description=_("Results can be downloaded once the survey has closed on %(date)s.",
                                 date=format_date(run.closes_on)))


def _about(run: SurveyRun) -> list[str]:
    return [
        run.title,
        _("Results are shown only for groups of at least %(n)d people. Smaller groups, and groups "
          "that would let a smaller one be worked out, are withheld.", n=run.threshold),
        _("Shares are of the people who answered each question."),
    ]


@bp.get("/<int:run_id>/export/aggregates.<fmt>")
@login_required
def export_aggregates(run_id: int, fmt: str):
    run = _run_or_404(run_id)
    _format_or_404(fmt)
    raw_school = request.args.get("school")
    if raw_school is None or raw_school == "":
        permissions.require(current_user, Action.MANAGE_SURVEYS, run.partnership)
        scope, school_id, name = Scope(), None, f"survey-{run.id}-aggregates"
    else:
        if not raw_school.isdigit():
            abort(400, description=_("The school must be given by its number."))
        school = _run_school_or_404(run, int(raw_school))
        permissions.require(current_user, Action.SCHOOL_SURVEYS, school)
        with_partnership = permissions.can(current_user, Action.PARTNERSHIP_RESULTS, run.partnership)
        scope, school_id = Scope(frozenset({school.id}), with_partnership), school.id
        name = f"survey-{run.id}-school-{school.urn}-aggregates"
    _released_or_409(run)
    results = run_results(run, scope, "en", with_texts=False, compare=False)
    rows = exports.aggregate_rows(results)
    if fmt == "csv":
        body = exports.to_csv(exports.AGGREGATE_COLUMNS, rows)
    else:
        body = exports.to_xlsx("Aggregates", exports.AGGREGATE_COLUMNS, rows, _about(run))
    exports.record_export(run, f"aggregates.{fmt}", current_user, school_id)
    return _download(body, fmt, f"{name}.{fmt}")


@bp.get("/<int:run_id>/export/answers.<fmt>")
@login_required
def export_answers(run_id: int, fmt: str):
    run = _run_or_404(run_id)
    permissions.require(current_user, Action.MANAGE_SURVEYS, run.partnership)
    _format_or_404(fmt)
    _released_or_409(run)
    raw = raw_answers(run, "en")
    columns, rows = exports.raw_columns(raw), exports.raw_rows(raw)
    if fmt == "csv":
        body = exports.to_csv(columns, rows)
    else:
        body = exports.to_xlsx("Answers", columns, rows, _about(run))
    exports.record_export(run, f"answers.{fmt}", current_user)
    return _download(body, fmt, f"survey-{run.id}-answers.{fmt}")

