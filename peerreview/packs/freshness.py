"""A school's data fingerprint for a period: it changes whenever something a pack shows changes.

A stored pack keeps the fingerprint from when it was made; when the school's current one differs,
the pack is out of date. It is a hash of what the pack is built from, chosen as
``peerreview.packs.content`` chooses it and kept cheap: the hosted reviews' reports (their text is
short, so it is hashed whole), the hosted closed pupil visits (focus, prompts, how many children's
forms and notes), and the survey runs that include the school and close in the period (released
or not, how many responses the school and the partnership have, the comment analyses' review
state). Response counts are hashed, never the answers.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import func, select

from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.reviews.models import (
    EvidenceEntry,
    LineOfEnquiry,
    NextStep,
    ReportFinding,
    Review,
    ReviewerRecord,
    ReviewReport,
    TeamMember,
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

REPORTED = ("submitted", "agreed")  # as peerreview.packs.content.REPORTED


def _reviews(school_id: int, start: date, end: date) -> list:
    """Reported reviews the school hosted, dated (or, undated, submitted) in the period, as the pack
    picks them (peerreview.packs.content): the report whole, the lines, the team, the evidence's state."""
    rows = db.session.execute(
        select(Review, ReviewReport).join(ReviewReport, ReviewReport.review_id == Review.id)
        .where(Review.host_school_id == school_id, Review.status.in_(REPORTED))
        .order_by(Review.id)
    ).all()
    out = []
    for review, report in rows:
        day = review.review_date or (report.submitted_at.date() if report.submitted_at else None)
        if day is None or not start <= day <= end:
            continue
        row = [review.id, review.status, str(review.updated_at), report.id, report.summary, report.head_reply,
               str(report.submitted_at), str(report.agreed_at), str(report.updated_at)]
        row.append([list(r) for r in db.session.execute(
            select(LineOfEnquiry.id, LineOfEnquiry.position, LineOfEnquiry.question, LineOfEnquiry.sip_priority)
            .where(LineOfEnquiry.review_id == review.id).order_by(LineOfEnquiry.id))])
        row.append([list(r) for r in db.session.execute(
            select(TeamMember.person_id, TeamMember.is_lead).where(TeamMember.review_id == review.id)
            .order_by(TeamMember.id))])
        row.append([list(r) for r in db.session.execute(
            select(ReportFinding.line_id, ReportFinding.went_well, ReportFinding.even_better_if,
                   ReportFinding.estimate)
            .where(ReportFinding.report_id == report.id).order_by(ReportFinding.id))])
        row.append([[a, o, str(d), str(done)] for a, o, d, done in db.session.execute(
            select(NextStep.action, NextStep.owner, NextStep.due_on, NextStep.done_on)
            .where(NextStep.report_id == report.id).order_by(NextStep.position, NextStep.id))])
        row.append([str(v) for v in db.session.execute(
            select(func.count(EvidenceEntry.id), func.max(EvidenceEntry.updated_at), func.max(EvidenceEntry.version))
            .join(ReviewerRecord, EvidenceEntry.record_id == ReviewerRecord.id)
            .where(ReviewerRecord.review_id == review.id)).one()])
        out.append(row)
    return out


def _visits(school_id: int, start: date, end: date) -> list:
    """Closed visits the school hosted in the period."""
    visits = db.session.execute(
        select(PupilVisit.id, PupilVisit.focus_key, PupilVisit.focus_title, PupilVisit.focus_detail,
               PupilVisit.names_deleted_at)
        .where(PupilVisit.host_school_id == school_id, PupilVisit.status == "closed",
               PupilVisit.visit_date >= start, PupilVisit.visit_date <= end)
        .order_by(PupilVisit.id)
    ).all()
    out = []
    for visit_id, key, title, detail, names_deleted in visits:
        prompts = [list(r) for r in db.session.execute(
            select(VisitPrompt.id, VisitPrompt.text_en, VisitPrompt.text_cy)
            .where(VisitPrompt.visit_id == visit_id).order_by(VisitPrompt.position))]
        feedback = db.session.execute(
            select(func.count(ChildFeedback.id), func.max(ChildFeedback.id)).where(ChildFeedback.visit_id == visit_id)
        ).one()
        notes = db.session.execute(
            select(func.count(InterviewNote.id), func.max(InterviewNote.id)).where(InterviewNote.visit_id == visit_id)
        ).one()
        out.append([visit_id, key, title, detail, str(names_deleted), prompts, list(feedback), list(notes)])
    return out


def _surveys(school_id: int, start: date, end: date, today: date) -> list:
    """Runs that include the school and close in the period; once released, their response counts
    and the state of their comments' analyses (late analyses and safeguarding reviews change quotes)."""
    runs = list(db.session.scalars(
        select(SurveyRun).join(RunSchool, RunSchool.run_id == SurveyRun.id)
        .where(RunSchool.school_id == school_id, SurveyRun.closes_on >= start, SurveyRun.closes_on <= end)
        .order_by(SurveyRun.id)
    ))
    out = []
    for run in runs:
        released = results_released(run, today)
        row = [run.id, run.version_id, run.title, run.threshold, str(run.closes_on), released]
        if released:
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
