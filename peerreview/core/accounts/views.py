from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from peerreview.core.accounts import operations
from peerreview.core.accounts.forms import LoginForm
from peerreview.core.language import safe_next

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


# Placeholders, replaced by the people/roles and password work.
@bp.get("/account/password")
@login_required
def change_password():
    return "TODO", 501


@bp.get("/manage/people")
@login_required
def people():
    return "TODO", 501
