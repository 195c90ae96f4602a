"""Review rounds for partnership admins (create, propose teams and dates, change teams by
hand, publish), each person's schedule, and declared conflicts of interest.

Thin: parse the request, ask :mod:`peerreview.reviews.access`, call ``rounds_queries`` /
``rounds_ops``, render. A round outside the person's partnerships is 404; one inside it
that they may not manage is 403.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext as _, ngettext
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from peerreview.core import permissions
from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.reviews import access, calendar, conflicts_ops, rounds_ops, rounds_queries, workflow
from peerreview.reviews.labels import STATE_LABELS
from peerreview.reviews.models import ConflictOfInterest
from peerreview.reviews.rounds_forms import ActionForm, ConflictForm, DateForm, RoundForm, posted_id
from surveys.run_forms import to_int

bp = Blueprint("review_rounds", __name__, url_prefix="/manage/rounds")

INVALID = 422  # a form that was understood but cannot be accepted as it is


def _managed_round(round_id: int):
    review_round = access.round_or_404(current_user, round_id)
    if not access.can_manage_rounds(current_user, review_round.partnership):
        abort(403)
    return review_round


def _managed_review(review_round, review_id: int):
    review = access.review_or_404(current_user, review_id)
    if review.round_id != review_round.id:
        abort(404)
    return review


def _host_labels(partnership) -> list[tuple[School, str]]:
    labels = []
    for school, clusters in rounds_queries.host_choices(partnership):
        facts = [", ".join(clusters)] if clusters else []
        if school.phase:
            facts.append(school.phase)
        if not rounds_queries.is_open(school):
            facts.append(school.status)
        labels.append((school, f"{school.name} ({'; '.join(facts)})" if facts else school.name))
    return labels


def _add_problem(form, problem: rounds_ops.RoundProblem) -> None:
    field = getattr(form, problem.field, None)
    if field is None:
        abort(400, description=str(problem.message))
    field.errors = list(field.errors or []) + [str(problem.message)]


def _day_labels(days) -> dict:
    return {d: format_date(d, "EEEE d MMMM yyyy") for d in days}


# --- rounds -------------------------------------------------------------------------------


@bp.get("")
@login_required
def index():
    ids = permissions.admin_partnership_ids(current_user)
    if not ids:
        abort(403)
    return render_template("reviews/rounds/index.html", rows=rounds_queries.round_rows(ids),
                           several=len(ids) > 1, state_labels=STATE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    admin_of, chosen = permissions.partnership_to_create_in(current_user, request.args.get("partnership"))
    if chosen is None:
        return render_template("reviews/rounds/choose_partnership.html", partnerships=admin_of)
    schools = _host_labels(chosen)
    open_ids = [s.id for s, _label in schools if rounds_queries.is_open(s)]
    form = RoundForm(schools=schools, hosts=open_ids)
    status = 200
    if form.validate_on_submit():
        try:
            review_round = rounds_ops.create_round(chosen, form.settings(), actor=current_user)
        except rounds_ops.RoundProblem as problem:
            _add_problem(form, problem)
            status = INVALID
        else:
            flash(_("Round “%(name)s” created with %(num)d host schools. Next, propose teams and dates.",
                    name=review_round.name, num=len(review_round.reviews)), "success")
            return redirect(url_for("review_rounds.show", round_id=review_round.id))
    elif request.method == "POST":
        status = INVALID
    return render_template("reviews/rounds/form.html", form=form, review_round=None, partnership=chosen), status


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit(round_id: int):
    review_round = _managed_round(round_id)
    if review_round.status != "draft":
        abort(409, description=_("This round has been published, so its settings and host schools can no longer "
                                 "change. Teams and dates can still be changed review by review."))
    form = RoundForm(
        schools=_host_labels(review_round.partnership),
        obj=review_round, hosts=[r.host_school_id for r in review_round.reviews],
    )
    status = 200
    if form.validate_on_submit():
        try:
            rounds_ops.update_round(review_round, form.settings(), actor=current_user)
        except rounds_ops.RoundProblem as problem:
            db.session.rollback()
            _add_problem(form, problem)
            status = INVALID
        else:
            flash(_("Round “%(name)s” saved.", name=review_round.name), "success")
            return redirect(url_for("review_rounds.show", round_id=review_round.id))
    elif request.method == "POST":
        status = INVALID
    return render_template("reviews/rounds/form.html", form=form, review_round=review_round,
                           partnership=review_round.partnership), status


def _round_page(review_round, *, status=200, refused=None):
    page = rounds_queries.round_page(review_round, page=request.args.get("page", 1, type=int),
                                     only_problems=request.args.get("problems") == "1")
    return render_template("reviews/rounds/round.html", review_round=review_round, data=page,
                           action_form=ActionForm(), refused=refused, state_labels=STATE_LABELS), status


@bp.get("/<int:round_id>")
@login_required
def show(round_id: int):
    return _round_page(_managed_round(round_id))


@bp.post("/<int:round_id>/propose")
@login_required
def propose(round_id: int):
    review_round = _managed_round(round_id)
    ActionForm().validate_on_submit() or abort(400)
    if review_round.status != "draft":
        abort(409, description=_("This round has been published, so its teams are no longer proposed all at once. "
                                 "Change them review by review."))
    proposal = rounds_ops.propose(review_round, actor=current_user)
    placed, total = len(proposal.placements), len(proposal.placements) + len(proposal.unplaced)
    message = _("Teams and dates proposed: %(placed)d of %(total)d schools placed.", placed=placed, total=total)
    if proposal.unplaced:
        message += " " + ngettext("%(num)d school could not be placed; the reason is shown below.",
                                  "%(num)d schools could not be placed; the reasons are shown below.",
                                  len(proposal.unplaced))
    flash(message, "success")
    return redirect(url_for("review_rounds.show", round_id=review_round.id))


@bp.post("/<int:round_id>/publish")
@login_required
def publish(round_id: int):
    review_round = _managed_round(round_id)
    ActionForm().validate_on_submit() or abort(400)
    try:
        result = rounds_ops.publish(review_round, actor=current_user)
    except rounds_ops.PublishRefused as refused:
        return _round_page(review_round, status=409, refused=refused.messages)
    message = ngettext("Round published: %(num)d review confirmed.", "Round published: %(num)d reviews confirmed.",
                       result.confirmed)
    if result.emails_sent:
        message += " " + ngettext("%(num)d email sent.", "%(num)d emails sent.", result.emails_sent)
    flash(message, "success")
    return redirect(url_for("review_rounds.show", round_id=review_round.id))


# --- one review's team --------------------------------------------------------------------


def _team_page(review_round, review, *, status=200, refused=None):
    data = rounds_queries.team_page(review, search=request.args.get("q", ""),
                                    limit=100000 if request.args.get("all") == "1" else 40)
    date_form = DateForm(days=data.days, labels=_day_labels(data.days),
                         day=review.review_date.isoformat() if review.review_date else None)
    if refused and request.form.get("day"):
        date_form.day.data = request.form.get("day")
    return render_template("reviews/rounds/team.html", review_round=review_round, review=review, data=data,
                           action_form=ActionForm(), date_form=date_form, refused=refused,
                           editable=workflow.team_editable(review), state_labels=STATE_LABELS,
                           search=request.args.get("q", "")), status


@bp.get("/<int:round_id>/reviews/<int:review_id>")
@login_required
def team(round_id: int, review_id: int):
    review_round = _managed_round(round_id)
    return _team_page(review_round, _managed_review(review_round, review_id))


def _team_change(round_id: int, review_id: int, change, success: str):
    review_round = _managed_round(round_id)
    review = _managed_review(review_round, review_id)
    ActionForm().validate_on_submit() or abort(400)
    try:
        change(review)
    except rounds_ops.TeamChangeRefused as refused:
        db.session.rollback()
        return _team_page(review_round, review, status=refused.status, refused=refused.messages)
    flash(success, "success")
    return redirect(url_for("review_rounds.team", round_id=round_id, review_id=review_id))


@bp.post("/<int:round_id>/reviews/<int:review_id>/members")
@login_required
def add_member(round_id: int, review_id: int):
    person_id = posted_id(request.form, "person_id")
    lead = request.form.get("lead") == "1"

    def change(review):
        if person_id is None:
            raise rounds_ops.TeamChangeRefused([_("Choose a reviewer to add.")], status=400)
        rounds_ops.add_member(review, person_id, lead=lead, actor=current_user)

    return _team_change(round_id, review_id, change,
                        _("Lead reviewer added to the team.") if lead else _("Reviewer added to the team."))


@bp.post("/<int:round_id>/reviews/<int:review_id>/members/<int:member_id>/remove")
@login_required
def remove_member(round_id: int, review_id: int, member_id: int):
    return _team_change(round_id, review_id,
                        lambda review: rounds_ops.remove_member(review, member_id, actor=current_user),
                        _("Reviewer taken off the team."))


@bp.post("/<int:round_id>/reviews/<int:review_id>/members/<int:member_id>/lead")
@login_required
def make_lead(round_id: int, review_id: int, member_id: int):
    return _team_change(round_id, review_id,
                        lambda review: rounds_ops.make_lead(review, member_id, actor=current_user),
                        _("Lead reviewer changed."))


@bp.post("/<int:round_id>/reviews/<int:review_id>/date")
@login_required
def change_date(round_id: int, review_id: int):
    review_round = _managed_round(round_id)
    review = _managed_review(review_round, review_id)
    days = rounds_queries.review_days(review_round.window_start, review_round.window_end)
    form = DateForm(days=days, labels=_day_labels(days))
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _team_page(review_round, review, status=INVALID,
                          refused=[str(e) for e in form.day.errors] or [_("Choose a date")])
    return _team_change(round_id, review_id,
                        lambda r: rounds_ops.change_date(r, form.chosen, actor=current_user),
                        _("Date changed to %(day)s.", day=format_date(form.chosen, "full")))


# --- everyone: schedule and conflicts ------------------------------------------------------


@bp.get("/schedule")
@login_required
def schedule():
    rows = rounds_queries.schedule_for(current_user)
    return render_template("reviews/rounds/schedule.html", rows=rows, feed_url=calendar.feed_url(current_user),
                           review_url=_review_url, state_labels=STATE_LABELS)


def _review_url(review_id: int) -> str:
    try:
        return url_for("reviews.show", review_id=review_id)
    except BuildError:  # the review pages are another part's; until they exist, the plain address
        return f"{request.script_root}/manage/reviews/{review_id}"


def _conflicts_page(form=None, status=200):
    schools = rounds_queries.declarable_schools(current_user)
    admin_ids = permissions.admin_partnership_ids(current_user)
    if not schools and not admin_ids:
        abort(403)
    form = form or ConflictForm(schools=schools)
    return render_template(
        "reviews/rounds/conflicts.html", form=form, reviewer=bool(schools),
        own=rounds_queries.own_conflicts(current_user) if schools else [],
        all_conflicts=rounds_queries.partnership_conflicts(admin_ids), admin=bool(admin_ids),
        action_form=ActionForm(),
    ), status


@bp.get("/conflicts")
@login_required
def conflicts():
    return _conflicts_page()


@bp.post("/conflicts")
@login_required
def declare_conflict():
    schools = rounds_queries.declarable_schools(current_user)
    if not schools:
        abort(403)
    form = ConflictForm(schools=schools)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _conflicts_page(form, INVALID)
    school = db.session.get(School, to_int(form.school.data))
    _conflict, created = conflicts_ops.declare(current_user, school, form.reason.data)
    flash(_("Conflict of interest with %(school)s recorded. You will not be asked to review it.", school=school.name)
          if created else _("Reason for your conflict with %(school)s updated.", school=school.name), "success")
    return redirect(url_for("review_rounds.conflicts"))


@bp.post("/conflicts/<int:conflict_id>/withdraw")
@login_required
def withdraw_conflict(conflict_id: int):
    ActionForm().validate_on_submit() or abort(400)
    conflict = db.session.get(ConflictOfInterest, conflict_id)
    if conflict is None or conflict.person_id != current_user.id:
        abort(404)
    name = conflict.school.name
    conflicts_ops.withdraw(conflict, actor=current_user)
    flash(_("Conflict of interest with %(school)s withdrawn.", school=name), "success")
    return redirect(url_for("review_rounds.conflicts"))
