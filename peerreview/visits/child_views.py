"""(to be filled in)"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("visit_feedback", __name__, url_prefix="/v")
