"""The writes and reads of stored comment analyses.

``ensure_analysed`` analyses the free-text answers that have no stored analysis yet (or one
from an older analyser), in batches, and commits once; when everything is already stored it
costs one query. Pages and packs then read ``analyses_for`` and never re-analyse.

The analyser's version is ``analysis.ANALYSER_VERSION`` when that module defines one (bump
it when sentiment, themes, redaction or flags change, and stored rows are redone the next
time they are needed), else "1".
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.extensions import db
from surveys.insights import analysis, redaction
from surveys.insights.models import TEXT_KINDS, CommentAnalysis
from surveys.insights.summaries import Comment
from surveys.models import Answer, Item, SurveyResponse, SurveyRun

BATCH = 500
SAFEGUARDING = "safeguarding"


def analyser_version() -> str:
    return str(getattr(analysis, "ANALYSER_VERSION", None) or "1")


def _analyse_batch(texts: list[str], names: frozenset[str]) -> list:
    many = getattr(analysis, "analyse_many", None)
    if many is not None:
        return list(many(texts, names))
    return [analysis.analyse(text, names) for text in texts]


def _pending(where) -> list[tuple[int, object, int, int | None]]:
    """(answer id, value, partnership id, stored row id or None) for text answers needing work."""
    version = analyser_version()
    stmt = (
        select(Answer.id, Answer.value, SurveyRun.partnership_id, CommentAnalysis.id)
        .join(Item, Answer.item_id == Item.id)
        .join(SurveyResponse, Answer.response_id == SurveyResponse.id)
        .join(SurveyRun, SurveyResponse.run_id == SurveyRun.id)
        .outerjoin(CommentAnalysis, CommentAnalysis.answer_id == Answer.id)
        .where(Item.kind.in_(TEXT_KINDS), where,
               or_(CommentAnalysis.id.is_(None), CommentAnalysis.version != version))
        .order_by(Answer.id)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def ensure_analysed(answer_ids: Iterable[int] | None = None, *, run: SurveyRun | None = None,
                    partnership_id: int | None = None) -> int:
    """Analyse and store the free-text answers given (by id, a run's, or a partnership's)
    that have no stored analysis from the current analyser. Returns how many were analysed."""
    if answer_ids is not None:
        ids = list(answer_ids)
        if not ids:
            return 0
        where = Answer.id.in_(ids)
    elif run is not None:
        where = SurveyResponse.run_id == run.id
    elif partnership_id is not None:
        where = SurveyRun.partnership_id == partnership_id
    else:
        raise ValueError("ensure_analysed needs answer ids, a run or a partnership")
    pending = [row for row in _pending(where) if isinstance(row[1], str) and row[1].strip()]
    if not pending:
        return 0
    version = analyser_version()
    by_partnership: dict[int, list] = defaultdict(list)
    for row in pending:
        by_partnership[row[2]].append(row)
    existing = {row[3]: row[0] for row in pending if row[3] is not None}
    stale = {}
    if existing:
        stale = {r.answer_id: r for r in db.session.scalars(
            select(CommentAnalysis).where(CommentAnalysis.id.in_(list(existing))))}
    new_rows = []
    for pid, rows in by_partnership.items():
        names = redaction.known_names_for(pid)
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            for (answer_id, _value, _pid, _row_id), result in zip(
                    chunk, _analyse_batch([r[1] for r in chunk], names)):
                fields = _fields(result, version)
                row = stale.get(answer_id)
                if row is None:
                    new_rows.append({"answer_id": answer_id, **fields})
                else:
                    for key, value in fields.items():
                        setattr(row, key, value)
                    if not row.safeguarding:  # a comment no longer flagged leaves the queue
                        row.reviewed_at, row.reviewed_by_id = None, None
    try:
        if new_rows:
            db.session.execute(CommentAnalysis.__table__.insert(), new_rows)
        db.session.commit()
    except IntegrityError:
        # Another request stored the same answers first: theirs are as good as ours.
        db.session.rollback()
    return len(pending)


def _fields(result, version: str) -> dict:
    flags = list(result.flags or [])
    compound = max(-1.0, min(1.0, float(result.compound)))
    return {"redacted": result.redacted or "", "compound": compound,
            "label": result.label if result.label in ("positive", "neutral", "negative") else "neutral",
            "themes": list(result.themes or []), "flags": flags, "safeguarding": SAFEGUARDING in flags,
            "version": version}


def analyses_for(answer_ids: Iterable[int]) -> dict[int, Comment]:
    """Stored analyses by answer id, as plain ``summaries.Comment`` values."""
    ids = list(answer_ids)
    found: dict[int, Comment] = {}
    for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        chunk = ids[start:start + 900]
        for row in db.session.execute(
            select(CommentAnalysis.answer_id, CommentAnalysis.redacted, CommentAnalysis.compound,
                   CommentAnalysis.label, CommentAnalysis.themes, CommentAnalysis.flags)
            .where(CommentAnalysis.answer_id.in_(chunk))
        ):
            found[row[0]] = Comment(row[0], row[1], row[2], row[3], tuple(row[4] or ()), tuple(row[5] or ()))
    return found


# --- the safeguarding queue ------------------------------------------------------------------


def open_safeguarding_count(partnership_id: int) -> int:
    return db.session.scalar(
        select(func.count(CommentAnalysis.id))
        .join(Answer, CommentAnalysis.answer_id == Answer.id)
        .join(SurveyResponse, Answer.response_id == SurveyResponse.id)
        .join(SurveyRun, SurveyResponse.run_id == SurveyRun.id)
        .where(and_(SurveyRun.partnership_id == partnership_id, CommentAnalysis.safeguarding.is_(True),
                    CommentAnalysis.reviewed_at.is_(None)))
    ) or 0


def mark_passed(row: CommentAnalysis, person, partnership_id: int) -> bool:
    """Record that an administrator passed a flagged comment to the school's DSL. False when
    it had been already (nothing changes)."""
    if row.reviewed_at is not None:
        return False
    row.reviewed_at = datetime.now(timezone.utc).replace(tzinfo=None)
    row.reviewed_by_id = person.id
    # No comment text in the audit detail: the log is read more widely than the queue.
    audit.record("safeguarding.reviewed", f"flagged comment {row.id} passed to the school's DSL",
                 actor=person, partnership_id=partnership_id)
    db.session.commit()
    return True
