"""(to be filled in)"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("review_calendar", __name__)
