"""Exports of survey results: aggregates and raw answers as CSV and XLSX withhold exactly
what the pages withhold, carry nothing identifying, defuse spreadsheet formulas, and are
recorded in the audit log."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from surveys.exports import safe_cell, to_csv
from tests.conftest import sign_in
from tests.surveys.test_results import CEDAR_SECRET, DAMSON_SECRET, THRESHOLD, add_responses, build

INJECTIONS = ["=cmd|' /c calc'!A1", "+SUM(A1)", "-2+3", "@cmd", "\t=1"]


@pytest.fixture
def built(world):
    p, s, run = build(world)
    for i, text in enumerate(INJECTIONS):
        add_responses(run, s["Birch"], 1, {"pv1": "agree", "pv_comments": text})
    world.person("admin@ns.org.uk", ("admin", p))
    world.person("head@alder.sch.uk", ("head", s["Alder"]))
    return p, s, run


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def as_admin(client):
    assert sign_in(client, "admin@ns.org.uk").status_code == 302
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_aggregates_withhold_small_schools(built, client, fmt):
    p, s, run = built
    body = get(as_admin(client), f"/manage/surveys/{run.id}/export/aggregates.{fmt}")
    rows = read_csv(body) if fmt == "csv" else read_xlsx(body)
    blank = ("", None)
    by_school = {}
    for row in rows:
        by_school.setdefault(row["school_name"], []).append(row)
    assert set(by_school) == {"North Star Trust", "Alder", "Birch", "Cedar", "Damson"}
    for name in ("Cedar", "Damson"):
        assert all(r["withheld"] == "yes" and r["count"] in blank and r["share"] in blank
                   and r["responses"] in blank for r in by_school[name]), name
    alder_pv1 = {r["option_key"]: r for r in by_school["Alder"] if r["question_key"] == "pv1"}
    assert str(alder_pv1["agree"]["count"]) == "15" and str(alder_pv1["agree"]["responses"]) == "20"
    assert float(alder_pv1["agree"]["share"]) == pytest.approx(0.75)
    # pv7a: two answers at Alder, withheld there and (as its complement) at Birch.
    assert all(r["withheld"] == "yes" for r in by_school["Alder"] + by_school["Birch"] if r["question_key"] == "pv7a")
    # The partnership total minus the visible schools is never a single small school.
    for key in {r["question_key"] for r in rows}:
        total = [r for r in by_school["North Star Trust"] if r["question_key"] == key]
        if not total or total[0]["withheld"] == "yes" or key == "pv_comments":
            continue
        answered_total = sum(int(r["count"]) for r in total) if key != "pv_comments" else 0
        visible = sum(int(r["count"]) for name in ("Alder", "Birch") for r in by_school[name]
                      if r["question_key"] == key and r["withheld"] != "yes")
        residual = answered_total - visible
        assert residual == 0 or residual >= THRESHOLD, key
    text = body.decode("utf-8-sig") if fmt == "csv" else ""
    assert CEDAR_SECRET not in text and DAMSON_SECRET not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_head_aggregates_own_school_and_partnership_only(built, client, fmt):
    p, s, run = built
    sign_in(client, "head@alder.sch.uk")
    body = get(client, f"/manage/surveys/{run.id}/export/aggregates.{fmt}?school={s['Alder'].id}")
    rows = read_csv(body) if fmt == "csv" else read_xlsx(body)
    assert {r["school_name"] for r in rows} == {"North Star Trust", "Alder"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_raw_answers_only_visible_schools_nothing_identifying(built, client, fmt):
    p, s, run = built
    body = get(as_admin(client), f"/manage/surveys/{run.id}/export/answers.{fmt}")
    rows = read_csv(body) if fmt == "csv" else read_xlsx(body)
    columns = list(rows[0])
    assert columns[:2] == ["school_urn", "school_name"]
    assert not {"id", "response_id", "submitted_on", "date", "language"} & set(columns)
    assert "pv1" in columns and "pv_comments" in columns
    assert {r["school_name"] for r in rows} == {"Alder", "Birch"}
    assert len(rows) == 20 + 15 + len(INJECTIONS)
    assert all(r["pv7a"] in ("", None) for r in rows)  # withheld at both schools
    comments = [r["pv_comments"] for r in rows if r["pv_comments"]]
    assert not any("Patel" in c or "07700" in c for c in comments)
    assert not any(CEDAR_SECRET in c or DAMSON_SECRET in c for c in comments)
    # Formulas defused in both formats.
    for text in INJECTIONS:
        assert "'" + text in comments, text
    assert not any(c.startswith(("=", "+", "-", "@")) for c in comments)
    # Shuffled: the Birch rows are not all together at the end as they were submitted.
    names = [r["school_name"] for r in rows]
    assert names != sorted(names, key=lambda n: n != "Alder")


def test_xlsx_cells_are_text_not_formulas(built, client):
    p, s, run = built
    body = get(as_admin(client), f"/manage/surveys/{run.id}/export/answers.xlsx")
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    about = load_workbook(io.BytesIO(body))["About"]
    assert "at least 5 people" in about["A2"].value


def test_each_download_is_audited(built, client):
    p, s, run = built
    as_admin(client)
    for url in ("aggregates.csv", "aggregates.xlsx", "answers.csv", "answers.xlsx"):
        get(client, f"/manage/surveys/{run.id}/export/{url}")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.export")).all()
    assert len(events) == 4
    assert all(e.partnership_id == p.id and e.actor_id is not None for e in events)
    assert any("answers.xlsx" in e.detail for e in events)


def test_refused_download_is_not_audited(built, client):
    p, s, run = built
    sign_in(client, "head@alder.sch.uk")
    assert client.get(f"/manage/surveys/{run.id}/export/answers.csv").status_code == 403
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.export")).all() == []


def test_safe_cell_and_csv_bom():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("-x") == "'-x" and safe_cell("@a") == "'@a"
    assert safe_cell("+44") == "'+44" and safe_cell("fine") == "fine" and safe_cell(-3) == -3
    body = to_csv(["a"], [["Ysgol Gymraeg – ŵ"]])
    assert body.startswith(b"\xef\xbb\xbf") and "ŵ".encode() in body
