"""Writes for the review report: the lead's drafts and submission, the host head's right of
reply, agreement and sharing. One commit each; submitting, agreeing and sharing are audited.

What each state allows is asked of ``workflow`` here, so no caller can get round it: once the
report is submitted, an edit raises ``WrongState`` (a 409) and nothing changes; once the next
steps are agreed, so does a change to the reply.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.core.accounts.models import Person
from peerreview.extensions import db
from peerreview.reviews import report_queries, workflow
from peerreview.reviews.models import NextStep, ReportFinding, ReportShare, Review, ReviewReport
from peerreview.reviews.report_forms import Problem, ReportInput
from peerreview.reviews.workflow import WrongState


class Incomplete(Exception):
    """The report cannot be submitted yet; ``problems`` say what is missing."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class ShareProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _report(review: Review) -> ReviewReport:
    report = report_queries.report_for(review)
    if report is None:
        report = ReviewReport(review_id=review.id)
        db.session.add(report)
    return report


# --- the lead -----------------------------------------------------------------------------------


def _apply(report: ReviewReport, review: Review, values: ReportInput) -> None:
    report.summary = values.summary
    existing = {f.line_id: f for f in report.findings}
    for line in review.lines:
        given = values.findings.get(line.id)
        if given is None:
            continue
        finding = existing.get(line.id)
        if finding is None:
            finding = ReportFinding(line_id=line.id)
            report.findings.append(finding)
        finding.went_well = given.went_well
        finding.even_better_if = given.even_better_if
        finding.estimate = given.estimate if review.round.use_estimates else None
    steps = report.next_steps
    for position, given in enumerate(values.steps):
        if position < len(steps):
            step = steps[position]
        else:
            step = NextStep(position=position)
            report.next_steps.append(step)
        step.action, step.owner, step.due_on = given.action, given.owner, given.due_on
    for step in list(steps[len(values.steps):]):
        report.next_steps.remove(step)


def save_draft(review: Review, values: ReportInput, *, actor: Person) -> ReviewReport:
    """Keep the lead's draft as it is, complete or not. Past submission: WrongState."""
    if not workflow.report_open(review):
        raise WrongState(review, "edit the report")
    report = _report(review)
    _apply(report, review, values)
    db.session.commit()
    return report


def missing(review: Review, report: ReviewReport | None, today: date) -> list[Problem]:
    """What stops the report being submitted: a summary; what went well and even better if for
    each line of enquiry; at least one next step, each with an action, an owner and a date
    that is today or later."""
    problems: list[Problem] = []
    if report is None or not (report.summary or "").strip():
        problems.append(Problem("summary", _("Write an overall summary")))
    findings = {f.line_id: f for f in report.findings} if report is not None else {}
    for line in review.lines:
        finding = findings.get(line.id)
        n = line.position + 1
        if finding is None or not (finding.went_well or "").strip():
            problems.append(Problem(f"line-{line.id}-went_well",
                                    _("Line of enquiry %(n)d: write what went well", n=n)))
        if finding is None or not (finding.even_better_if or "").strip():
            problems.append(Problem(f"line-{line.id}-even_better_if",
                                    _("Line of enquiry %(n)d: write what would make it even better", n=n)))
    steps = report.next_steps if report is not None else []
    if not steps:
        problems.append(Problem("steps-0-action", _("Add at least one next step")))
    for i, step in enumerate(steps):
        if not (step.action or "").strip():
            problems.append(Problem(f"steps-{i}-action", _("Next step %(n)d: describe the action", n=i + 1)))
        if not (step.owner or "").strip():
            problems.append(Problem(f"steps-{i}-owner", _("Next step %(n)d: say who owns it", n=i + 1)))
        if step.due_on is not None and step.due_on < today:
            problems.append(Problem(f"steps-{i}-due-day",
                                    _("Next step %(n)d: the date it is due by must be today or later", n=i + 1)))
    return problems


def submit(review: Review, *, actor: Person, today: date) -> ReviewReport:
    """Submit the report as saved: checked for completeness (Incomplete), then fixed."""
    if not workflow.report_open(review):
        raise WrongState(review, "submit the report")
    report = report_queries.report_for(review)
    problems = missing(review, report, today)
    if problems:
        raise Incomplete(problems)
    workflow.move(review, "submitted")
    report.submitted_at = _now()
    report.submitted_by_id = actor.id
    audit.record("review.report_submitted", f"Report on {review.host.name}'s review ({review.round.name}) submitted",
                 actor=actor, partnership_id=review.round.partnership_id)
    db.session.commit()
    return report


# --- the host head ----------------------------------------------------------------------------------


def _submitted_report(review: Review, wanted: str) -> ReviewReport:
    if not workflow.reply_open(review):
        raise WrongState(review, wanted)
    report = report_queries.report_for(review)
    if report is None or report.submitted_at is None:  # a review moved on by hand without a report
        raise WrongState(review, wanted)
    return report


def save_reply(review: Review, reply: str, *, actor: Person) -> ReviewReport:
    """The head's right of reply, kept as a draft for as long as the report is submitted."""
    report = _submitted_report(review, "change the reply")
    report.head_reply = reply
    db.session.commit()
    return report


def agree(review: Review, *, actor: Person) -> ReviewReport:
    """The head agrees the next steps: the report and the reply are fixed from now on."""
    report = _submitted_report(review, "agree the next steps")
    workflow.move(review, "agreed")
    report.agreed_at = _now()
    report.agreed_by_id = actor.id
    audit.record("review.report_agreed", f"Next steps of {review.host.name}'s review ({review.round.name}) agreed",
                 actor=actor, partnership_id=review.round.partnership_id)
    db.session.commit()
    return report


def mark_step(review: Review, step: NextStep, done_on: date | None, *, actor: Person) -> None:
    """Mark an agreed next step done (on a date) or not done yet."""
    if review.status != "agreed":
        raise WrongState(review, "mark a next step done")
    step.done_on = done_on
    db.session.commit()


def step_of(review: Review, step_id: int) -> NextStep | None:
    report = report_queries.report_for(review)
    if report is None:
        return None
    return next((s for s in report.next_steps if s.id == step_id), None)


# --- sharing ----------------------------------------------------------------------------------------


def share(review: Review, person_id: int | None, *, actor: Person) -> Person:
    person = next((p for p in report_queries.share_candidates(review) if p.id == person_id), None)
    if person is None:
        raise ShareProblem(_("Choose someone from the list: people in the partnership who cannot see the report yet"))
    db.session.add(ReportShare(review_id=review.id, person_id=person.id, shared_by_id=actor.id))
    audit.record("review.report_shared", f"Report on {review.host.name}'s review ({review.round.name}) "
                 f"shared with {person.name} ({person.email})", actor=actor, partnership_id=review.round.partnership_id)
    try:
        db.session.commit()
    except IntegrityError:  # shared a moment ago from another tab: the same outcome
        db.session.rollback()
    return person


def unshare(review: Review, person_id: int | None, *, actor: Person) -> Person:
    found = db.session.execute(
        select(ReportShare, Person).join(Person, ReportShare.person_id == Person.id)
        .where(ReportShare.review_id == review.id, ReportShare.person_id == person_id)
    ).first()
    if found is None:
        raise ShareProblem(_("The report is not shared with that person"))
    row, person = found
    db.session.delete(row)
    audit.record("review.report_unshared", f"Report on {review.host.name}'s review ({review.round.name}) "
                 f"no longer shared with {person.name} ({person.email})", actor=actor,
                 partnership_id=review.round.partnership_id)
    db.session.commit()
    return person
