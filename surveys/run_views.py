"""Survey runs (for partnership admins) and their distribution (for a school's head and admins).

Thin: parse the request, ask ``permissions``, call ``run_queries`` / ``run_ops``, render.
A run outside the person's partnerships is 404; a run in it they may not manage is 403.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from peerreview.core import clock, permissions
from peerreview.core.permissions import Action
from surveys import run_ops, run_queries
from surveys.run_forms import (
    ActionForm,
    CreateCodesForm,
    OpenLinkForm,
    OpenRunForm,
    RunForm,
    parse_range,
    posted_locked_settings,
)

bp = Blueprint("survey_runs", __name__, url_prefix="/manage/surveys")

MAX_SLIPS = 2000  # 200 printed pages: more than that is better done in parts


def _no_store(response: Response) -> Response:
    """Pages and files that show codes are never kept by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _results_url(run_id: int) -> str:
    try:
        return url_for("survey_results.results", run_id=run_id)
    except BuildError:
        return f"{request.script_root}/manage/surveys/{run_id}/results"


def _managed_run(run_id: int):
    run = run_queries.run_or_404(current_user, run_id)
    permissions.require(current_user, Action.MANAGE_SURVEYS, run.partnership)
    return run


def _distributed(run_id: int, school_id: int):
    run = run_queries.run_or_404(current_user, run_id)
    run_school = run_queries.run_school_or_404(run, school_id)
    permissions.require(current_user, Action.SCHOOL_SURVEYS, run_school.school)
    return run, run_school


def _form_for_run(partnership, **kwargs) -> RunForm:
    return RunForm(
        template_list=run_queries.survey_templates(partnership),
        school_list=run_queries.partnership_schools(partnership),
        cluster_list=run_queries.partnership_clusters(partnership),
        **kwargs,
    )


def _settings(form: RunForm) -> run_ops.RunSettings:
    return run_ops.RunSettings(
        title=form.title.data, template_id=form.template_id.data, school_ids=form.school_ids(),
        opens_on=form.opens_on.data, closes_on=form.closes_on.data, threshold=form.threshold.data,
        welsh=bool(form.welsh.data),
    )


def _add_problem(form, problem: run_ops.RunProblem) -> None:
    field = getattr(form, problem.field, None)
    if field is None:
        abort(400, description=str(problem.message))
    field.errors = list(field.errors or []) + [str(problem.message)]


# --- runs -------------------------------------------------------------------------------


