"""The safeguarding queue at /manage/safeguarding: comments flagged as suggesting harm,
abuse, self-harm or a child at risk, for the partnership's administrators only, with the
full text (they need it to act) and a button to record that it was passed to the school's
designated safeguarding lead. Nowhere else shows a flagged comment.

Thin: find (another partnership's item is 404), ask ``permissions``, read or write through
``store``, render.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from peerreview.core import permissions
from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Partnership, School
from peerreview.core.permissions import Action
from peerreview.extensions import db
from surveys.insights import store
from surveys.insights.models import CommentAnalysis
from surveys.models import Answer, Item, SurveyResponse, SurveyRun

bp = Blueprint("safeguarding", __name__, url_prefix="/manage/safeguarding")

PASSED_SHOWN = 50


@dataclass
class QueueItem:
    id: int
    school: str
    survey: str
    question: str
    submitted_on: date
    text: str
    reviewed_at: datetime | None
    reviewed_by: str | None


def _admin_partnerships() -> list[Partnership]:
    ids = permissions.admin_partnership_ids(current_user)
    if not ids:
        abort(403)
    return list(db.session.scalars(select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name)))


def _items(partnership_ids: set[int], reviewed: bool) -> list[QueueItem]:
    stmt = (
        select(CommentAnalysis.id, School.name, SurveyRun.title, Item.text_en, SurveyResponse.submitted_on,
               Answer.value, CommentAnalysis.reviewed_at, Person.name)
        .join(Answer, CommentAnalysis.answer_id == Answer.id)
        .join(Item, Answer.item_id == Item.id)
        .join(SurveyResponse, Answer.response_id == SurveyResponse.id)
        .join(SurveyRun, SurveyResponse.run_id == SurveyRun.id)
        .join(School, SurveyResponse.school_id == School.id)
        .outerjoin(Person, CommentAnalysis.reviewed_by_id == Person.id)
        .where(SurveyRun.partnership_id.in_(partnership_ids), CommentAnalysis.safeguarding.is_(True))
    )
    if reviewed:
        stmt = stmt.where(CommentAnalysis.reviewed_at.is_not(None)) \
            .order_by(CommentAnalysis.reviewed_at.desc(), CommentAnalysis.id.desc()).limit(PASSED_SHOWN)
    else:
        # The longest waiting first.
        stmt = stmt.where(CommentAnalysis.reviewed_at.is_(None)) \
            .order_by(SurveyResponse.submitted_on, CommentAnalysis.id)
    return [QueueItem(*row) for row in db.session.execute(stmt)]


@bp.get("")
@login_required
def queue():
    partnerships = _admin_partnerships()
    for partnership in partnerships:
        # Comments not yet analysed (a survey still open, say) are checked now: a child at
        # risk should not wait for a results page to be opened.
        store.ensure_analysed(partnership_id=partnership.id)
    ids = {p.id for p in partnerships}
    response = Response(render_template(
        "surveys/insights/queue.html", partnerships=partnerships,
        open_items=_items(ids, reviewed=False), passed_items=_items(ids, reviewed=True),
    ))
    response.headers["Cache-Control"] = "no-store"  # the full text of a worrying comment
    return response


@bp.post("/<int:item_id>/passed")
@login_required
def mark_passed(item_id: int):
    row = db.session.get(CommentAnalysis, item_id)
    found = None
    if row is not None and row.safeguarding:
        found = db.session.execute(
            select(SurveyRun.partnership_id).join(SurveyResponse, SurveyResponse.run_id == SurveyRun.id)
            .join(Answer, Answer.response_id == SurveyResponse.id).where(Answer.id == row.answer_id)
        ).scalar()
    if found is None or found not in permissions.partnership_ids(current_user):
        abort(404)
    partnership = db.session.get(Partnership, found)
    permissions.require(current_user, Action.MANAGE_SURVEYS, partnership)
    if store.mark_passed(row, current_user, partnership.id):
        flash(_("Marked as passed to the school's designated safeguarding lead."), "success")
    else:
        flash(_("This comment had already been marked as passed to the designated safeguarding lead."))
    return redirect(url_for("safeguarding.queue"))


@bp.app_template_global()
def safeguarding_open(partnership_id: int) -> int:
    """Open items in a partnership's queue, for the administrators' home page (comments not
    yet analysed are analysed first)."""
    if partnership_id not in permissions.admin_partnership_ids(current_user):
        return 0
    store.ensure_analysed(partnership_id=partnership_id)
    return store.open_safeguarding_count(partnership_id)
