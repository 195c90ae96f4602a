"""A reviewer's own record of the visit, written on a tablet that may lose its connection.

Thin: ask ``access``, call ``record_ops`` / ``record_queries``, render. The page embeds the
server's state (each part's value and version) so any device picks up where the last left
off; static/js/review_record.js saves every change (``save``, JSON) and keeps unsent
changes on the tablet. Without scripts the same page is one form posted to ``save_form``.

A review outside the person's partnerships is 404; one in it where they are not on the team
is 403; a save once the record has closed is 409. The JSON endpoints answer in JSON whatever
the browser's Accept header says, so the script can always read the answer.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from peerreview.reviews import access, record_form, record_ops, record_queries, workflow
from peerreview.reviews.access import ReviewAction
from peerreview.reviews.labels import STATE_LABELS

bp = Blueprint("review_records", __name__, url_prefix="/manage/reviews")

# A save is a few findings and evidence entries; the script splits an offline day's work into
# saves well under this. Anything bigger is refused before it is read.
MAX_SAVE_BYTES = 2 * 1024 * 1024


def _review_url(review_id: int) -> str:
    try:
        return url_for("reviews.show", review_id=review_id)
    except BuildError:  # the review page is another part's; until it exists, home
        return url_for("dashboard.home")


def _json_error(status: int, message, **extra):
    return jsonify({"error": str(message), **extra}), status


def _signed_out():
    return _json_error(401, _("You have been signed out. Sign in again; your changes are kept on this tablet."),
                       code="signed_out")


def _own_review(review_id: int):
    review = access.review_or_404(current_user, review_id)
    access.require(current_user, ReviewAction.RECORD, review)
    return review


def _json_review(review_id: int):
    """The review for a JSON endpoint, or the JSON error to answer with."""
    if not current_user.is_authenticated:
        return None, _signed_out()
    try:
        return _own_review(review_id), None
    except HTTPException as e:
        message = {403: _("You are not on this review’s team."), 404: _("There is no such review.")}
        return None, _json_error(e.code, message.get(e.code, e.description), code=str(e.code))


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _page(review, record, *, status: int = 200, error: str | None = None, overrides: dict | None = None,
          conflicts: list[dict] = ()):
    state = record_queries.record_state(review, record)
    overrides = overrides or {}
    known = {entry.key for line in state for entry in line.entries}
    unsaved = {}  # entries posted without scripts and refused: shown again, nothing lost
    for key, posted in overrides.items():
        if key.startswith("evidence:") and key not in known and not posted["value"]["deleted"]:
            unsaved.setdefault(posted["value"]["line_id"], []).append(
                (key.split(":", 1)[1], posted["value"]["values"], posted["digest"]))
    mine_entries = {}  # without scripts: an entry changed elsewhere, as this page had it
    for conflict in conflicts:
        mine = conflict.get("mine")
        if conflict["item"].startswith("evidence:") and isinstance(mine, dict):
            mine_entries.setdefault(mine["line_id"], []).append(mine)
    editable = record is not None and workflow.record_open(review)
    locale = _locale()
    use_estimates = review.round.use_estimates
    return render_template(
        "reviews/record/edit.html",
        review=review, record=record, lines=state, editable=editable,
        state_label=STATE_LABELS[review.status], back_url=_review_url(review.id),
        browser_state=record_queries.browser_state(state),
        finding_items=record_form.finding_items(use_estimates),
        evidence_items=record_form.evidence_items(),
        locale=locale, rf=record_form, error=error, overrides=overrides, unsaved=unsaved,
        conflicts={c["item"]: c for c in conflicts}, mine_entries=mine_entries,
        save_id=str(uuid.uuid4()), new_entry_id=lambda: str(uuid.uuid4()),
        storage_key=f"review-record:{review.id}:{current_user.id}",
    ), status, {"Cache-Control": "no-store"}


@bp.get("/<int:review_id>/record")
def edit(review_id: int):
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    review = _own_review(review_id)
    record = record_ops.open_record(review, current_user)
    return _page(review, record)


@bp.post("/<int:review_id>/record/save")
def save(review_id: int):
    review, error = _json_review(review_id)
    if error:
        return error
    if (request.content_length or 0) > MAX_SAVE_BYTES:
        return _json_error(400, _("That save is too large to accept."), code="invalid")
    payload = request.get_json(silent=True)
    if payload is None:
        return _json_error(400, _("The save could not be read."), code="invalid")
    record = record_ops.open_record(review, current_user)
    if record is None:
        return _closed(review)
    try:
        result = record_ops.apply_save(record, payload)
    except record_ops.SaveRejected as e:
        return _json_error(400, e.message, code="invalid", item=e.item)
    except record_ops.SaveConflict as e:
        return _json_error(409, _("Some of this was changed on another device since this tablet last saw it."),
                           code="conflict", conflicts=e.conflicts)
    except workflow.WrongState:
        return _closed(review)
    body = {"versions": result.versions, "saved_at": result.saved_at.isoformat()}
    if result.duplicate:
        body.update(duplicate=True, changed_since=result.changed_since)
    return jsonify(body)


def _closed(review):
    return _json_error(409, _("This review is now “%(state)s”, so the record cannot be changed any more.",
                              state=STATE_LABELS[review.status]), code="closed")


@bp.get("/<int:review_id>/record/token")
def token(review_id: int):
    """A fresh CSRF token for a page left open all day (tokens expire) or after signing in again."""
    review, error = _json_review(review_id)
    if error:
        return error
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:review_id>/record")
def save_form(review_id: int):
    """Without scripts: the whole page's fields in one post, saved as one autosave would be."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    review = _own_review(review_id)
    record = record_ops.open_record(review, current_user)
    if record is None or not workflow.record_open(review):
        raise workflow.WrongState(review, "record")
    payload, posted = record_form.changes_from_form(request.form, review)
    try:
        record_ops.apply_save(record, payload)
    except record_ops.SaveRejected as e:
        return _page(review, record, status=400, error=str(e.message), overrides=posted)
    except record_ops.SaveConflict as e:
        for conflict in e.conflicts:
            conflict["mine"] = (posted.get(conflict["item"]) or {}).get("value")
        # The rest is shown as posted (not saved yet, nothing lost); the conflicts as the server has them.
        kept = {key: value for key, value in posted.items() if key not in {c["item"] for c in e.conflicts}}
        return _page(review, record, status=409, conflicts=e.conflicts, overrides=kept,
                     error=_("Some of this was changed on another device. The saved version is shown; "
                             "your text is beside it, not saved."))
    flash(_("Saved"), "success")
    return redirect(url_for("review_records.edit", review_id=review.id))
