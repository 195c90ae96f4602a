from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("schools_import", __name__, url_prefix="/manage/schools/import")


@bp.get("/")
@login_required
def upload():
    return "TODO", 501
