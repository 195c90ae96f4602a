from flask import Blueprint

bp = Blueprint("survey_runs", __name__, url_prefix="/manage/surveys")
