from flask import Blueprint

bp = Blueprint("survey_results", __name__, url_prefix="/manage/surveys")
