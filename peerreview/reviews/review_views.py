"""A review's page, "My reviews", and the host's preparation (self-evaluation, lines of
enquiry, PDF attachments).

Thin: look the review up through ``access`` (404 outside the person's partnerships, 403
without a part), parse, call ``review_ops`` / ``review_queries``, render. The preparation
can change only while ``workflow.preparation_open``; after that the ops raise WrongState,
which the app shows as a 409 page.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from peerreview.core import clock
from peerreview.core.i18n import character_count_texts
from peerreview.reviews import (
    access,
    attachments,
    review_forms,
    review_ops,
    review_queries,
    workflow,
)
from peerreview.reviews.access import ReviewAction
from peerreview.reviews.labels import STATE_LABELS
from peerreview.reviews.workflow import WrongState

bp = Blueprint("reviews", __name__, url_prefix="/manage/reviews")

STEP_LABELS = {
    review_queries.PREPARE: _l("Prepare your lines of enquiry"),
    review_queries.RECORD: _l("Fill in your visit record"),
    review_queries.WRITE: _l("Write the report"),
    review_queries.REPLY: _l("Read and reply"),
    review_queries.READ: _l("Read the report"),
}
_SAVED_KEY = "reviews.prepared"  # the review whose preparation was just saved: its draft copy can go


def step_url(step: str | None, review) -> str:
    """Where a "what to do next" link goes (the review's own page when there is nothing to do)."""
    target = {
        review_queries.PREPARE: url_for("reviews.prepare", review_id=review.id),
        review_queries.RECORD: url_for("review_records.edit", review_id=review.id),
        review_queries.WRITE: url_for("review_reports.show", review_id=review.id),
        review_queries.REPLY: url_for("review_reports.show", review_id=review.id),
        review_queries.READ: url_for("review_reports.show", review_id=review.id),
    }.get(step)
    return target or url_for("reviews.show", review_id=review.id)


def _review(review_id: int, action: ReviewAction):
    review = access.review_or_404(current_user, review_id)
    access.require(current_user, action, review)
    return review


# --- my reviews -----------------------------------------------------------------------------


@bp.get("")
@login_required
def index():
    return render_template(
        "reviews/review/index.html",
        mine=review_queries.my_reviews(current_user, clock.today()),
        state_labels=STATE_LABELS,
        step_labels=STEP_LABELS,
        step_url=step_url,
        rounds_url=url_for("review_rounds.index"),
        round_url=lambda review_round: url_for("review_rounds.show", round_id=review_round.id),
    )


# --- the review's page ----------------------------------------------------------------------


@bp.get("/<int:review_id>")
@login_required
def show(review_id: int):
    review = _review(review_id, ReviewAction.VIEW)
    parts = access.parts(current_user, review)
    can = {action: access.can(current_user, action, review) for action in ReviewAction}
    published = review.round.status == "published"
    links = []
    if can[ReviewAction.PREPARE] and workflow.preparation_open(review):
        links.append((_("Prepare the review") if review.lines else _("Prepare your lines of enquiry"),
                      url_for("reviews.prepare", review_id=review.id)))
    if can[ReviewAction.RECORD]:
        links.append((_("Visit record"), url_for("review_records.edit", review_id=review.id)))
    if can[ReviewAction.WRITE_REPORT] or (can[ReviewAction.READ_REPORT] and review.status in ("submitted", "agreed")):
        links.append((_("Report"), url_for("review_reports.show", review_id=review.id)))
    if published and review.review_date:
        links.append((_("Add to calendar"), url_for("review_calendar.review_ics", review_id=review.id)))
    clear_draft = session.pop(_SAVED_KEY, None) == review.id
    return render_template(
        "reviews/review/show.html",
        review=review,
        parts=parts,
        state_label=STATE_LABELS[review.status],
        team=review_queries.team_rows(review) if (published or "admin" in parts) else None,
        buttons=links,
        ready=review_queries.is_ready(review),
        can_prepare=can[ReviewAction.PREPARE],
        preparation_open=workflow.preparation_open(review),
        size_label=attachments.size_label,
        clear_draft=clear_draft,
    )


# --- preparation ----------------------------------------------------------------------------


def _render_prepare(review, form, blocks, *, status=200, notice=None, problem=None, upload_form=None,
                    upload_error=None, focus_key=None):
    errors = []
    if form.self_evaluation.errors:
        errors.append({"text": str(form.self_evaluation.errors[0]), "href": "#self_evaluation"})
    if problem:
        errors.append({"text": str(problem), "href": "#lines"})
    for index, block in enumerate(blocks):
        for name in review_forms.LINE_FIELDS:
            if name in block.errors:
                errors.append({"text": _("Line of enquiry %(number)d: %(problem)s", number=index + 1,
                                         problem=block.errors[name]),
                               "href": f"#lines-{index}-{name}"})
    if upload_error:
        errors.append({"text": str(upload_error), "href": "#file"})
    return render_template(
        "reviews/review/prepare.html",
        review=review,
        prepare_form=form,
        blocks=blocks,
        errors=errors,
        notice=notice,
        upload_form=upload_form or review_forms.UploadForm(),
        upload_error=upload_error,
        delete_form=review_forms.ActionForm(),
        max_lines=review_forms.MAX_LINES_OF_ENQUIRY,
        max_attachments=attachments.MAX_PER_REVIEW,
        max_size=attachments.size_label(attachments.max_bytes()),
        size_label=attachments.size_label,
        limits={"self_evaluation": review_forms.SELF_EVALUATION_MAX, "question": review_forms.QUESTION_MAX,
                "sip_priority": review_forms.SIP_PRIORITY_MAX, "context": review_forms.CONTEXT_MAX,
                "evidence_wanted": review_forms.EVIDENCE_MAX},
        focus_key=focus_key,
        count_texts=character_count_texts(),
        draft_key=f"review-prepare:{review.id}",
        draft_version=review_queries.preparation_version(review),
    ), status


def _open_for_preparation(review_id: int):
    review = _review(review_id, ReviewAction.PREPARE)
    if not workflow.preparation_open(review):
        raise WrongState(review, "prepare")
    return review


def _in_use_message(review, lines) -> str:
    numbers = ", ".join(str(line.position + 1) for line in lines)
    return _("Line of enquiry %(numbers)s cannot be removed: the review team has already written against it. "
             "You can still change its wording. Nothing has been saved.", numbers=numbers) if len(lines) == 1 else \
        _("Lines of enquiry %(numbers)s cannot be removed: the review team has already written against them. "
          "You can still change their wording. Nothing has been saved.", numbers=numbers)


@bp.route("/<int:review_id>/prepare", methods=["GET", "POST"])
@login_required
def prepare(review_id: int):
    review = _open_for_preparation(review_id)
    if request.method == "GET":
        form = review_forms.PrepareForm(self_evaluation=review.self_evaluation)
        return _render_prepare(review, form, review_forms.blocks_from_review(review))

    form = review_forms.PrepareForm()
    form.validate()  # the CSRF token was checked before the view; this checks the length
    existing_ids = {line.id for line in review.lines}
    blocks = review_forms.posted_blocks(request.form, existing_ids)
    action = request.form.get("action", "save")

    if action == "add":
        form.self_evaluation.errors = []
        if len(blocks) >= review_forms.MAX_LINES_OF_ENQUIRY:
            return _render_prepare(review, form, blocks, status=400, problem=_(
                "A review can have up to %(max)d lines of enquiry.", max=review_forms.MAX_LINES_OF_ENQUIRY))
        block = review_forms.LineBlock(key=review_forms.new_key(blocks))
        blocks.append(block)
        return _render_prepare(review, form, blocks, focus_key=block.key, notice=_(
            "Line of enquiry %(number)d added. Nothing is saved until you press Save.", number=len(blocks)))

    if action.startswith("remove:"):
        form.self_evaluation.errors = []
        key = action.partition(":")[2]
        block = next((b for b in blocks if b.key == key), None)
        if block is None:
            abort(400, description=_("That line of enquiry is no longer on the page. Go back, reload the page "
                                     "and try again."))
        if block.line_id is not None:
            in_use = review_ops.lines_in_use(review, {block.line_id})
            if in_use:
                return _render_prepare(review, form, blocks, status=409, problem=_in_use_message(review, in_use))
        number = blocks.index(block) + 1
        blocks.remove(block)
        if not blocks:
            blocks.append(review_forms.LineBlock(key=review_forms.new_key()))
        return _render_prepare(review, form, blocks, notice=_(
            "Line of enquiry %(number)d taken off the page. It stays saved until you press Save.", number=number))

    if action != "save":
        abort(400)
    kept = review_forms.validate_blocks(blocks)
    problem = review_forms.count_problem(kept)
    if form.errors or problem or any(b.errors for b in kept):
        return _render_prepare(review, form, blocks, status=400, problem=problem)
    try:
        review_ops.save_preparation(review, form.self_evaluation.data or "", [
            review_ops.LineInput(b.line_id, b.question, b.sip_priority, b.context, b.evidence_wanted)
            for b in kept], actor=current_user)
    except review_ops.LinesInUse as e:
        return _render_prepare(review, form, blocks, status=409, problem=_in_use_message(review, e.lines))
    session[_SAVED_KEY] = review.id
    flash(_("Your preparation is saved. The review team can read it on this page."), "success")
    for number, block in enumerate(kept, start=1):
        if block.warning:
            flash(_("Line of enquiry %(number)d does not read like a question. Lines of enquiry usually start "
                    "“To what extent” and end with a question mark. You can change it any time before the "
                    "visit.", number=number), "warning")
    return redirect(url_for("reviews.show", review_id=review.id))


# --- attachments ----------------------------------------------------------------------------


@bp.post("/<int:review_id>/attachments")
@login_required
def upload_attachment(review_id: int):
    review = _open_for_preparation(review_id)
    upload_form = review_forms.UploadForm()
    try:
        review_ops.add_attachment(review, request.files.get("file"), actor=current_user)
    except attachments.AttachmentProblem as problem:
        form = review_forms.PrepareForm(formdata=None, self_evaluation=review.self_evaluation)
        return _render_prepare(review, form, review_forms.blocks_from_review(review), status=problem.status,
                               upload_form=upload_form, upload_error=problem.message)
    flash(_("The PDF is uploaded. The review team can download it from the review's page."), "success")
    return redirect(url_for("reviews.prepare", review_id=review.id) + "#attachments")


@bp.get("/<int:review_id>/attachments/<int:attachment_id>")
@login_required
def attachment(review_id: int, attachment_id: int):
    review = _review(review_id, ReviewAction.VIEW)
    found = review_queries.attachment_or_404(review, attachment_id)
    path = attachments.path_for(review.id, found.stored_name)
    if path is None or not path.is_file():
        abort(404, description=_("This file is no longer available. Ask the host school to upload it again."))
    review_ops.record_download(review, found, actor=current_user)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=found.original_name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:review_id>/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(review_id: int, attachment_id: int):
    review = _review(review_id, ReviewAction.PREPARE)
    found = review_queries.attachment_or_404(review, attachment_id)
    name = found.original_name
    review_ops.delete_attachment(review, found, actor=current_user)
    flash(_("“%(name)s” is deleted.", name=name), "success")
    return redirect(url_for("reviews.prepare", review_id=review.id) + "#attachments")


@bp.errorhandler(413)
def too_large(error):
    """A request bigger than the app accepts at all (MAX_CONTENT_LENGTH) stops before the view:
    say what the limit for a PDF is."""
    message = _("The file must be smaller than %(size)s. Make the PDF smaller or split it, then upload it again. "
                "Nothing else has changed.", size=attachments.size_label(attachments.max_bytes()))
    return render_template("error.html", code=413, title=_("File too large"), message=message), 413
