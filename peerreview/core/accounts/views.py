from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from peerreview.core import audit, permissions
from peerreview.core.accounts import mail, operations, queries
from peerreview.core.accounts.forms import (
    ROLE_LABELS,
    ActionForm,
    AddRoleForm,
    ChangePasswordForm,
    LoginForm,
    NewPersonForm,
    PeopleFilterForm,
    SetPasswordForm,
)
from peerreview.core.language import safe_next
from peerreview.core.permissions import Action

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = operations.sign_in(form.email.data, form.password.data)
        if result.ok:
            login_user(result.person)
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.home")))
        if result.locked_minutes:
            form.email.errors.append(
                _("Too many failed attempts for this email address. Try again in %(minutes)d minutes.", minutes=result.locked_minutes)
            )
            status = 429
        else:
            form.email.errors.append(_("The email address or password is not right"))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    # The header's button POSTs (with CSRF); a plain GET also signs out, as people expect of
    # a /logout address, since being signed out is never harmful.
    if current_user.is_authenticated:
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.login"))


# --- passwords ----------------------------------------------------------------------


def _no_store(response):
    """Pages carrying a secret in their address: not cached, address not sent on as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_problem(status: int, title: str, message: str):
    page = render_template("accounts/link_problem.html", title=title, message=message)
    return _no_store(current_app.make_response((page, status)))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    link = queries.link_for_token_hash(operations.hash_token(token)) if len(token) <= 128 else None
    if link is None or not link.person.active:
        return _link_problem(404, _("Link not valid"), _("This link is not valid. Ask your administrator for a new one."))
    if link.used_at is not None:
        return _link_problem(410, _("Link already used"), _("This link has already been used. Sign in with your password, or ask your administrator for a new link."))
    if link.expires_at <= operations.utcnow():
        return _link_problem(410, _("Link expired"), _("This link has expired. Ask your administrator for a new one."))

    form = SetPasswordForm(person_email=link.person.email)
    status = 200
    if form.validate_on_submit():
        person = operations.set_password_with_link(link, form.password.data)
        if current_user.is_authenticated:
            logout_user()
        login_user(person)
        flash(_("Your password has been set and you are signed in."), "success")
        return redirect(url_for("dashboard.home"))
    if request.method == "POST":
        status = 400
    page = render_template("accounts/set_password.html", form=form, person=link.person)
    return _no_store(current_app.make_response((page, status)))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(person_email=current_user.email)
    status = 200
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current_password.data, form.password.data)
        except operations.AccountError as error:
            getattr(form, error.field or "password").errors.append(error.message)
            status = 400
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.home"))
    elif request.method == "POST":
        # Say at once if the current password is wrong too, not only after the rest is fixed.
        if form.current_password.data and not form.current_password.errors and not operations.is_current_password(
            current_user, form.current_password.data
        ):
            form.current_password.errors.append(_("Your current password is not right"))
        status = 400
    return render_template("accounts/change_password.html", form=form), status


# --- people and roles (partnership admins) ------------------------------------------


def _admin_scope() -> set[int]:
    """The partnerships the signed-in admin manages (narrowed by ?partnership=ID); 403 for others."""
    admin_ids = permissions.admin_partnership_ids(current_user)
    if not admin_ids:
        abort(403)
    chosen = request.args.get("partnership", type=int)
    if chosen is not None:
        if chosen not in admin_ids:
            abort(403)
        return {chosen}
    return admin_ids


def _managed_person(person_id: int):
    admin_ids = permissions.admin_partnership_ids(current_user)
    if not admin_ids:
        abort(403)
    person = permissions.person_or_404(current_user, person_id)
    permissions.require(current_user, Action.MANAGE_PARTNERSHIP, person)
    return person, admin_ids


def _resolve_role_target(form, admin_ids: set[int]):
    """The school and partnership a role form points at, checked against the admin's
    partnerships. Adds field errors and returns None when they are not acceptable."""
    role = form.role.data
    school = partnership = None
    if role in ("head", "reviewer", "coordinator"):
        school = queries.school_in(admin_ids, form.school.data)
        if school is None:
            form.school.errors.append(
                _("Choose a school in your partnership") if form.school.data else _("Choose the school this person works at")
            )
            return None
        partnership = school.partnership
    else:
        chosen = form.partnership.data if len(admin_ids) > 1 else next(iter(admin_ids))
        if chosen not in admin_ids:
            form.partnership.errors.append(_("Choose a partnership you administer"))
            return None
        partnership = queries.partnerships({chosen})[0]
    return school, partnership


def _role_form(form_class, admin_ids: set[int]):
    form = form_class()
    form.set_choices(queries.schools_in(admin_ids), queries.partnerships(admin_ids))
    return form


def _show_link(person, url: str, *, created: bool):
    emailed = False
    if mail.configured():
        emailed = mail.send_set_password_link(person.name, person.email, url)
    page = render_template(
        "accounts/link_issued.html", person=person, url=url, created=created, emailed=emailed,
        mail_configured=mail.configured(), hours=current_app.config["SET_PASSWORD_LINK_HOURS"],
    )
    return _no_store(current_app.make_response(page))


@bp.get("/manage/people")
@login_required
def people():
    scope = _admin_scope()
    filters = PeopleFilterForm(request.args)
    rows = queries.people_in(scope, search=filters.q.data, role=filters.role.data or None)
    return render_template(
        "accounts/people.html", filters=filters, rows=rows, role_labels=ROLE_LABELS,
        partnerships=queries.partnerships(permissions.admin_partnership_ids(current_user)),
        searching=bool((filters.q.data or "").strip() or filters.role.data),
    )


@bp.route("/manage/people/new", methods=["GET", "POST"])
@login_required
def people_new():
    admin_ids = _admin_scope()
    form = _role_form(NewPersonForm, admin_ids)
    status = 200
    existing = None
    if request.method == "POST":
        valid = form.validate_on_submit()
        # Report a taken email address alongside any other problem, not only once they are fixed.
        taken = queries.person_by_email(form.email.data) if form.email.data and not form.email.errors else None
        if taken is not None:
            form.email.errors.append(_("A person with this email address already exists"))
            if permissions.can(current_user, Action.MANAGE_PARTNERSHIP, taken):
                existing = taken
        target = _resolve_role_target(form, admin_ids) if form.role.data in ROLE_LABELS else None
        if valid and target is not None and taken is None:
            school, partnership = target
            try:
                person = operations.create_person(
                    form.name.data, form.email.data, form.role.data, partnership=partnership,
                    school=school, trained_on=form.trained_on.data, actor=current_user,
                )
            except operations.AccountError as error:
                getattr(form, error.field or "email").errors.append(error.message)
                if error.person is not None and permissions.can(current_user, Action.MANAGE_PARTNERSHIP, error.person):
                    existing = error.person
            else:
                url = operations.issue_set_password_link(person, actor=current_user)
                return _show_link(person, url, created=True)
        status = 400
    return render_template("accounts/person_new.html", form=form, existing=existing,
                           several=len(admin_ids) > 1), status


def _person_page(person, admin_ids, form=None, status=200):
    form = form or _role_form(AddRoleForm, admin_ids)
    return render_template(
        "accounts/person.html", person=person, form=form, action_form=ActionForm(),
        roles=queries.roles_in(person, admin_ids), other_roles=len(person.roles) - len(queries.roles_in(person, admin_ids)),
        role_labels=ROLE_LABELS, several=len(admin_ids) > 1, open_links=queries.open_link_count(person),
    ), status


@bp.get("/manage/people/<int:person_id>")
@login_required
def person(person_id: int):
    person, admin_ids = _managed_person(person_id)
    return _person_page(person, admin_ids)


@bp.post("/manage/people/<int:person_id>/roles")
@login_required
def person_add_role(person_id: int):
    person, admin_ids = _managed_person(person_id)
    form = _role_form(AddRoleForm, admin_ids)
    valid = form.validate_on_submit()
    target = _resolve_role_target(form, admin_ids) if form.role.data in ROLE_LABELS else None
    if valid and target is not None:
        school, partnership = target
        try:
            _role, created = operations.grant_role(
                person, form.role.data, partnership=partnership, school=school,
                trained_on=form.trained_on.data, actor=current_user,
            )
        except operations.AccountError as error:
            getattr(form, error.field or "role").errors.append(error.message)
        else:
            if created:
                flash(_("%(name)s now has the role: %(role)s.", name=person.name, role=ROLE_LABELS[form.role.data]), "success")
            else:
                flash(_("%(name)s already has that role.", name=person.name), "info")
            return redirect(url_for("accounts.person", person_id=person.id))
    return _person_page(person, admin_ids, form=form, status=400)


@bp.post("/manage/people/<int:person_id>/roles/<int:role_id>/remove")
@login_required
def person_remove_role(person_id: int, role_id: int):
    person, admin_ids = _managed_person(person_id)
    ActionForm().validate_on_submit() or abort(400)
    assignment = queries.role_of(person, role_id)
    if assignment is None or assignment.partnership_id not in admin_ids:
        abort(404)
    if len(person.roles) == 1:
        flash(_("This is %(name)s's only role. Deactivate them instead if they should no longer sign in.", name=person.name), "info")
        return redirect(url_for("accounts.person", person_id=person.id))
    try:
        operations.remove_role(assignment, actor=current_user)
    except operations.AccountError as error:
        flash(error.message, "info")
        return redirect(url_for("accounts.person", person_id=person.id))
    flash(_("Role removed."), "success")
    if not queries.roles_in(person, permissions.partnership_ids(current_user)):
        return redirect(url_for("accounts.people"))
    return redirect(url_for("accounts.person", person_id=person.id))


@bp.post("/manage/people/<int:person_id>/roles/<int:role_id>/lead")
@login_required
def person_set_lead(person_id: int, role_id: int):
    person, admin_ids = _managed_person(person_id)
    ActionForm().validate_on_submit() or abort(400)
    assignment = queries.role_of(person, role_id)
    if assignment is None or assignment.partnership_id not in admin_ids:
        abort(404)
    can_lead = request.form.get("can_lead") == "1"
    try:
        changed = operations.set_can_lead(assignment, can_lead, actor=current_user)
    except operations.AccountError as error:
        abort(422, description=error.message)
    if changed:
        flash(_("%(name)s is now an experienced lead reviewer.", name=person.name) if can_lead
              else _("%(name)s is no longer marked as an experienced lead reviewer.", name=person.name), "success")
    return redirect(url_for("accounts.person", person_id=person.id))


@bp.post("/manage/people/<int:person_id>/active")
@login_required
def person_set_active(person_id: int):
    person, _admin_ids = _managed_person(person_id)
    ActionForm().validate_on_submit() or abort(400)
    active = request.form.get("active") == "1"
    try:
        changed = operations.set_active(person, active, actor=current_user)
    except operations.AccountError as error:
        flash(error.message, "info")
    else:
        if changed:
            flash(_("%(name)s can sign in again.", name=person.name) if active
                  else _("%(name)s has been deactivated and can no longer sign in.", name=person.name), "success")
    return redirect(url_for("accounts.person", person_id=person.id))


@bp.post("/manage/people/<int:person_id>/link")
@login_required
def person_new_link(person_id: int):
    person, _admin_ids = _managed_person(person_id)
    ActionForm().validate_on_submit() or abort(400)
    if not person.active:
        flash(_("Reactivate %(name)s before creating a set-password link.", name=person.name), "info")
        return redirect(url_for("accounts.person", person_id=person.id))
    url = operations.issue_set_password_link(person, actor=current_user)
    return _show_link(person, url, created=False)


AUDIT_LABELS = {
    "role.granted": _l("Role given"),
    "role.removed": _l("Role removed"),
    "role.updated": _l("Role changed"),
    "person.deactivated": _l("Person deactivated"),
    "person.reactivated": _l("Person reactivated"),
    "password_link.issued": _l("Set-password link created"),
    "round.created": _l("Review round created"),
    "round.updated": _l("Review round changed"),
    "round.proposed": _l("Review teams and dates proposed"),
    "round.published": _l("Review round published"),
    "review.team_changed": _l("Review team changed"),
    "review.date_changed": _l("Review date changed"),
    "conflict.declared": _l("Conflict of interest declared"),
    "conflict.withdrawn": _l("Conflict of interest withdrawn"),
    "visit.created": _l("Pupil visit planned"),
    "visit.updated": _l("Pupil visit changed"),
    "visit.focus_set": _l("Pupil visit focus and prompts saved"),
    "visit.feedback_opened": _l("Pupil visit feedback opened"),
    "visit.feedback_closed": _l("Pupil visit feedback closed"),
    "visit.thanked": _l("Pupil visit thank-you sent"),
    "visit.names_deleted": _l("Visiting pupils’ first names deleted"),
    "dashboard.export": _l("Partnership dashboard downloaded (CSV)"),
    "pack.downloaded": _l("Feedback pack downloaded"),
}


@bp.get("/manage/audit")
@login_required
def audit_log():
    scope = _admin_scope()
    events = audit.recent_events(scope)
    return render_template("accounts/audit.html", events=events, labels=AUDIT_LABELS,
                           partnerships=queries.partnerships(scope))
