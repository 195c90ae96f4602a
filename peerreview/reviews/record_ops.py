"""Writes to a reviewer's visit record: opening it, and applying an autosave.

An autosave is {"save_id": uuid, "changes": [...]} (see ``apply_save``). Each part of the
record (a finding, an evidence entry) carries a version; a change names the version the
browser last saw (its "base"). A save is applied whole or not at all:

- a save_id already applied to this record is answered again without applying anything
  (the browser resends a save whose answer it never got);
- any invalid change refuses the whole save (``SaveRejected``, a 400);
- any change whose base is not the server's current version (another device changed that
  part, or an older save arrived after a newer one) refuses the whole save
  (``SaveConflict``, a 409, listing the server's value and version of each such part), so
  nothing newer is ever overwritten by something older;
- otherwise every change is applied, each changed part's version goes up by one (1 when
  created), removed evidence is kept with ``deleted`` set, and the save_id is remembered.

A change that leaves a part as it already is (the same text from two devices, a resend
after a refused save) changes nothing and is never a conflict.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field as dc_field
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from peerreview.core.accounts.models import Person
from peerreview.extensions import db
from peerreview.reviews import workflow
from peerreview.reviews.models import AutosaveReceipt, EvidenceEntry, RecordField, Review, ReviewerRecord
from peerreview.reviews.record_form import EVIDENCE_KEYS, Invalid, clean_client_id, clean_evidence, clean_finding

MAX_CHANGES = 500  # one save; the browser sends an offline day's work in several
MAX_VERSION = 10**9


class SaveRejected(Exception):
    """Bad input: nothing applied. ``item`` names the change at fault, when there is one."""

    def __init__(self, message, item: str | None = None):
        super().__init__(message)
        self.message = message
        self.item = item


class SaveConflict(Exception):
    """Some changes were based on an older version than the server's: nothing applied."""

    def __init__(self, conflicts: list[dict]):
        super().__init__(f"{len(conflicts)} conflicting change(s)")
        self.conflicts = conflicts


@dataclass
class SaveResult:
    versions: dict[str, int]
    saved_at: datetime
    duplicate: bool = False
    applied: list[str] = dc_field(default_factory=list)  # the parts that changed
    changed_since: list[dict] = dc_field(default_factory=list)  # a duplicate's parts changed after it


@dataclass
class Change:
    key: str
    line_id: int
    base: int
    field: str | None = None  # a finding
    value: str = ""
    client_id: str | None = None  # an evidence entry
    values: dict = dc_field(default_factory=dict)
    deleted: bool = False


def field_key(line_id: int, name: str) -> str:
    return f"field:{line_id}:{name}"


def evidence_key(client_id: str) -> str:
    return f"evidence:{client_id}"


# --- opening -----------------------------------------------------------------------------------


def open_record(review: Review, person: Person) -> ReviewerRecord | None:
    """The person's own record, made on first open while the record is open; opening it moves a
    confirmed review to in progress. None when there is none and it can no longer be started."""
    record = db.session.scalar(select(ReviewerRecord).where(
        ReviewerRecord.review_id == review.id, ReviewerRecord.person_id == person.id))
    if not workflow.record_open(review):
        return record
    changed = False
    if record is None:
        record = ReviewerRecord(review_id=review.id, person_id=person.id)
        db.session.add(record)
        changed = True
    if review.status == "confirmed":
        workflow.move(review, "in_progress")
        changed = True
    if not changed:
        return record
    try:
        db.session.commit()
    except IntegrityError:  # the same reviewer opened it on two devices at once
        db.session.rollback()
        record = db.session.scalar(select(ReviewerRecord).where(
            ReviewerRecord.review_id == review.id, ReviewerRecord.person_id == person.id))
    return record


# --- reading a save ----------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_save_id(payload) -> str:
    if not isinstance(payload, dict):
        raise SaveRejected(_l("The save could not be read."))
    try:
        raw = payload.get("save_id")
        if not isinstance(raw, str) or len(raw) > 36:
            raise ValueError
        return str(uuid.UUID(raw))
    except ValueError:
        raise SaveRejected(_l("The save has no valid id.")) from None


