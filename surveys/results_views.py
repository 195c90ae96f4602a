"""Survey results pages and exports, under /manage/surveys/<run_id>/results and .../export.

Thin: find the run and school (another partnership's is 404), ask ``permissions``, read
``surveys.results`` (where small groups are withheld), then render or export.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date, get_locale, gettext as _, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from peerreview.core import clock, permissions
from peerreview.core.permissions import Action
from peerreview.extensions import db
from surveys import charts, exports
from surveys.models import RunSchool, SurveyRun
from surveys.questions import Summary
from surveys.results import (
    COMPLEMENT, PARTNERSHIP, Cell, QuestionResult, RunResults, Scope, raw_answers, responses_so_far, results_released,
    run_results,
)

bp = Blueprint("survey_results", __name__, url_prefix="/manage/surveys")

COMMENTS_SHOWN = 50


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


def _locale() -> str:
    return str(get_locale() or "en")


# --- wording ----------------------------------------------------------------------------


def withheld_text(reason: str | None, threshold: int, unit: str = "responses") -> str:
    if reason == COMPLEMENT:
        return _("Hidden to protect a small group")
    if unit == "answers":
        return _("Fewer than %(n)d answers", n=threshold)
    return _("Fewer than %(n)d responses", n=threshold)


def pct(share: float | None) -> str:
    if share is None:
        return ""
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100):d}%"


def positive_sentence(q: QuestionResult, summary: Summary) -> str:
    """The positive share in words: "78% agree or strongly agree (of 54 with a view)"."""
    if summary.positive is None:
        return ""
    share, base = pct(summary.positive), summary.positive_base
    kind = q.type.kind
    if kind == "agree":
        return _("%(share)s agree or strongly agree (of %(n)d with a view)", share=share, n=base)
    if kind == "yes_no":
        return _("%(share)s answered yes (of %(n)d with a view)", share=share, n=base)
    if kind == "rating":
        mean = f"{summary.mean:.1f}" if summary.mean is not None else ""
        return _("%(share)s gave 7 or more out of 10 (of %(n)d); average %(mean)s", share=share, n=base, mean=mean)
    if kind == "faces":
        return _("%(share)s chose the happy face (of %(n)d)", share=share, n=base)
    return _("%(share)s gave a positive answer (of %(n)d with a view)", share=share, n=base)


def change_sentence(cell: Cell) -> str:
    change = cell.change
    if change is None:
        return ""
    points = round(change * 100)
    before = pct(cell.previous.positive)
    if points > 0:
        return ngettext("Up %(num)d point since the last survey (%(before)s)",
                        "Up %(num)d points since the last survey (%(before)s)", points, before=before)
    if points < 0:
        return ngettext("Down %(num)d point since the last survey (%(before)s)",
                        "Down %(num)d points since the last survey (%(before)s)", -points, before=before)
    return _("No change since the last survey (%(before)s)", before=before)


def based_on(q: QuestionResult, summary: Summary) -> str:
    if q.is_text:
        return ngettext("%(num)d comment", "%(num)d comments", summary.answered)
    return ngettext("Based on %(num)d answer", "Based on %(num)d answers", summary.answered)


# --- what a page shows of one question ----------------------------------------------------


@dataclass
class Column:
    label: str
    cell: Cell | None
    summary: Summary | None
    withheld: str = ""  # why not shown
    sentence: str = ""
    change: str = ""
    based_on: str = ""


@dataclass
class QuestionView:
    q: QuestionResult
    columns: list[Column]
    options: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # per option: label, then "n (p%)" per shown column
    chart: Markup | None = None
    comments: list[str] = field(default_factory=list)
    comment_count: int = 0


def question_view(q: QuestionResult, specs: list[tuple[str, object, bool]], threshold: int) -> QuestionView:
    """specs: (label, group key, previous?) per column, e.g. ("This school", 12, False),
    ("Partnership", PARTNERSHIP, False), ("Last survey", 12, True)."""
    columns = []
    for label, key, previous in specs:
        cell = q.cells.get(key)
        if cell is None:
            continue
        if previous:
            if cell.previous is None:
                continue  # nothing to compare with: no column at all
            columns.append(Column(label, cell, cell.previous, based_on=based_on(q, cell.previous),
                                  sentence=positive_sentence(q, cell.previous)))
        elif not cell.shown:
            columns.append(Column(label, cell, None, withheld=withheld_text(cell.reason, threshold, cell.unit)))
        else:
            columns.append(Column(label, cell, cell.summary, sentence=positive_sentence(q, cell.summary),
                                  change=change_sentence(cell), based_on=based_on(q, cell.summary)))
    view = QuestionView(q, columns)
    shown = [c for c in columns if c.summary is not None]
    if q.is_text:
        # Comments of the page's own group only (the first column): a head reads their own
        # school's, an admin the partnership's (from the schools shown).
        if columns and columns[0].summary is not None:
            view.comments = columns[0].summary.texts[:COMMENTS_SHOWN]
            view.comment_count = columns[0].summary.answered
        return view
    if not shown:
        return view
    choices = q.type.choices(_locale()) if q.type.kind != "rating" else [(b.value, b.label) for b in shown[0].summary.bars]
    view.options = [label for _value, label in choices]
    for index, option in enumerate(view.options):
        row = [option]
        for c in shown:
            bar = c.summary.bars[index] if index < len(c.summary.bars) else None
            row.append(f"{bar.count} ({pct(bar.share)})" if bar else "")
        view.table.append(row)
    # Each column keeps its style (colour or hatching) whether or not the others are shown.
    if q.type.kind == "rating":
        # Eleven bars per group is too long to read: the chart bands them, the table keeps each.
        labels = [label for label, _low, _high in rating_bands()]
        series = []
        for c in shown:
            counts = [sum(b.count for b in c.summary.bars if low <= int(b.value) <= high) for _l, low, high in rating_bands()]
            total = c.summary.answered or 1
            series.append(charts.Series(c.label, [n / total for n in counts], counts, style=columns.index(c)))
    else:
        labels = view.options
        series = [charts.Series(c.label, [b.share for b in c.summary.bars], [b.count for b in c.summary.bars],
                                style=columns.index(c)) for c in shown]
    view.chart = charts.bar_chart(
        _("Answers to question %(number)d", number=q.number), charts.describe(labels, series), labels, series,
    )
    return view


def rating_bands() -> list[tuple[str, int, int]]:
    return [(_("0 to 4"), 0, 4), (_("5 or 6"), 5, 6), (_("7 or 8"), 7, 8), (_("9 or 10"), 9, 10)]


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
    results = run_results(run, Scope(), _locale())
    specs = [(_("Partnership"), PARTNERSHIP, False), (_("Partnership, last survey"), PARTNERSHIP, True)]
    return render_template(
        "surveys/results/overview.html",
        run=run, results=results,
        partnership=results.group(PARTNERSHIP),
        questions=[question_view(q, specs, run.threshold) for q in results.questions],
        comparison=[q for q in results.questions if not q.is_text and q.has_positive],
        withheld_text=withheld_text, pct=pct, comments_shown=COMMENTS_SHOWN,
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
    results = run_results(run, Scope(frozenset({school.id}), with_partnership), _locale())
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
    )


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

