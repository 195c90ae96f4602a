"""Each role's landing page."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from peerreview.dashboard import queries

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("dashboard/home.html", landing=queries.landing_for(current_user))
