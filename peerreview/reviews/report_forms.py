"""Reading the report editor's form, the reply and the share choice from a POST.

The editor has a field per line of enquiry and a growing list of next steps, so it is read
here by hand rather than with a WTForms class (CSRF is checked for every POST by the app's
CSRFProtect). Every value a browser sends is read without raising: text too long, a date
that is not a date, an estimate not on the list become messages tied to the field (a 400),
never a 500. What was typed is always handed back so the page can show it again.

Field names: ``summary``; ``line-<line id>-went_well``, ``-even_better_if``, ``-estimate``;
``steps-<n>-action``, ``-owner``, ``-due-day``, ``-due-month``, ``-due-year``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from peerreview.reviews.models import ESTIMATES, LineOfEnquiry, ReviewReport

MAX_TEXT = 20_000  # characters in a summary, a finding or a reply
MAX_ACTION = 2_000
MAX_OWNER = 200
MAX_STEPS = 30

_STEP_KEY = re.compile(r"^steps-(\d{1,4})-(action|owner|due-day|due-month|due-year)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value) -> str:
    """Text from a textarea: control characters dropped, Windows line ends made plain, trimmed."""
    return _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_line(value) -> str:
    return " ".join(clean_text(value).split())


@dataclass
class StepInput:
    action: str = ""
    owner: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    due_on: date | None = None
    done_on: date | None = None

    @property
    def blank(self) -> bool:
        return not (self.action or self.owner or self.day or self.month or self.year)

    @classmethod
    def from_date(cls, action: str, owner: str, due_on: date | None, done_on: date | None = None) -> StepInput:
        return cls(action, owner, str(due_on.day) if due_on else "", str(due_on.month) if due_on else "",
                   str(due_on.year) if due_on else "", due_on, done_on)


@dataclass
class FindingInput:
    went_well: str = ""
    even_better_if: str = ""
    estimate: str | None = None


@dataclass
class ReportInput:
    """The editor's values: what was stored (on a GET) or what was posted."""

    summary: str = ""
    findings: dict[int, FindingInput] = field(default_factory=dict)  # by line id
    steps: list[StepInput] = field(default_factory=list)

    @classmethod
    def from_report(cls, report: ReviewReport | None, lines: list[LineOfEnquiry]) -> ReportInput:
        values = cls(findings={line.id: FindingInput() for line in lines})
        if report is None:
            return values
        values.summary = report.summary or ""
        for f in report.findings:
            if f.line_id in values.findings:
                values.findings[f.line_id] = FindingInput(f.went_well or "", f.even_better_if or "", f.estimate)
        values.steps = [StepInput.from_date(s.action, s.owner, s.due_on, s.done_on) for s in report.next_steps]
        return values


@dataclass
class Problem:
    """A message for the error summary, with the id of the field it links to."""

    field_id: str
    message: str


def _parse_date(step: StepInput) -> bool:
    """Sets ``step.due_on``; False when something was typed that is not a real date."""
    parts = [step.day, step.month, step.year]
    if not any(parts):
        step.due_on = None
        return True
    if not all(p.isdigit() and len(p) <= 4 for p in parts):
        return False
    day, month, year = (int(p) for p in parts)
    if not 2000 <= year <= 2200:
        return False
    try:
        step.due_on = date(year, month, day)
    except ValueError:
        return False
    return True


def parse_report(form, lines: list[LineOfEnquiry], use_estimates: bool) -> tuple[ReportInput, list[Problem]]:
    """The editor's POST, with problems that stop it being saved at all (as a draft).
    Rows of next steps left wholly empty are dropped; ``remove_step`` (a row's number) drops
    that row. Rows are numbered again from 0 in the order they came."""
    problems: list[Problem] = []
    values = ReportInput(summary=clean_text(form.get("summary")))
    if len(values.summary) > MAX_TEXT:
        problems.append(Problem("summary", _("The summary must be %(max)d characters or fewer", max=MAX_TEXT)))
    for line in lines:
        prefix = f"line-{line.id}-"
        finding = FindingInput(clean_text(form.get(prefix + "went_well")), clean_text(form.get(prefix + "even_better_if")))
        for name in ("went_well", "even_better_if"):
            if len(getattr(finding, name)) > MAX_TEXT:
                problems.append(Problem(prefix + name, _("Line of enquiry %(n)d: write %(max)d characters or fewer",
                                                         n=line.position + 1, max=MAX_TEXT)))
        if use_estimates:
            estimate = clean_line(form.get(prefix + "estimate"))
            if estimate and estimate not in ESTIMATES:
                problems.append(Problem(prefix + "estimate", _("Line of enquiry %(n)d: choose one of the estimates listed",
                                                               n=line.position + 1)))
            finding.estimate = estimate if estimate in ESTIMATES else None
        values.findings[line.id] = finding

    rows: dict[int, StepInput] = {}
    for key in form.keys():
        match = _STEP_KEY.match(key)
        if not match:
            continue
        row = rows.setdefault(int(match.group(1)), StepInput())
        part = match.group(2)
        if part == "action":
            row.action = clean_text(form.get(key))
        elif part == "owner":
            row.owner = clean_line(form.get(key))
        else:
            setattr(row, part.removeprefix("due-"), clean_line(form.get(key)))
    removed = form.get("remove_step")
    ordered = [rows[i] for i in sorted(rows) if str(i) != removed]
    values.steps = [row for row in ordered if not row.blank]
    if len(values.steps) > MAX_STEPS:
        problems.append(Problem("steps", _("A report can have up to %(max)d next steps", max=MAX_STEPS)))
    for n, row in enumerate(values.steps):
        prefix = f"steps-{n}-"
        if len(row.action) > MAX_ACTION:
            problems.append(Problem(prefix + "action", _("Next step %(n)d: describe the action in %(max)d characters or fewer",
                                                         n=n + 1, max=MAX_ACTION)))
        if len(row.owner) > MAX_OWNER:
            problems.append(Problem(prefix + "owner", _("Next step %(n)d: the owner must be %(max)d characters or fewer",
                                                        n=n + 1, max=MAX_OWNER)))
        if not _parse_date(row):
            problems.append(Problem(prefix + "due-day", _("Next step %(n)d: enter a real date, for example 17 9 2027", n=n + 1)))
        elif row.due_on is None:
            # A draft may leave the action or the owner for later, but a next step is stored
            # with its date, so the date is needed to keep the row at all.
            problems.append(Problem(prefix + "due-day", _("Next step %(n)d: enter the date it is due by", n=n + 1)))
    return values, problems


def parse_reply(form) -> tuple[str, list[Problem]]:
    reply = clean_text(form.get("head_reply"))
    if len(reply) > MAX_TEXT:
        return reply, [Problem("head_reply", _("The reply must be %(max)d characters or fewer", max=MAX_TEXT))]
    return reply, []


def parse_id(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None
