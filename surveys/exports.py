"""CSV and XLSX downloads of a run's results. Every figure comes from ``surveys.results``
(``run_results`` for aggregates, ``raw_answers`` for rows), so the exports withhold exactly
what the pages withhold.

CSV is UTF-8 with a byte-order mark (Excel then reads it as UTF-8). In both formats a text
cell that a spreadsheet would take for a formula (starting =, +, -, @, tab or carriage
return) gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from peerreview.core.audit import record
from peerreview.extensions import db
from surveys.models import SurveyRun
from surveys.results import RawAnswers, RunResults

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WITHHELD = "withheld"

AGGREGATE_COLUMNS = [
    "group", "school_urn", "school_name", "responses", "question_number", "question_key", "question",
    "option_key", "option", "count", "share", WITHHELD,
]


def safe_cell(value):
    """A value a spreadsheet will show as typed: text that looks like a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def aggregate_rows(results: RunResults) -> list[list]:
    """Per group (partnership first, then schools), per question, per answer option: count
    and share of those who answered. A withheld group or question has empty figures and
    "yes" in the withheld column; text questions give one row with the number of comments."""
    rows = []
    for group in results.groups:
        if group.is_partnership:
            head = ["partnership", "", results.run.partnership.name]
        else:
            head = ["school", group.school.urn, group.school.name]
        responses = group.responses if group.shown else ""
        for q in results.questions:
            cell = q.cells.get(group.key)
            if cell is None:
                continue
            base = [*head, responses, q.number, q.item.key, q.text]
            if not cell.shown:
                if q.is_text:
                    rows.append([*base, "", "", "", "", "yes"])
                else:
                    rows += [[*base, value, label, "", "", "yes"] for value, label in q.type.choices("en")]
                continue
            if q.is_text:
                rows.append([*base, "", "comments", cell.summary.answered, "", ""])
                continue
            for bar in cell.summary.bars:
                rows.append([*base, bar.value, bar.label, bar.count, round(bar.share, 4), ""])
    return rows


def raw_columns(raw: RawAnswers) -> list[str]:
    return ["school_urn", "school_name", *[item.key for item in raw.items]]


def raw_rows(raw: RawAnswers) -> list[list]:
    rows = []
    for school_id, answers in raw.rows:
        school = raw.schools[school_id]
        rows.append([school.urn, school.name, *[answers.get(item.key, "") for item in raw.items]])
    return rows


def to_csv(columns: list[str], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(sheet_title: str, columns: list[str], rows: Iterable[list], notes: list[str] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(columns)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(name) + 4))
    if notes:
        about = workbook.create_sheet("About")
        for note in notes:
            about.append([safe_cell(note)])
        about.column_dimensions["A"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def record_export(run: SurveyRun, what: str, actor, school_id: int | None = None) -> None:
    """Audit event "survey.export" for one download; commits."""
    detail = f"run {run.id} ({run.title}): {what}"
    if school_id is not None:
        detail += f", school {school_id}"
    record("survey.export", detail, actor=actor, partnership_id=run.partnership_id)
    db.session.commit()

