from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("directory", __name__, url_prefix="/manage")


@bp.get("/schools")
@login_required
def schools():
    return "TODO", 501


@bp.get("/clusters")
@login_required
def clusters():
    return "TODO", 501


@bp.get("/schools/<int:school_id>")
@login_required
def school(school_id):
    return "TODO", 501
