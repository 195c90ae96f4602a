"""Each comment analysed once and stored: a second ensure_analysed does no work, a new
analyser version redoes the rows, and results pages read the stored rows."""
from __future__ import annotations

from sqlalchemy import func, select

from peerreview.extensions import db
from surveys.insights import analysis, store
from surveys.insights.models import CommentAnalysis
from surveys.models import Answer
from surveys.results import PARTNERSHIP, run_results
from tests.surveys.test_results import add_responses, build, make_run


def count_calls(monkeypatch):
    """The texts the store sends to the analyser, through whichever entry point it uses
    (``analyse_many`` where the analysis module has it, else ``analyse``)."""
    calls = []
    real_many = getattr(analysis, "analyse_many", None)
    if real_many is not None:
        def counting_many(texts, *args, **kwargs):
            texts = list(texts)
            calls.extend(texts)
            return real_many(texts, *args, **kwargs)

        monkeypatch.setattr(analysis, "analyse_many", counting_many)
    else:
        real = analysis.analyse

        def counting(text, *args, **kwargs):
            calls.append(text)
            return real(text, *args, **kwargs)

        monkeypatch.setattr(analysis, "analyse", counting)
    return calls


def rows() -> list[CommentAnalysis]:
    return list(db.session.scalars(select(CommentAnalysis).order_by(CommentAnalysis.answer_id)))


def test_analysed_once_and_stored(world, monkeypatch):
    p, s, run = build(world)
    calls = count_calls(monkeypatch)
    assert store.ensure_analysed(run=run) == 19  # 6 Alder, 5 Birch, 2 Cedar, 6 Damson comments
    assert len(calls) == 19
    stored = rows()
    assert len(stored) == 19
    alder = next(r for r in stored if "Alder comment" in r.redacted)
    assert "Patel" not in alder.redacted and "[phone]" in alder.redacted
    assert alder.label in ("positive", "neutral", "negative") and -1 <= alder.compound <= 1
    assert alder.version == store.analyser_version() and alder.reviewed_at is None

    calls.clear()
    assert store.ensure_analysed(run=run) == 0
    assert store.ensure_analysed(partnership_id=p.id) == 0
    run_results(run)  # a results page: reads stored rows, analyses nothing
    assert calls == []
    assert db.session.scalar(select(func.count(CommentAnalysis.id))) == 19


def test_only_new_answers_are_analysed(world, monkeypatch):
    p, s, run = build(world)
    store.ensure_analysed(run=run)
    calls = count_calls(monkeypatch)
    add_responses(run, s["Alder"], 1, {"pv1": "agree", "pv_comments": "A brand new comment"})
    run_results(run)
    assert calls == ["A brand new comment"]


def test_reanalysed_when_the_analyser_version_changes(world, monkeypatch):
    p, s, run = build(world)
    store.ensure_analysed(run=run)
    monkeypatch.setattr(analysis, "ANALYSER_VERSION", "test-2", raising=False)
    calls = count_calls(monkeypatch)
    assert store.ensure_analysed(run=run) == 19 and len(calls) == 19
    assert {r.version for r in rows()} == {"test-2"}
    assert db.session.scalar(select(func.count(CommentAnalysis.id))) == 19  # updated, not added
    calls.clear()
    assert store.ensure_analysed(run=run) == 0 and calls == []


def test_analyse_many_is_used_in_batches_when_present(world, monkeypatch):
    p, s, run = build(world)
    batches = []
    real_many = getattr(analysis, "analyse_many", None)
    real_one = analysis.analyse

    def many(texts, known_names=(), *args, **kwargs):
        texts = list(texts)
        batches.append(len(texts))
        if real_many is not None:
            return real_many(texts, known_names, *args, **kwargs)
        return [real_one(t, known_names) for t in texts]

    monkeypatch.setattr(analysis, "analyse_many", many, raising=False)
    monkeypatch.setattr(store, "BATCH", 7)
    store.ensure_analysed(run=run)
    assert batches == [7, 7, 5]


def test_by_answer_ids_and_rows_go_with_their_answer(world):
    p, s, run = build(world)
    ids = [a.id for a in db.session.scalars(select(Answer)) if a.value == "Birch comment 0"]
    assert store.ensure_analysed(ids) == 1
    assert store.ensure_analysed([]) == 0
    assert len(rows()) == 1
    db.session.delete(db.session.get(Answer, ids[0]))
    db.session.commit()
    assert rows() == []  # ON DELETE CASCADE


def test_nothing_about_the_respondent_is_stored():
    columns = set(CommentAnalysis.__table__.columns.keys())
    assert columns == {"id", "answer_id", "redacted", "compound", "label", "themes", "flags", "safeguarding",
                       "version", "reviewed_at", "reviewed_by_id"}


def test_panel_data_only_for_groups_shown(world):
    p, s, run = build(world)
    results = run_results(run)
    q = next(q for q in results.questions if q.item.key == "pv_comments")
    assert q.cells[PARTNERSHIP].insight.comments == 11  # Alder 6 + Birch 5: never Cedar or Damson
    assert q.cells[s["Alder"].id].insight.comments == 6
    for name in ("Cedar", "Damson"):
        cell = q.cells[s[name].id]
        assert not cell.shown and cell.insight is None and cell.comments == []
    assert results.insight_for(s["Cedar"].id) is None
    assert results.insight_for(PARTNERSHIP).comments == 11


def test_change_since_the_previous_run(world):
    p = world.partnership()
    school = world.school(p, name="Elm")
    from datetime import date
    before = make_run(p, [school], opens=date(2025, 3, 1), closes=date(2025, 3, 31), title="Last year")
    add_responses(before, school, 6, {"pv1": "agree", "pv_comments": "Homework is far too much and awful."})
    now = make_run(p, [school])
    add_responses(now, school, 6, lambda i: {"pv1": "agree", "pv_comments": "Lovely teachers, my child is happy."})
    q = next(q for q in run_results(now).questions if q.item.key == "pv_comments")
    insight = q.cells[school.id].insight
    assert insight.previous is not None and insight.previous.comments == 6
    assert insight.split_change["positive"] > 0.9 and insight.split_change["negative"] < -0.9
