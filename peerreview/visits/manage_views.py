"""The adults' pages for pupil visits (/manage/visits): the list, planning a visit (details,
children, adults), the host head's focus and prompts, the feedback session with its code and
QR code, closing it, the head's summary and thank-you.

Thin: look the visit up through ``access`` (404 outside the person's partnerships, 403 without
a part), parse with ``manage_forms``, call ``operations`` / ``queries`` / ``summary``, render.
A change the visit's state does not allow raises ``operations.WrongState``: a 409 page.
"""
from __future__ import annotations

import segno
from markupsafe import escape
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from peerreview.core import clock
from peerreview.core.accounts import mail
from peerreview.extensions import db
from peerreview.visits import access, manage_forms, operations, queries, sessions, summary
from peerreview.visits.access import VisitAction
from peerreview.visits.focus import BY_KEY, FOCUS_BANK
from peerreview.visits.labels import (
    FACE_LABELS,
    LIKE_LABELS,
    STATE_COLOURS,
    STATE_LABELS,
    focus_title,
    parts_label,
    prompt_text,
    year_label,
)
from peerreview.visits.models import MAX_PROMPTS, MIN_PROMPTS, VisitAdult, VisitPupil

bp = Blueprint("visits", __name__, url_prefix="/manage/visits")

STEP_LABELS = {
    queries.ADD_PUPILS: _l("Add the children and adults"),
    queries.SET_FOCUS: _l("Choose the focus and prompts"),
    queries.WAIT_FOCUS: _l("Waiting for the host head’s focus"),
    queries.OPEN_FEEDBACK: _l("Open feedback for the tablets"),
    queries.RUN_SESSION: _l("Show the code, then close feedback"),
    queries.READ_FEEDBACK: _l("Read the children’s feedback"),
    queries.SEND_THANKS: _l("Send a thank-you"),
    queries.READ_THANKS: _l("Read the host’s thank-you"),
}
_CODES_KEY = "visit_codes"  # visit id -> the plain code its opener was shown (kept in their signed cookie)


def _locale() -> str:
    return str(get_locale() or "en_GB")


def step_url(step: str | None, visit) -> str:
    target = {
        queries.ADD_PUPILS: url_for("visits.people", visit_id=visit.id),
        queries.SET_FOCUS: url_for("visits.focus", visit_id=visit.id),
        queries.OPEN_FEEDBACK: url_for("visits.feedback_session", visit_id=visit.id),
        queries.RUN_SESSION: url_for("visits.feedback_session", visit_id=visit.id),
        queries.READ_FEEDBACK: url_for("visits.feedback", visit_id=visit.id),
        queries.SEND_THANKS: url_for("visits.thanks", visit_id=visit.id),
        queries.READ_THANKS: url_for("visits.show", visit_id=visit.id) + "#thank-you",
    }.get(step)
    return target or url_for("visits.show", visit_id=visit.id)


def _visit(visit_id: int, action: VisitAction):
    visit = access.visit_or_404(current_user, visit_id)
    access.require(current_user, action, visit)
    return visit


def _planned(visit_id: int, action: VisitAction = VisitAction.MANAGE):
    visit = _visit(visit_id, action)
    if visit.status != "planned":
        raise operations.WrongState(_("Feedback has been opened for this visit, so its plan can no longer change."))
    return visit


@bp.errorhandler(operations.WrongState)
def wrong_state(error):
    return render_template("error.html", code=409, title=_("Not available now"), message=error.message), 409


def _common():
    return {"state_labels": STATE_LABELS, "state_colours": STATE_COLOURS, "year_label": year_label,
            "focus_title": lambda v: focus_title(v, _locale()), "prompt_text": lambda p: prompt_text(p, _locale())}


# --- the list -------------------------------------------------------------------------------


@bp.get("")
@login_required
def index():
    today = clock.today()
    return render_template(
        "visits/manage/index.html", visits=queries.visit_list(current_user, today),
        can_create=bool(queries.partnerships_for_create(current_user)), step_labels=STEP_LABELS,
        step_url=step_url, parts_label=parts_label, **_common())


# --- create and edit the details ------------------------------------------------------------


def _visit_form(partnership_id: int, **kwargs):
    return manage_forms.VisitForm(schools=queries.schools_of(partnership_id), today=clock.today(), **kwargs)


