"""Reads for the visit record page: a reviewer's own record and its state, for the page and for
the browser (which picks up where any other device left off)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from peerreview.core.accounts.models import Person
from peerreview.extensions import db
from peerreview.reviews.models import EvidenceEntry, LineOfEnquiry, RecordField, Review, ReviewerRecord
from peerreview.reviews.record_ops import entry_values, evidence_key, field_key


def record_for(review: Review, person: Person) -> ReviewerRecord | None:
    return db.session.scalar(select(ReviewerRecord).where(
        ReviewerRecord.review_id == review.id, ReviewerRecord.person_id == person.id))


@dataclass
class Entry:
    client_id: str
    line_id: int
    values: dict
    version: int

    @property
    def key(self) -> str:
        return evidence_key(self.client_id)


@dataclass
class LineState:
    line: LineOfEnquiry
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (value, version)
    entries: list[Entry] = field(default_factory=list)

    def value(self, name: str) -> str:
        return self.fields.get(name, ("", 0))[0]

    def version(self, name: str) -> int:
        return self.fields.get(name, ("", 0))[1]


def record_state(review: Review, record: ReviewerRecord | None) -> list[LineState]:
    """Each line of enquiry with this record's findings and (not removed) evidence, oldest first."""
    lines = {line.id: LineState(line) for line in review.lines}
    if record is None:
        return list(lines.values())
    for f in db.session.scalars(select(RecordField).where(RecordField.record_id == record.id)):
        if f.line_id in lines:
            lines[f.line_id].fields[f.field] = (f.value, f.version)
    entries = db.session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.record_id == record.id, EvidenceEntry.deleted.is_(False))
        .order_by(EvidenceEntry.created_at, EvidenceEntry.id))
    for e in entries:
        if e.line_id in lines:
            lines[e.line_id].entries.append(Entry(e.client_id, e.line_id, entry_values(e), e.version))
    return list(lines.values())


def browser_state(state: list[LineState]) -> dict:
    """What the page's script starts from: every part's value and version."""
    fields = {}
    evidence = {}
    for line_state in state:
        for name, (value, version) in line_state.fields.items():
            fields[field_key(line_state.line.id, name)] = {"value": value, "version": version}
        for entry in line_state.entries:
            evidence[entry.key] = {"client_id": entry.client_id, "line_id": entry.line_id,
                                   "values": entry.values, "version": entry.version}
    return {"fields": fields, "evidence": evidence}
