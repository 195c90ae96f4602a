"""The review report: the lead reviewer writes it from the team's records and submits it; the
host head reads it, replies, agrees the next steps and shares it.

Thin: parse (``report_forms``), ask ``access``, call ``report_ops`` / ``report_queries``,
render. A review outside the person's partnerships is 404; one in it they have no part in is
403; a change past its time raises ``WrongState`` (a 409 page, or JSON).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from peerreview.core import clock
from peerreview.reviews import access, report_ops, report_queries, themes_panel, workflow
from peerreview.reviews.access import ReviewAction
from peerreview.reviews.labels import ACTIVITY_LABELS, ESTIMATE_LABELS, STATE_LABELS
from peerreview.reviews.report_forms import Problem, ReportInput, StepInput, parse_id, parse_reply, parse_report

bp = Blueprint("review_reports", __name__, url_prefix="/manage/reviews")

READABLE_STATES = ("submitted", "agreed")


def _review_url(review_id: int) -> str:
    try:
        return url_for("reviews.show", review_id=review_id)
    except BuildError:  # the review page is another part's; until it exists, home
        return url_for("dashboard.home")


def _common(review) -> dict:
    return {
        "review": review,
        "back_url": _review_url(review.id),
        "state_label": STATE_LABELS[review.status],
        "estimate_labels": ESTIMATE_LABELS,
        "activity_labels": ACTIVITY_LABELS,
        "use_estimates": review.round.use_estimates,
    }


def _editor(review, report, values: ReportInput, problems: list[Problem] = (), status: int = 200,
            notice: str | None = None, blank_rows: int = 0):
    steps = list(values.steps) + [StepInput() for _ in range(blank_rows)]
    if not steps:
        steps = [StepInput()]  # one empty row to start from
    records = report_queries.team_records(review)
    panel = themes_panel.build(report_queries.team_texts(review), review.round.partnership_id)
    return render_template(
        "reviews/report/editor.html", values=values, steps=steps, problems=list(problems),
        errors={p.field_id: p.message for p in problems}, records=records, panel=panel, notice=notice,
        unsaved=status in (400, 409),
        base=report_queries.fingerprint(report), today=clock.today(), **_common(review),
    ), status


def _read_view(review, report, *, reply_text: str | None = None, problems: list[Problem] = (), status: int = 200):
    names = report_queries.person_names([report.submitted_by_id, report.agreed_by_id])
    may_reply = access.can(current_user, ReviewAction.REPLY, review)
    return render_template(
        "reviews/report/show.html", report=report, names=names, may_reply=may_reply,
        reply_open=may_reply and workflow.reply_open(review),
        reply_text=report.head_reply if reply_text is None else reply_text,
        problems=list(problems), errors={p.field_id: p.message for p in problems},
        shares=report_queries.shares(review) if may_reply else [],
        candidates=report_queries.share_candidates(review) if may_reply else [],
        today=clock.today(), **_common(review),
    ), status


def _lead_review(review_id: int):
    review = access.review_or_404(current_user, review_id)
    access.require(current_user, ReviewAction.WRITE_REPORT, review)
    return review


def _head_review(review_id: int):
    review = access.review_or_404(current_user, review_id)
    access.require(current_user, ReviewAction.REPLY, review)
    return review


# --- reading and writing ------------------------------------------------------------------------


@bp.get("/<int:review_id>/report")
@login_required
def show(review_id: int):
    review = access.review_or_404(current_user, review_id)
    if access.can(current_user, ReviewAction.WRITE_REPORT, review) and workflow.report_open(review):
        report = report_queries.report_for(review)
        blank = 1 if request.args.get("add") == "1" else 0
        return _editor(review, report, ReportInput.from_report(report, review.lines), blank_rows=blank)
    access.require(current_user, ReviewAction.READ_REPORT, review)
    report = report_queries.report_for(review)
    if review.status not in READABLE_STATES or report is None or report.submitted_at is None:
        return render_template("reviews/report/not_ready.html", **_common(review))
    return _read_view(review, report)


@bp.post("/<int:review_id>/report")
@login_required
def save(review_id: int):
    """Save draft, add or remove a next step, or go on to submit: the draft is saved first,
    so nothing typed is lost whatever comes next."""
    review = _lead_review(review_id)
    if not workflow.report_open(review):
        raise workflow.WrongState(review, "edit the report")
    report = report_queries.report_for(review)
    values, problems = parse_report(request.form, review.lines, review.round.use_estimates)
    if problems:
        return _editor(review, report, values, problems, 400)
    if request.form.get("base") != report_queries.fingerprint(report):
        return _editor(review, report, values, status=409, notice=_(
            "This report was saved from another tab or device after you opened this page. What you typed "
            "is shown below and has not been saved yet. Check it, then save again to keep your version."))
    report_ops.save_draft(review, values, actor=current_user)
    action = request.form.get("action", "save")
    if request.form.get("remove_step") is not None:
        flash(_("Next step removed. Draft saved."), "success")
        return redirect(url_for("review_reports.show", review_id=review.id, _anchor="next-steps"))
    if action == "add_step":
        return redirect(url_for("review_reports.show", review_id=review.id, add=1,
                                _anchor=f"steps-{len(values.steps)}-action"))
    if action == "submit":
        return redirect(url_for("review_reports.submit", review_id=review.id))
    flash(_("Draft saved."), "success")
    return redirect(url_for("review_reports.show", review_id=review.id))


@bp.route("/<int:review_id>/report/submit", methods=["GET", "POST"])
@login_required
def submit(review_id: int):
    review = _lead_review(review_id)
    if not workflow.report_open(review):
        if request.method == "GET":
            return redirect(url_for("review_reports.show", review_id=review.id))
        raise workflow.WrongState(review, "submit the report")
    report = report_queries.report_for(review)
    values = ReportInput.from_report(report, review.lines)
    if request.method == "POST":
        try:
            report_ops.submit(review, actor=current_user, today=clock.today())
        except report_ops.Incomplete as e:
            return _editor(review, report, values, e.problems, 422)
        flash(_("Report submitted. The host school’s headteacher can now read it, reply and agree the next steps."),
              "success")
        return redirect(url_for("review_reports.show", review_id=review.id))
    problems = report_ops.missing(review, report, clock.today())
    if problems:
        return _editor(review, report, values, problems, 422)
    return render_template(
        "reviews/report/confirm.html", report=report, names={},
        heading=_("Submit the report to %(school)s?", school=review.host.name),
        lead_in=_("Once submitted, the report cannot be changed. The headteacher can read it, add a right of "
                  "reply and agree the next steps."),
        button=_("Submit the report"), post_to=url_for("review_reports.submit", review_id=review.id),
        cancel_url=url_for("review_reports.show", review_id=review.id), **_common(review),
    )


# --- the host head -------------------------------------------------------------------------------


@bp.post("/<int:review_id>/report/reply")
@login_required
def reply(review_id: int):
    review = _head_review(review_id)
    text, problems = parse_reply(request.form)
    report = report_queries.report_for(review)
    if problems:
        if not workflow.reply_open(review) or report is None:
            raise workflow.WrongState(review, "change the reply")
        return _read_view(review, report, reply_text=text, problems=problems, status=400)
    report_ops.save_reply(review, text, actor=current_user)
    if request.form.get("action") == "agree":
        return redirect(url_for("review_reports.agree", review_id=review.id))
    flash(_("Your reply has been saved. You can change it until you agree the next steps."), "success")
    return redirect(url_for("review_reports.show", review_id=review.id, _anchor="reply"))


@bp.route("/<int:review_id>/report/agree", methods=["GET", "POST"])
@login_required
def agree(review_id: int):
    review = _head_review(review_id)
    if request.method == "POST":
        report_ops.agree(review, actor=current_user)
        flash(_("You have agreed the next steps. The report and your reply are now final."), "success")
        return redirect(url_for("review_reports.show", review_id=review.id))
    if not workflow.reply_open(review):
        return redirect(url_for("review_reports.show", review_id=review.id))
    report = report_queries.report_for(review)
    return render_template(
        "reviews/report/confirm.html", report=report,
        names=report_queries.person_names([report.submitted_by_id]),
        heading=_("Agree the next steps?"),
        lead_in=_("Once you agree, the report and your right of reply are final and cannot be changed."),
        button=_("Agree the next steps"), post_to=url_for("review_reports.agree", review_id=review.id),
        cancel_url=url_for("review_reports.show", review_id=review.id, _anchor="reply"), **_common(review),
    )


@bp.post("/<int:review_id>/report/steps/<int:step_id>")
@login_required
def step_done(review_id: int, step_id: int):
    review = _head_review(review_id)
    step = report_ops.step_of(review, step_id)
    if step is None:
        abort(404)
    done = request.form.get("done") == "yes"
    report_ops.mark_step(review, step, clock.today() if done else None, actor=current_user)
    flash(_("Next step marked as done.") if done else _("Next step marked as not done yet."), "success")
    return redirect(url_for("review_reports.show", review_id=review.id, _anchor="next-steps"))


# --- sharing ----------------------------------------------------------------------------------------


@bp.post("/<int:review_id>/report/shares")
@login_required
def share(review_id: int):
    review = _head_review(review_id)
    try:
        person = report_ops.share(review, parse_id(request.form.get("person_id")), actor=current_user)
    except report_ops.ShareProblem as e:
        report = report_queries.report_for(review)
        if report is None or report.submitted_at is None:
            abort(400, description=e.message)
        return _read_view(review, report, problems=[Problem("person_id", e.message)], status=400)
    flash(_("The report is now shared with %(name)s.", name=person.name), "success")
    return redirect(url_for("review_reports.show", review_id=review.id, _anchor="sharing"))


@bp.post("/<int:review_id>/report/shares/<int:person_id>/remove")
@login_required
def unshare(review_id: int, person_id: int):
    review = _head_review(review_id)
    try:
        person = report_ops.unshare(review, person_id, actor=current_user)
    except report_ops.ShareProblem as e:
        abort(400, description=e.message)
    flash(_("%(name)s can no longer see the report.", name=person.name), "success")
    return redirect(url_for("review_reports.show", review_id=review.id, _anchor="sharing"))