def parse_changes(payload, review: Review) -> list[Change]:
    """Every change in the save, checked; SaveRejected at the first bad one."""
    changes = payload.get("changes")
    if not isinstance(changes, list):
        raise SaveRejected(_l("The save has no list of changes."))
    if len(changes) > MAX_CHANGES:
        raise SaveRejected(_l("Too many changes in one save (at most %(max)d).", max=MAX_CHANGES))
    line_ids = {line.id for line in review.lines}
    use_estimates = review.round.use_estimates
    parsed: list[Change] = []
    seen: set[str] = set()
    for raw in changes:
        change = _parse_change(raw, line_ids, use_estimates)
        if change.key in seen:
            raise SaveRejected(_l("The same part of the record is changed twice in one save."), change.key)
        seen.add(change.key)
        parsed.append(change)
    return parsed


def _parse_change(raw, line_ids: set[int], use_estimates: bool) -> Change:
    if not isinstance(raw, dict):
        raise SaveRejected(_l("A change could not be read."))
    kind = raw.get("type")
    key = None
    try:
        line_id = raw.get("line_id")
        if not _is_int(line_id) or line_id not in line_ids:
            raise Invalid(_l("That line of enquiry is not part of this review."))
        base = raw.get("base")
        if not _is_int(base) or not 0 <= base <= MAX_VERSION:
            raise Invalid(_l("A change has no valid version."))
        if kind == "field":
            name = raw.get("field")
            if not isinstance(name, str):
                raise Invalid(_l("A change names no field."))
            key = field_key(line_id, name[:20])
            value = clean_finding(name, raw.get("value", ""), use_estimates)
            return Change(key=key, line_id=line_id, base=base, field=name, value=value)
        if kind == "evidence":
            client_id = clean_client_id(raw.get("client_id"))
            key = evidence_key(client_id)
            deleted = raw.get("deleted", False)
            if not isinstance(deleted, bool):
                raise Invalid(_l("A change to an evidence entry could not be read."))
            values = clean_evidence(raw.get("values", {}))
            return Change(key=key, line_id=line_id, base=base, client_id=client_id, values=values,
                          deleted=deleted)
        raise Invalid(_l("A change of an unknown kind could not be saved."))
    except Invalid as e:
        raise SaveRejected(e.args[0], key) from None


# --- the current state -------------------------------------------------------------------------


def _current(record: ReviewerRecord, changes: list[Change]):
    fields = {(f.line_id, f.field): f for f in db.session.scalars(
        select(RecordField).where(RecordField.record_id == record.id))}
    client_ids = [c.client_id for c in changes if c.client_id]
    entries = {}
    if client_ids:
        entries = {e.client_id: e for e in db.session.scalars(
            select(EvidenceEntry).where(EvidenceEntry.record_id == record.id,
                                        EvidenceEntry.client_id.in_(client_ids)))}
    return fields, entries


def entry_values(entry: EvidenceEntry) -> dict:
    return {key: getattr(entry, key) or "" for key in EVIDENCE_KEYS}


def entry_state(entry: EvidenceEntry) -> dict:
    return {"line_id": entry.line_id, "values": entry_values(entry), "deleted": entry.deleted}


def _unchanged(change: Change, fields, entries) -> bool:
    if change.field:
        existing = fields.get((change.line_id, change.field))
        return (existing.value if existing else "") == change.value
    existing = entries.get(change.client_id)
    if existing is None:
        return change.deleted  # removed before it was ever saved
    return (existing.line_id == change.line_id and existing.deleted == change.deleted
            and entry_values(existing) == {k: v or "" for k, v in change.values.items()})


def _version(change: Change, fields, entries) -> int:
    existing = fields.get((change.line_id, change.field)) if change.field else entries.get(change.client_id)
    return existing.version if existing is not None else 0


