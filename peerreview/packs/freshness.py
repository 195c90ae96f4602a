"""A school's data fingerprint for a period: it changes whenever something a pack shows changes.

A stored pack keeps the fingerprint from when it was made; when the school's current one differs,
the pack is out of date. It is a hash of what the pack is built from, kept cheap: the hosted
reviews' reports (their text is short, so it is hashed whole), the hosted pupil visits (state,
prompts, how many children's forms and notes), and the survey runs that include the school
(released or not, how many responses the school and the partnership have, the comment analyses'
review state). Response counts are hashed, never the answers.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import func, select

from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.reviews.models import (
    NextStep,
    ReportFinding,
    Review,
    ReviewReport,
    ReviewRound,
)
from peerreview.visits.models import (
    ChildFeedback,
    InterviewNote,
    PupilVisit,
    VisitPrompt,
)
from surveys.insights.models import CommentAnalysis
from surveys.models import Answer, RunSchool, SurveyResponse, SurveyRun
from surveys.results import results_released


def _reviews(school_id: int, start: date, end: date) -> list:
    when = func.coalesce(Review.review_date, ReviewRound.window_start)
    reviews = db.session.execute(
        select(Review.id, Review.status, Review.updated_at)
        .join(ReviewRound, Review.round_id == ReviewRound.id)
        .where(Review.host_school_id == school_id, when >= start, when <= end)
        .order_by(Review.id)
    ).all()
    out = []
    for review_id, status, updated in reviews:
        report = db.session.scalar(select(ReviewReport).where(ReviewReport.review_id == review_id))
        row = [review_id, status, str(updated)]
        if report is not None:
            row += [report.id, report.summary, report.head_reply, str(report.submitted_at), str(report.agreed_at),
                    str(report.updated_at)]
            row += [list(r) for r in db.session.execute(
                select(ReportFinding.line_id, ReportFinding.went_well, ReportFinding.even_better_if,
                       ReportFinding.estimate)
                .where(ReportFinding.report_id == report.id).order_by(ReportFinding.id))]
            row += [[a, o, str(d), str(done)] for a, o, d, done in db.session.execute(
                select(NextStep.action, NextStep.owner, NextStep.due_on, NextStep.done_on)
                .where(NextStep.report_id == report.id).order_by(NextStep.position, NextStep.id))]
        out.append(row)
    return out


def _visits(school_id: int, start: date, end: date) -> list:
    visits = db.session.execute(
        select(PupilVisit.id, PupilVisit.status, PupilVisit.focus_key, PupilVisit.focus_title,
               PupilVisit.focus_detail, PupilVisit.thank_you_sent_at)
        .where(PupilVisit.host_school_id == school_id, PupilVisit.visit_date >= start, PupilVisit.visit_date <= end)
        .order_by(PupilVisit.id)
    ).all()
    out = []
    for visit_id, status, key, title, detail, thanked in visits:
        prompts = [list(r) for r in db.session.execute(
            select(VisitPrompt.id, VisitPrompt.text_en, VisitPrompt.text_cy)
            .where(VisitPrompt.visit_id == visit_id).order_by(VisitPrompt.position))]
        feedback = db.session.execute(
            select(func.count(ChildFeedback.id), func.max(ChildFeedback.id)).where(ChildFeedback.visit_id == visit_id)
        ).one()
        notes = db.session.execute(
            select(func.count(InterviewNote.id), func.max(InterviewNote.id)).where(InterviewNote.visit_id == visit_id)
        ).one()
        out.append([visit_id, status, key, title, detail, str(thanked), prompts, list(feedback), list(notes)])
    return out


def _surveys(school_id: int, start: date, end: date, today: date) -> list:
    runs = list(db.session.scalars(
        select(SurveyRun).join(RunSchool, RunSchool.run_id == SurveyRun.id)
        .where(RunSchool.school_id == school_id, SurveyRun.opens_on <= end, SurveyRun.closes_on >= start)
        .order_by(SurveyRun.id)
    ))
    out = []
    for run in runs:
        released = results_released(run, today)
        row = [run.id, run.version_id, run.threshold, str(run.closes_on), released]
        if released:
            # Only what a released run shows: figures do not move once it has closed, but late
            # analyses and safeguarding reviews change quotes and themes.
            row.append(list(db.session.execute(
                select(func.count(SurveyResponse.id), func.max(SurveyResponse.id))
                .where(SurveyResponse.run_id == run.id, SurveyResponse.school_id == school_id)).one()))
            row.append(db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.run_id == run.id)))
            row.append([str(v) for v in db.session.execute(
                select(func.count(CommentAnalysis.id), func.max(CommentAnalysis.reviewed_at),
                       func.count(CommentAnalysis.id).filter(CommentAnalysis.safeguarding))
                .join(Answer, CommentAnalysis.answer_id == Answer.id)
                .join(SurveyResponse, Answer.response_id == SurveyResponse.id)
                .where(SurveyResponse.run_id == run.id, SurveyResponse.school_id == school_id)).one()])
        out.append(row)
    return out


def data_fingerprint(school: School, start: date, end: date, today: date) -> str:
    """A short hash of everything the school's pack for this period is built from."""
    parts = {
        "school": [school.id, school.name, school.urn],
        "reviews": _reviews(school.id, start, end),
        "visits": _visits(school.id, start, end),
        "surveys": _surveys(school.id, start, end, today),
    }
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:40]
