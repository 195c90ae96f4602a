"""The feedback packs pages (/manage/packs): a school's stored packs with "out of date" marks and
downloads, the "Generate" form, and the progress page that polls a JSON endpoint.

Thin: the school or job is looked up through ``access`` (404 outside the person's partnerships,
403 for anyone but the school's head and partnership admins), writes go through ``operations``,
reads through ``queries``. Every look at a school's packs or a job first notices a worker that
died (``operations.recover_stale``), so the page says so.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from peerreview.core import clock
from peerreview.packs import access, jobs, operations, queries
from peerreview.packs.forms import LANGUAGE_NAMES, GeneratePackForm, JobActionForm
from peerreview.packs.periods import from_key, offered

bp = Blueprint("packs", __name__, url_prefix="/manage/packs")

LANGUAGE_LABELS = LANGUAGE_NAMES
STATUS_LABELS = {
    "queued": _l("Waiting to start"),
    "running": _l("Being made"),
    "done": _l("Ready"),
    "failed": _l("Failed"),
}
STATUS_COLOURS = {"queued": "grey", "running": "blue", "done": "green", "failed": "red"}
ERRORS = {
    jobs.RETRYING: _l("The first try did not work, so the pack is being tried once more."),
    jobs.RENDER_FAILED: _l("The pack could not be made, even on a second try. Try again; if it fails again, "
                           "tell your partnership’s administrator."),
    jobs.RESTARTED: _l("The worker making this pack stopped part way, so the pack has been started again."),
    jobs.WORKER_STOPPED: _l("The worker making this pack stopped part way, and it had already been tried twice. "
                            "Try again; if it fails again, tell your partnership’s administrator."),
    jobs.QUEUE_UNREACHABLE: _l("The pack could not be sent to the worker that makes packs. Try again in a few "
                               "minutes; if it fails again, tell your partnership’s administrator."),
}


def _ui_language() -> str:
    return "cy" if str(get_locale() or "").startswith("cy") else "en"


def _message(job) -> str:
    if job.status == "done":
        return _("The pack is ready.")
    if job.status == "failed":
        return str(ERRORS.get(job.error, ERRORS[jobs.RENDER_FAILED]))
    if job.status == "running":
        return _("Being made.")
    if queries.waiting_too_long(job):
        return _("No worker has started this pack yet. It will start when one is free; if it stays like this, "
                 "tell your partnership’s administrator (the pack worker may not be running).")
    return _("Waiting for a worker to start it.")


def _note(job) -> str:
    """A problem on the way that did not stop the job (a retry, a restarted worker)."""
    if job.status in ("queued", "running") and job.error in ERRORS:
        return str(ERRORS[job.error])
    return ""


def _render_school(school, form, status: int = 200):
    today = clock.today()
    operations.recover_stale(school_id=school.id)
    packs = queries.school_packs(school, today)
    return render_template(
        "packs/jobs/school.html", school=school, form=form, packs=packs, action_form=JobActionForm(),
        language_labels=LANGUAGE_LABELS, status_labels=STATUS_LABELS, status_colours=STATUS_COLOURS,
        message=_message, note=_note, period_of=queries.period_of,
    ), status


@bp.get("")
@login_required
def index():
    schools = access.schools_for(current_user)
    if not schools:
        abort(403)
    if len(schools) == 1:
        return redirect(url_for("packs.school", school_id=schools[0].id))
    latest = queries.latest_done([s.id for s in schools])
    return render_template("packs/jobs/index.html", schools=schools, latest=latest,
                           language_labels=LANGUAGE_LABELS, period_of=queries.period_of)


@bp.get("/schools/<int:school_id>")
@login_required
def school(school_id: int):
    school = access.school_or_404(current_user, school_id)
    form = GeneratePackForm(formdata=None, data={"language": _ui_language()})
    form.set_periods(offered(clock.today()))
    form.period.data = form.period.choices[0].value  # the twelve months to today
    return _render_school(school, form)


@bp.post("/schools/<int:school_id>/generate")
@login_required
def generate(school_id: int):
    school = access.school_or_404(current_user, school_id)
    form = GeneratePackForm()
    form.set_periods(offered(clock.today()))
    if not form.validate():
        return _render_school(school, form, 400)
    period = from_key(form.period.data, clock.today())
    job, _created = operations.request_pack(school, period, form.language.data, current_user)
    return redirect(url_for("packs.job", job_id=job.id), 303)


@bp.get("/<int:job_id>")
@login_required
def job(job_id: int):
    job = access.job_or_404(current_user, job_id)
    operations.recover_stale(job_id=job.id)
    return render_template(
        "packs/jobs/job.html", job=job, school=job.school, period=queries.period_of(job),
        language_labels=LANGUAGE_LABELS, status_labels=STATUS_LABELS, status_colours=STATUS_COLOURS,
        message=_message(job), note=_note(job), action_form=JobActionForm(),
        error_detail=job.error_detail if job.status == "failed" else "",
    )


@bp.get("/<int:job_id>/status")
@login_required
def status(job_id: int):
    job = access.job_or_404(current_user, job_id)
    operations.recover_stale(job_id=job.id)
    return jsonify({
        "status": job.status,
        "status_label": str(STATUS_LABELS[job.status]),
        "status_colour": STATUS_COLOURS[job.status],
        "progress": job.progress,
        "progress_text": _("%(percent)s%% done", percent=job.progress),
        "message": _message(job),
        "note": _note(job),
        "download_url": url_for("packs.download", job_id=job.id) if job.status == "done" else None,
    })


@bp.post("/<int:job_id>/retry")
@login_required
def retry(job_id: int):
    job = access.job_or_404(current_user, job_id)
    if not JobActionForm().validate():
        abort(400)
    new_job, _created = operations.retry(job, current_user)
    return redirect(url_for("packs.job", job_id=new_job.id), 303)


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    job = access.job_or_404(current_user, job_id)
    if job.status != "done":
        abort(409, _("This pack is not ready yet."))
    path = jobs.stored_path(job)
    if path is None:
        abort(404, _("The file for this pack is no longer kept. Generate the pack again."))
    operations.record_download(job, current_user)
    name = f"feedback-pack-{job.school.urn}-{queries.period_of(job).file_part}-{job.language}.pdf"
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
