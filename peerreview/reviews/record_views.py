"""(to be filled in)"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("review_records", __name__, url_prefix="/manage/reviews")
