from flask import Blueprint

bp = Blueprint("questionnaires", __name__, url_prefix="/manage/questionnaires")