def _conflict(change: Change, fields, entries) -> dict:
    if change.field:
        existing = fields.get((change.line_id, change.field))
        return {"item": change.key, "value": existing.value if existing else "",
                "version": existing.version if existing else 0}
    existing = entries.get(change.client_id)
    state = entry_state(existing) if existing else {"line_id": change.line_id, "values": {}, "deleted": True}
    return {"item": change.key, "value": state, "version": existing.version if existing else 0}


# --- applying ----------------------------------------------------------------------------------


class _Raced(Exception):
    """Another request changed the same part between our read and our write."""


def apply_save(record: ReviewerRecord, payload, *, _retry: bool = True) -> SaveResult:
    """Apply one autosave to the record in one transaction (see the module's docstring).
    Raises SaveRejected (400), SaveConflict (409) or workflow.WrongState (409)."""
    review = record.review
    save_id = parse_save_id(payload)
    if db.session.get(AutosaveReceipt, (record.id, save_id)) is not None:
        return _duplicate(record, payload)
    if not workflow.record_open(review):
        raise workflow.WrongState(review, "record")
    changes = parse_changes(payload, review)

    fields, entries = _current(record, changes)
    conflicts = [_conflict(c, fields, entries) for c in changes
                 if c.base != _version(c, fields, entries) and not _unchanged(c, fields, entries)]
    if conflicts:
        raise SaveConflict(conflicts)

    versions: dict[str, int] = {}
    applied: list[str] = []
    try:
        for change in changes:
            if _unchanged(change, fields, entries):
                versions[change.key] = _version(change, fields, entries)
                continue
            versions[change.key] = _write(record, change, fields, entries)
            applied.append(change.key)
        db.session.add(AutosaveReceipt(record_id=record.id, save_id=save_id))
        if review.status == "confirmed":
            workflow.move(review, "in_progress")
        record.updated_at = func.now()
        db.session.commit()
    except (IntegrityError, _Raced):
        db.session.rollback()
        if _retry:  # answer against what the other request committed: a duplicate or a conflict
            return apply_save(record, payload, _retry=False)
        raise SaveConflict([]) from None
    return SaveResult(versions, _now(), applied=applied)


def _write(record: ReviewerRecord, change: Change, fields, entries) -> int:
    if change.field:
        existing = fields.get((change.line_id, change.field))
        if existing is None:
            db.session.add(RecordField(record_id=record.id, line_id=change.line_id, field=change.field,
                                       value=change.value, version=1))
            db.session.flush()
            return 1
        _conditional_update(RecordField, existing, value=change.value)
        return existing.version + 1
    existing = entries.get(change.client_id)
    if existing is None:
        db.session.add(EvidenceEntry(record_id=record.id, client_id=change.client_id, line_id=change.line_id,
                                     deleted=change.deleted, version=1, **change.values))
        db.session.flush()
        return 1
    _conditional_update(EvidenceEntry, existing, line_id=change.line_id, deleted=change.deleted,
                        updated_at=func.now(), **change.values)
    return existing.version + 1


def _conditional_update(model, existing, **values) -> None:
    """Update only if the row is still at the version we read (another request may have moved it)."""
    result = db.session.execute(
        update(model).where(model.id == existing.id, model.version == existing.version)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise _Raced()


def _duplicate(record: ReviewerRecord, payload) -> SaveResult:
    """A save already applied: nothing is applied again. Its parts' versions now, and any part
    changed since (by another device), so the browser shows the newer value instead of
    taking the newer version for its own text."""
    try:
        changes = parse_changes(payload, record.review)
    except SaveRejected:
        changes = []
    fields, entries = _current(record, changes)
    versions = {c.key: _version(c, fields, entries) for c in changes}
    changed = [_conflict(c, fields, entries) for c in changes if not _unchanged(c, fields, entries)]
    return SaveResult(versions, _now(), duplicate=True, changed_since=changed)


def _now() -> datetime:
    return datetime.now(timezone.utc)