@bp.get("")
@login_required
def index():
    ids = permissions.admin_partnership_ids(current_user)
    if not ids:
        abort(403)
    return render_template(
        "surveys/runs/index.html",
        rows=run_queries.run_rows(ids),
        today=clock.today(),
        status=run_queries.status,
        several_partnerships=len(ids) > 1,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    admin_of, chosen = permissions.partnership_to_create_in(current_user, request.args.get("partnership"))
    if chosen is None:
        return render_template("surveys/runs/choose_partnership.html", partnerships=admin_of)
    permissions.require(current_user, Action.MANAGE_SURVEYS, chosen)
    run_ops.ensure_templates(chosen, actor=current_user)
    form = _form_for_run(chosen)
    status = 200
    if form.validate_on_submit():
        try:
            run = run_ops.create_run(chosen, _settings(form), actor=current_user, today=clock.today())
        except run_ops.RunProblem as problem:
            _add_problem(form, problem)
            status = 400
        else:
            flash(_("Survey “%(title)s” created. Each school now has its open link. To print single-use "
                    "codes, choose a school below.", title=run.title), "success")
            return redirect(url_for("survey_runs.run", run_id=run.id))
    elif request.method == "POST":
        status = 400
    return render_template("surveys/runs/form.html", form=form, run=None, partnership=chosen,
                           several=len(admin_of) > 1), status


@bp.get("/<int:run_id>")
@login_required
def run(run_id: int):
    run = _managed_run(run_id)
    today = clock.today()
    return render_template(
        "surveys/runs/run.html",
        run=run,
        rows=run_queries.school_rows(run),
        status=run_queries.status(run, today),
        locked=run.has_opened(today),
        results_url=_results_url(run.id),
        survey_url=run_queries.survey_url,
        close_form=ActionForm(),
    )


@bp.route("/<int:run_id>/edit", methods=["GET", "POST"])
@login_required
def edit(run_id: int):
    run = _managed_run(run_id)
    today = clock.today()
    if run.has_opened(today):
        return _edit_opened(run, today)
    form = _form_for_run(
        run.partnership, title=run.title, template_id=run.version.template_id,
        schools=sorted(rs.school_id for rs in run.schools), opens_on=run.opens_on, closes_on=run.closes_on,
        threshold=run.threshold, welsh=run.welsh,
    )
    status = 200
    if form.validate_on_submit():
        try:
            run_ops.update_run(run, _settings(form), actor=current_user, today=today)
        except run_ops.RunProblem as problem:
            _add_problem(form, problem)
            status = 400
        except run_ops.SettingsLocked:  # it opened between the page and the click
            abort(400, description=_("This survey has opened, so its anonymity settings can no longer change."))
        else:
            flash(_("Survey “%(title)s” saved.", title=run.title), "success")
            return redirect(url_for("survey_runs.run", run_id=run.id))
    elif request.method == "POST":
        status = 400
    return render_template("surveys/runs/form.html", form=form, run=run, partnership=run.partnership,
                           several=False), status


def _edit_opened(run, today):
    form = OpenRunForm(title=run.title, closes_on=run.closes_on)
    status = 200
    if request.method == "POST":
        changed = run_ops.locked_changes(run, **posted_locked_settings(request.form))
        if changed:
            abort(400, description=_(
                "This survey has opened, so its questionnaire, schools, anonymity threshold, languages and "
                "opening date can no longer change. Nothing has been saved."))
        if form.validate_on_submit():
            try:
                run_ops.update_open_run(run, form.title.data, form.closes_on.data, actor=current_user, today=today)
            except run_ops.RunProblem as problem:
                _add_problem(form, problem)
                status = 400
            else:
                flash(_("Survey “%(title)s” saved.", title=run.title), "success")
                return redirect(url_for("survey_runs.run", run_id=run.id))
        else:
            status = 400
    return render_template("surveys/runs/edit_open.html", form=form, run=run, today=today,
                           status=run_queries.status(run, today)), status


@bp.post("/<int:run_id>/close")
@login_required
def close(run_id: int):
    run = _managed_run(run_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run_ops.close_now(run, actor=current_user, today=clock.today())
    except run_ops.RunProblem as problem:
        abort(400, description=str(problem.message))
    flash(_("Survey “%(title)s” is closed. No more answers will be accepted.", title=run.title), "success")
    return redirect(url_for("survey_runs.run", run_id=run.id))


# --- distribution -----------------------------------------------------------------------


@bp.get("/schools/<int:school_id>")
@login_required
def school_surveys(school_id: int):
    """The runs one school takes part in, for its head (who cannot see the runs list)."""
    school = permissions.school_or_404(current_user, school_id)
    permissions.require(current_user, Action.SCHOOL_SURVEYS, school)
    today = clock.today()
    return render_template("surveys/runs/school_surveys.html", school=school,
                           runs=run_queries.school_runs(school), status=run_queries.status, today=today)


def _render_distribution(run, run_school, codes_form, status=200):
    today = clock.today()
    counts = run_queries.code_counts(run, run_school.school_id).get(run_school.school_id, run_queries.CodeCounts())
    return render_template(
        "surveys/runs/distribution.html",
        run=run,
        run_school=run_school,
        school=run_school.school,
        status=run_queries.status(run, today),
        open_url=run_queries.survey_url(run_school.open_code),
        counts=counts,
        responses=run_queries.response_counts(run).get(run_school.school_id, 0),
        form=codes_form,
        link_form=ActionForm(),
        can_manage=permissions.can(current_user, Action.MANAGE_SURVEYS, run.partnership),
        results_url=_results_url(run.id),
        new_first=request.args.get("first", type=int),
        new_last=request.args.get("last", type=int),
    ), status


@bp.get("/<int:run_id>/schools/<int:school_id>")
@login_required
def distribution(run_id: int, school_id: int):
    run, run_school = _distributed(run_id, school_id)
    return _render_distribution(run, run_school, CreateCodesForm())


@bp.post("/<int:run_id>/schools/<int:school_id>/open-link")
@login_required
def open_link(run_id: int, school_id: int):
    run, run_school = _distributed(run_id, school_id)
    form = OpenLinkForm()
    if not form.validate_on_submit():
        abort(400)
    enabled = form.enabled.data == "on"
    run_ops.set_open_link(run_school, enabled, actor=current_user)
    flash(_("The open link is on: anyone with it can answer.") if enabled
          else _("The open link is off: it now shows a page saying the survey is not taking answers this way."),
          "success")
    return redirect(url_for("survey_runs.distribution", run_id=run.id, school_id=school_id))


@bp.post("/<int:run_id>/schools/<int:school_id>/codes")
@login_required
def create_codes(run_id: int, school_id: int):
    run, run_school = _distributed(run_id, school_id)
    form = CreateCodesForm()
    if run_queries.status(run, clock.today()) == run_queries.CLOSED:
        abort(400, description=_("This survey has closed, so no more codes can be created."))
    if not form.validate_on_submit():
        return _render_distribution(run, run_school, form, 400)
    try:
        first, last = run_ops.create_codes(run, run_school.school, form.count.data, actor=current_user)
    except run_ops.RunProblem as problem:
        _add_problem(form, problem)
        return _render_distribution(run, run_school, form, 400)
    flash(_("Codes %(first)d to %(last)d created. Print them or download them for a mail merge below.",
            first=first, last=last), "success")
    return redirect(url_for("survey_runs.distribution", run_id=run.id, school_id=school_id, first=first, last=last)
                    + "#codes")


def _codes_range(run, run_school):
    counts = run_queries.code_counts(run, run_school.school_id).get(run_school.school_id)
    if not counts or not counts.issued:
        abort(404, description=_("No codes have been created for this school yet."))
    wanted = parse_range(request.args, counts.last_serial)
    if wanted is None:
        abort(400, description=_("Enter code numbers from 1 to %(last)d, the first no bigger than the last.",
                                 last=counts.last_serial))
    first, last = wanted
    if last - first + 1 > MAX_SLIPS:
        abort(400, description=_("Print at most %(max)d codes at a time: choose a smaller range.", max=MAX_SLIPS))
    return first, last


def _slip_texts(run) -> dict:
    """The slip's sentences in English and, when the run has Welsh, in Welsh from the catalog.
    A sentence the Welsh catalog does not have yet is left out rather than printed twice in English."""
    def texts():
        return {
            "go_to": _("Go to"),
            "code": _("Your code"),
            "anonymity": _("This code works once. It is not linked to your name, so nobody can tell "
                           "which answers are yours."),
            "used": _("Used"),
        }
    with force_locale("en_GB"):
        english = texts()
    welsh = None
    if run.welsh:
        with force_locale("cy"):
            welsh = {key: text for key, text in texts().items() if text != english[key]}
    return {"en": english, "cy": welsh}


@bp.get("/<int:run_id>/schools/<int:school_id>/codes/slips")
@login_required
def slips(run_id: int, school_id: int):
    run, run_school = _distributed(run_id, school_id)
    first, last = _codes_range(run, run_school)
    codes = run_queries.codes_between(run, school_id, first, last)
    run_ops.record_codes_shown(run, run_school.school, first, last, "printed", actor=current_user)
    pages = [codes[i:i + 10] for i in range(0, len(codes), 10)]
    response = Response(render_template(
        "surveys/runs/slips.html", run=run, school=run_school.school, pages=pages, first=first, last=last,
        texts=_slip_texts(run), short_url=run_queries.short_survey_url,
        welsh_title=(run.version.title_cy or None) if run.welsh else None,
        back=url_for("survey_runs.distribution", run_id=run.id, school_id=school_id),
    ))
    return _no_store(response)


@bp.get("/<int:run_id>/schools/<int:school_id>/codes.csv")
@login_required
def codes_csv(run_id: int, school_id: int):
    run, run_school = _distributed(run_id, school_id)
    first, last = _codes_range(run, run_school)
    codes = run_queries.codes_between(run, school_id, first, last)
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark, so Excel reads the file as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["serial", "code", "url", "used"])
    for slip in codes:
        writer.writerow([slip.serial, slip.code, run_queries.survey_url(slip.code), "used" if slip.used else ""])
    run_ops.record_codes_shown(run, run_school.school, first, last, "downloaded", actor=current_user)
    filename = f"survey-{run.id}-school-{run_school.school.urn}-codes-{first}-{last}.csv"
    response = Response(out.getvalue().encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)