def _details(form) -> operations.VisitDetails:
    return operations.VisitDetails(form.host_school_id.data, form.visit_date.data, form.starts_at.data,
                                   form.ends_at.data, frozenset(form.visiting.data or ()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    choices = queries.partnerships_for_create(current_user)
    if not choices:
        abort(403)
    chosen = choices[0]
    if len(choices) > 1:
        chosen = next((p for p in choices if str(p.id) == request.args.get("partnership")), None)
        if chosen is None:
            return render_template("visits/manage/choose_partnership.html", partnerships=choices)
    form = _visit_form(chosen.id)
    status = 200
    if form.validate_on_submit():
        try:
            visit = operations.create_visit(chosen, _details(form), actor=current_user)
        except operations.VisitProblem as problem:
            form.visiting.errors = [problem.message]
            status = problem.status
        else:
            flash(_("The visit is planned. Next, add the children and the adults coming with them."), "success")
            return redirect(url_for("visits.people", visit_id=visit.id))
    elif request.method == "POST":
        status = 400
    return render_template("visits/manage/details.html", form=form, visit=None, partnership=chosen), status


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    visit = _planned(visit_id)
    form = _visit_form(visit.partnership_id, obj=None if request.method == "POST" else visit,
                       **({} if request.method == "POST" else {
                           "host_school_id": visit.host_school_id,
                           "visiting": [v.school_id for v in visit.visiting_schools]}))
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_visit(visit, _details(form), actor=current_user)
        except operations.VisitProblem as problem:
            form.visiting.errors = [problem.message]
            status = problem.status
        else:
            flash(_("The visit’s details are saved."), "success")
            return redirect(url_for("visits.show", visit_id=visit.id))
    elif request.method == "POST":
        status = 400
    return render_template("visits/manage/details.html", form=form, visit=visit,
                           partnership=visit.partnership), status


# --- the visit's page -----------------------------------------------------------------------


@bp.get("/<int:visit_id>")
@login_required
def show(visit_id: int):
    visit = _visit(visit_id, VisitAction.VIEW)
    can = {action: access.can(current_user, action, visit) for action in VisitAction}
    days = int(current_app.config.get("VISIT_NAME_RETENTION_DAYS", 30))
    buttons = []
    if visit.status == "planned":
        if can[VisitAction.SET_FOCUS]:
            buttons.append((_("Change the focus and prompts") if visit.focus_title else _("Choose the focus and prompts"),
                            url_for("visits.focus", visit_id=visit.id)))
        if can[VisitAction.MANAGE]:
            on_the_day = (_("Feedback on the day"), url_for("visits.feedback_session", visit_id=visit.id))
            ready = not queries.problems_before_opening(visit, clock.today())
            if ready:  # the day has come: the main button opens feedback
                buttons.insert(0, on_the_day)
            buttons.append((_("Children and adults"), url_for("visits.people", visit_id=visit.id)))
            buttons.append((_("Change the details"), url_for("visits.edit", visit_id=visit.id)))
            if not ready:
                buttons.append(on_the_day)
    elif visit.status == "open" and can[VisitAction.MANAGE]:
        buttons.append((_("Show the code for the tablets"), url_for("visits.feedback_session", visit_id=visit.id)))
        buttons.append((_("Close feedback"), url_for("visits.close", visit_id=visit.id)))
    elif visit.status == "closed":
        if can[VisitAction.READ_FEEDBACK]:
            buttons.append((_("Read the children’s feedback"), url_for("visits.feedback", visit_id=visit.id)))
        if can[VisitAction.THANK]:
            buttons.append((_("Change your thank-you") if visit.thank_you_sent_at else _("Send a thank-you"),
                            url_for("visits.thanks", visit_id=visit.id)))
        if can[VisitAction.MANAGE]:
            buttons.append((_("Who sent feedback"), url_for("visits.feedback_session", visit_id=visit.id)))
    return render_template(
        "visits/manage/show.html", visit=visit, can=can, buttons=buttons,
        parts=parts_label(access.parts(current_user, visit)),
        pupils=queries.pupils_by_school(visit), names_deleted_on=queries.names_deleted_on(visit, days),
        retention_days=days, focus_detail=visit.focus_detail, **_common())


# --- children and adults --------------------------------------------------------------------


def _render_people(visit, *, status=200, bulk_text=None, bulk_problems=None, one_form=None, adult_form=None):
    schools = queries.visiting_schools(visit)
    adult_schools = [visit.host] + schools
    one_form = one_form or manage_forms.OnePupilForm(formdata=None, prefix="one", schools=schools)
    adult_form = adult_form or manage_forms.AdultForm(formdata=None, prefix="adult", schools=adult_schools)
    errors = []
    for school_id, problems in (bulk_problems or {}).items():
        errors += [{"text": str(p), "href": f"#pupils-{school_id}"} for p in problems]
    for prefix, form in (("one", one_form), ("adult", adult_form)):
        errors += [{"text": str(errs[0]), "href": f"#{prefix}-{name}"} for name, errs in form.errors.items()
                   if errs and name != "csrf_token"]
    return render_template(
        "visits/manage/people.html", visit=visit, pupils=queries.pupils_by_school(visit), schools=schools,
        bulk_text=bulk_text or {}, bulk_problems=bulk_problems or {}, one_form=one_form, adult_form=adult_form,
        remove_form=manage_forms.ActionForm(), errors=errors, max_pupils=manage_forms.MAX_PUPILS,
        **_common()), status


@bp.get("/<int:visit_id>/people")
@login_required
def people(visit_id: int):
    return _render_people(_planned(visit_id))


@bp.post("/<int:visit_id>/pupils")
@login_required
def add_pupils(visit_id: int):
    visit = _planned(visit_id)
    form = manage_forms.PupilLinesForm()
    if not form.validate_on_submit():
        abort(400)
    school_id = manage_forms.to_int(request.form.get("school_id"))
    if school_id not in {s.id for s in queries.visiting_schools(visit)}:
        abort(400, description=_("Those children were for a school that is not visiting. Go back, reload the page "
                                 "and try again."))
    text = form.lines.data or ""
    room = manage_forms.MAX_PUPILS - len(visit.pupils)
    pupils, problems = manage_forms.parse_pupil_lines(text, queries.existing_names(visit, school_id), room)
    if problems:
        return _render_people(visit, status=400, bulk_text={school_id: text}, bulk_problems={school_id: problems})
    try:
        added = operations.add_pupils(visit, school_id, pupils, actor=current_user)
    except operations.VisitProblem as problem:
        return _render_people(visit, status=problem.status, bulk_text={school_id: text},
                              bulk_problems={school_id: [problem.message]})
    flash(ngettext("%(num)d child added.", "%(num)d children added.", added), "success")
    return redirect(url_for("visits.people", visit_id=visit.id) + f"#school-{school_id}")


@bp.post("/<int:visit_id>/pupils/one")
@login_required
def add_one_pupil(visit_id: int):
    visit = _planned(visit_id)
    form = manage_forms.OnePupilForm(prefix="one", schools=queries.visiting_schools(visit))
    if not form.validate_on_submit():
        return _render_people(visit, status=400, one_form=form)
    pupil = manage_forms.PupilInput(form.first_name.data, form.year_group.data)
    try:
        operations.add_pupils(visit, form.school_id.data, [pupil], actor=current_user)
    except operations.VisitProblem as problem:
        form.first_name.errors = [problem.message]
        return _render_people(visit, status=problem.status, one_form=form)
    flash(_("%(name)s (%(year)s) added.", name=pupil.first_name, year=year_label(pupil.year_group)), "success")
    return redirect(url_for("visits.people", visit_id=visit.id) + f"#school-{form.school_id.data}")


@bp.post("/<int:visit_id>/pupils/<int:pupil_id>/remove")
@login_required
def remove_pupil(visit_id: int, pupil_id: int):
    visit = _planned(visit_id)
    manage_forms.ActionForm().validate_on_submit() or abort(400)
    pupil = db.session.get(VisitPupil, pupil_id)
    if pupil is None or pupil.visit_id != visit.id:
        abort(404)
    name, school_id = pupil.first_name, pupil.school_id
    operations.remove_pupil(visit, pupil, actor=current_user)
    flash(_("%(name)s is no longer on the list.", name=name or _("The child")), "success")
    return redirect(url_for("visits.people", visit_id=visit.id) + f"#school-{school_id}")


@bp.post("/<int:visit_id>/adults")
@login_required
def add_adult(visit_id: int):
    visit = _planned(visit_id)
    form = manage_forms.AdultForm(prefix="adult", schools=[visit.host] + queries.visiting_schools(visit))
    if not form.validate_on_submit():
        return _render_people(visit, status=400, adult_form=form)
    try:
        operations.add_adult(visit, form.school_id.data, form.name.data, form.phone.data or "", actor=current_user)
    except operations.VisitProblem as problem:
        form.name.errors = [problem.message]
        return _render_people(visit, status=problem.status, adult_form=form)
    flash(_("%(name)s added.", name=form.name.data), "success")
    return redirect(url_for("visits.people", visit_id=visit.id) + "#adults")


@bp.post("/<int:visit_id>/adults/<int:adult_id>/remove")
@login_required
def remove_adult(visit_id: int, adult_id: int):
    visit = _planned(visit_id)
    manage_forms.ActionForm().validate_on_submit() or abort(400)
    adult = db.session.get(VisitAdult, adult_id)
    if adult is None or adult.visit_id != visit.id:
        abort(404)
    name = adult.name
    operations.remove_adult(visit, adult, actor=current_user)
    flash(_("%(name)s is no longer on the list.", name=name), "success")
    return redirect(url_for("visits.people", visit_id=visit.id) + "#adults")


# --- focus and prompts ----------------------------------------------------------------------


def _bank_rows(key: str) -> list[manage_forms.PromptRow]:
    focus = BY_KEY[key]
    return [manage_forms.PromptRow(p.en, p.cy) for p in focus.prompts]


def _render_focus(visit, form, rows, *, step, status=200, problem=None, notice=None, focus_row=None):
    errors = [{"text": str(errs[0]), "href": f"#{name}"} for name, errs in form.errors.items()
              if errs and name not in ("csrf_token",)]
    if problem:
        errors.append({"text": str(problem), "href": "#prompts"})
    for number, row in enumerate(rows, start=1):
        for language, message in row.errors.items():
            errors.append({"text": _("Prompt %(number)d: %(problem)s", number=number, problem=message),
                           "href": f"#prompts-{number - 1}-{language}"})
    return render_template(
        "visits/manage/focus.html", visit=visit, focus_form=form, rows=rows, step=step, bank=FOCUS_BANK,
        errors=errors, problem=problem, notice=notice, focus_row=focus_row, min_prompts=MIN_PROMPTS,
        max_prompts=MAX_PROMPTS, prompt_max=manage_forms.PROMPT_MAX, locale=_locale(), **_common()), status


@bp.route("/<int:visit_id>/focus", methods=["GET", "POST"])
@login_required
def focus(visit_id: int):
    visit = _planned(visit_id, VisitAction.SET_FOCUS)
    if request.method == "GET":
        if visit.focus_title and request.args.get("step") != "choose":
            form = manage_forms.FocusForm(formdata=None, focus_key=visit.focus_key or "",
                                          focus_title=visit.focus_title, focus_detail=visit.focus_detail)
            rows = [manage_forms.PromptRow(p.text_en, p.text_cy or "") for p in visit.prompts]
            return _render_focus(visit, form, rows, step="prompts")
        form = manage_forms.FocusForm(formdata=None, focus_key=visit.focus_key or "")
        return _render_focus(visit, form, [], step="choose")

    form = manage_forms.FocusForm()
    action = request.form.get("action", "save")
    rows = manage_forms.posted_prompts(request.form)
    key = form.focus_key.data or ""

    if action == "choose":
        form.validate()
        if key in BY_KEY:
            bank = BY_KEY[key]
            form = manage_forms.FocusForm(formdata=None, focus_key=key,
                                          focus_title=bank.cy if _locale().startswith("cy") else bank.en,
                                          focus_detail=form.focus_detail.data or "")
            return _render_focus(visit, form, _bank_rows(key), step="prompts", notice=_(
                "We have filled in suggested prompts for “%(focus)s”. Change them as you like, then save.",
                focus=form.focus_title.data))
        if key == "own" or (not key and form.focus_title.data):
            form.focus_key.data = ""
            if form.focus_title.errors:
                return _render_focus(visit, form, [], step="choose", status=400)
            return _render_focus(visit, form, [manage_forms.PromptRow() for _ in range(MIN_PROMPTS)],
                                 step="prompts")
        form.focus_key.errors = [_("Choose a focus from the list, or write your own")]
        return _render_focus(visit, form, [], step="choose", status=400)

    if key and key not in BY_KEY:
        form.focus_key.data = key = ""
    form.validate()
    if action == "add":
        form.focus_title.errors, form.focus_detail.errors = [], []
        if len([r for r in rows if not r.blank]) >= MAX_PROMPTS:
            return _render_focus(visit, form, rows, step="prompts", status=400, problem=_(
                "A visit can have up to %(max)d prompts.", max=MAX_PROMPTS))
        rows.append(manage_forms.PromptRow())
        return _render_focus(visit, form, rows, step="prompts", focus_row=len(rows) - 1, notice=_(
            "Prompt %(number)d added. Nothing is saved until you press Save.", number=len(rows)))
    verb, _sep, index_text = action.partition(":")
    if verb in ("remove", "up", "down"):
        form.focus_title.errors, form.focus_detail.errors = [], []
        index = manage_forms.to_int(index_text)
        if index is None or not 0 <= index < len(rows):
            abort(400, description=_("That prompt is no longer on the page. Go back, reload the page and try again."))
        if verb == "remove":
            rows.pop(index)
            notice = _("Prompt %(number)d taken off the page. Press Save to keep the change.", number=index + 1)
            return _render_focus(visit, form, rows, step="prompts", notice=notice)
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
        return _render_focus(visit, form, rows, step="prompts", focus_row=other if 0 <= other < len(rows) else index,
                             notice=_("Prompt moved to number %(number)d. Press Save to keep the order.",
                                      number=min(max(other, 0), len(rows) - 1) + 1))
    if action != "save":
        abort(400)
    kept, problem = manage_forms.check_prompts(rows)
    if form.errors or problem or any(r.errors for r in kept):
        return _render_focus(visit, form, rows, step="prompts", status=400, problem=problem)
    operations.set_focus(visit, key or None, form.focus_title.data, form.focus_detail.data or "",
                         [operations.PromptInput(r.en, r.cy) for r in kept], actor=current_user)
    flash(_("The focus and its %(num)d prompts are saved. The visiting schools can see them on the visit’s page.",
            num=len(kept)), "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


# --- the feedback session -------------------------------------------------------------------


def _remembered_code(visit, current) -> str | None:
    code = (session.get(_CODES_KEY) or {}).get(str(visit.id))
    if code and current is not None and sessions.hash_for(code) == current.code_hash:
        return code
    return None


def _qr_svg(address: str) -> str:
    """The QR code as inline SVG, named for assistive technology (role="img" and a label)."""
    label = _("QR code for %(address)s", address=address)
    svg = segno.make(address, error="m").svg_inline(scale=6, border=2, dark="#0b0c0c", light="#ffffff",
                                                   omitsize=True, svgclass="app-qr__svg", title=label)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


@bp.get("/<int:visit_id>/session")
@login_required
def feedback_session(visit_id: int):
    visit = _visit(visit_id, VisitAction.MANAGE)
    current = queries.current_session(visit) if visit.status == "open" else None
    live = sessions.is_live(current)
    code = _remembered_code(visit, current) if live else None
    address = url_for("visit_feedback.start", code=code, _external=True) if code else None
    return render_template(
        "visits/manage/session.html", visit=visit, current=current, live=live, code=code,
        code_display=sessions.display(code) if code else None, address=address,
        qr_svg=_qr_svg(address) if address else None, tally=queries.tally(visit),
        problems=queries.problems_before_opening(visit, clock.today()) if visit.status == "planned" else [],
        window=queries.open_window(visit), action_form=manage_forms.ActionForm(),
        can_read=access.can(current_user, VisitAction.READ_FEEDBACK, visit), **_common())


@bp.post("/<int:visit_id>/session")
@login_required
def open_feedback(visit_id: int):
    visit = _visit(visit_id, VisitAction.MANAGE)
    manage_forms.ActionForm().validate_on_submit() or abort(400)
    was_open = visit.status == "open"
    _session, code = operations.open_session(visit, actor=current_user, today=clock.today())
    codes = dict(session.get(_CODES_KEY) or {})
    codes[str(visit.id)] = code
    session[_CODES_KEY] = codes
    flash(_("A new code is ready. The old code no longer works.") if was_open
          else _("Feedback is open. Show the code or the QR code to the children."), "success")
    return redirect(url_for("visits.feedback_session", visit_id=visit.id))


@bp.get("/<int:visit_id>/session/tally")
@login_required
def tally(visit_id: int):
    visit = _visit(visit_id, VisitAction.MANAGE)
    found = queries.tally(visit)
    detail = ngettext("%(num)d child on the list has not sent feedback yet.",
                      "%(num)d children on the list have not sent feedback yet.", found.waiting)
    if found.anonymous:
        detail = ngettext("%(num)d chose “I’d rather not say”.", "%(num)d chose “I’d rather not say”.",
                          found.anonymous) + " " + detail
    return jsonify({
        "count": found.count, "anonymous": found.anonymous, "waiting": found.waiting, "status": visit.status,
        "count_text": ngettext("%(num)d child has sent feedback.", "%(num)d children have sent feedback.",
                               found.count),
        "detail_text": detail,
        "named": [f"{p.first_name or _('Name deleted')} ({year_label(p.year_group)}, {p.school.name})"
                  for p in found.named],
    })


@bp.route("/<int:visit_id>/close", methods=["GET", "POST"])
@login_required
def close(visit_id: int):
    visit = _visit(visit_id, VisitAction.MANAGE)
    if visit.status == "closed":
        raise operations.WrongState(_("Feedback for this visit is already closed."))
    if visit.status != "open":
        raise operations.WrongState(_("Feedback has not been opened for this visit yet."))
    form = manage_forms.ActionForm()
    if request.method == "POST":
        form.validate_on_submit() or abort(400)
        closed = operations.close_feedback(visit, actor=current_user)
        heads = ", ".join(h.name for h in queries.host_heads(visit)) or _("the host school’s head")
        message = ngettext("Feedback is closed: %(num)d child sent feedback.",
                           "Feedback is closed: %(num)d children sent feedback.", closed.children)
        if closed.emailed:
            message += " " + _("%(heads)s has been emailed a link to the summary.", heads=heads)
        else:
            message += " " + _("%(heads)s can read the summary on the visit’s page.", heads=heads)
        session.get(_CODES_KEY, {}).pop(str(visit.id), None)
        session.modified = True
        flash(message, "success")
        return redirect(url_for("visits.show", visit_id=visit.id))
    return render_template("visits/manage/close.html", visit=visit, form=form, tally=queries.tally(visit),
                           mail_on=mail.configured(), **_common())


# --- the head's summary and thank-you -------------------------------------------------------


@bp.get("/<int:visit_id>/feedback")
@login_required
def feedback(visit_id: int):
    visit = _visit(visit_id, VisitAction.READ_FEEDBACK)
    if visit.status != "closed":
        return render_template("visits/manage/feedback_not_yet.html", visit=visit, **_common())
    return render_template("visits/manage/feedback.html", visit=visit, summary=summary.summarise_visit(visit),
                           face_labels=FACE_LABELS, like_labels=LIKE_LABELS,
                           school_names={v.school_id: v.school.name for v in visit.visiting_schools},
                           can_thank=access.can(current_user, VisitAction.THANK, visit), **_common())


@bp.route("/<int:visit_id>/thanks", methods=["GET", "POST"])
@login_required
def thanks(visit_id: int):
    visit = _visit(visit_id, VisitAction.THANK)
    if visit.status != "closed":
        raise operations.WrongState(_("You can send a thank-you once the coordinator has closed feedback."))
    form = manage_forms.ThankYouForm(**({} if request.method == "POST" else {"message": visit.thank_you or None}))
    status = 200
    if form.validate_on_submit():
        operations.send_thank_you(visit, form.message.data, actor=current_user)
        flash(_("Your thank-you is sent. The visiting schools can read it on the visit’s page."), "success")
        return redirect(url_for("visits.show", visit_id=visit.id))
    if request.method == "POST":
        status = 400
    return render_template("visits/manage/thanks.html", visit=visit, form=form, **_common()), status
