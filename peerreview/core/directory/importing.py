"""Applying a GIAS establishment extract to a partnership's schools.

The public entry point is :func:`import_schools`::

    report = import_schools(Path("extract.csv").read_bytes(), partnership)   # writes, one commit
    report = import_schools(stream, partnership, dry_run=True)                # a preview: no writes
    print(report.summary())   # "added 12, updated 0, unchanged 0, skipped 2 (closed 1, invalid 1, other partnership 0)"

Rules (the parsing rules live in :mod:`peerreview.core.directory.gias`):

- A school is matched on URN. One already in this partnership is updated when a field
  differs ("updated"), else left alone ("unchanged"); it is never duplicated.
- A URN that belongs to another partnership is skipped and reported ("other partnership").
- Closed establishments are skipped ("closed"); a closed school already in the list stays.
- Rows with problems are not imported at all ("invalid"); the valid rows are.
- All writes, and the audit event, go in one transaction: all or nothing.

It raises :class:`~peerreview.core.directory.gias.GiasFileError` when the file as a whole
cannot be read; then nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from peerreview.core.audit import record
from peerreview.core.directory.gias import (
    SCHOOL_FIELDS,
    GiasFileError,
    ParsedExtract,
    Problem,
    SchoolRow,
    SkippedRow,
    parse_gias,
)
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db

__all__ = [
    "DEFAULT_PARTNERSHIP_NAME",
    "Change",
    "GiasFileError",
    "ImportReport",
    "PartnershipChoiceError",
    "PlannedUpdate",
    "apply_plan",
    "import_schools",
    "plan_import",
    "resolve_partnership",
]

DEFAULT_PARTNERSHIP_NAME = "My partnership"
LOOKUP_CHUNK = 900  # below SQLite's oldest limit on bound parameters
WRITE_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # a School attribute
    old: object
    new: object


@dataclass(slots=True)
class PlannedUpdate:
    school_id: int
    row: SchoolRow
    changes: list[Change]


@dataclass
class ImportReport:
    """What an import will do (a preview) or did (after it is applied)."""

    partnership: Partnership
    added: list[SchoolRow] = field(default_factory=list)
    updated: list[PlannedUpdate] = field(default_factory=list)
    unchanged: list[SchoolRow] = field(default_factory=list)
    closed: list[SkippedRow] = field(default_factory=list)
    closed_already_listed: list[SkippedRow] = field(default_factory=list)  # closed, but in this partnership's list
    other_partnership: list[SchoolRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid_rows: list[int] = field(default_factory=list)
    encoding: str = ""
    applied: bool = False

    @property
    def to_import(self) -> int:
        """Schools an import writes: added plus updated."""
        return len(self.added) + len(self.updated)

    @property
    def skipped(self) -> int:
        return len(self.closed) + len(self.invalid_rows) + len(self.other_partnership)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": self.skipped,
            "closed": len(self.closed),
            "invalid": len(self.invalid_rows),
            "other_partnership": len(self.other_partnership),
        }

    def summary(self) -> str:
        """One line, the same words every time (scripts read it; not translated)."""
        c = self.counts
        return (f"added {c['added']}, updated {c['updated']}, unchanged {c['unchanged']}, "
                f"skipped {c['skipped']} (closed {c['closed']}, invalid {c['invalid']}, "
                f"other partnership {c['other_partnership']})")

    def problem_lines(self) -> list[str]:
        """One line per invalid field, then one per skipped row, in row order."""
        lines = [str(p) for p in self.problems]
        listed = {s.row for s in self.closed_already_listed}
        skipped: list[tuple[int, str]] = []
        for s in self.closed:
            note = ", already in the list: left as it is" if s.row in listed else ""
            skipped.append((s.row, f"row {s.row}: skipped, closed: {s.urn or ''} {s.name}".rstrip() + note))
        for r in self.other_partnership:
            skipped.append((r.row, f"row {r.row}: skipped, URN {r.urn} belongs to another partnership: {r.name}"))
        return lines + [line for _row, line in sorted(skipped)]


class PartnershipChoiceError(ValueError):
    """Several partnerships exist and none was named."""


def resolve_partnership(name: str | None) -> tuple[Partnership, bool]:
    """The partnership an import goes into, and whether it was created now.

    With a name: that partnership, created (kind "trust") if missing. Without: the only
    partnership; "My partnership" if there is none. Several and no name: PartnershipChoiceError.
    A partnership created here is flushed, not committed: the import's commit keeps it,
    a rollback drops it.
    """
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise PartnershipChoiceError("The partnership name is empty.")
        existing = db.session.scalar(select(Partnership).where(Partnership.name == name))
        if existing:
            return existing, False
    else:
        found = list(db.session.scalars(select(Partnership).order_by(Partnership.name).limit(2)))
        if len(found) == 1:
            return found[0], False
        if found:
            names = db.session.scalars(select(Partnership.name).order_by(Partnership.name))
            raise PartnershipChoiceError(
                "There are several partnerships; choose one with --partnership NAME (one of: "
                + ", ".join(f'"{n}"' for n in names) + ")."
            )
        name = DEFAULT_PARTNERSHIP_NAME
    partnership = Partnership(name=name, kind="trust")
    db.session.add(partnership)
    db.session.flush()
    return partnership, True


def _existing(urns: list[int]) -> dict[int, tuple]:
    columns = [School.id, School.urn, School.partnership_id] + [getattr(School, f) for f in SCHOOL_FIELDS]
    found: dict[int, tuple] = {}
    for start in range(0, len(urns), LOOKUP_CHUNK):
        chunk = urns[start:start + LOOKUP_CHUNK]
        for row in db.session.execute(select(*columns).where(School.urn.in_(chunk))):
            found[row.urn] = row
    return found


def plan_import(parsed: ParsedExtract, partnership: Partnership) -> ImportReport:
    """Compare a parsed extract with the database. Reads only."""
    report = ImportReport(partnership=partnership, closed=list(parsed.closed), problems=list(parsed.problems),
                          invalid_rows=parsed.invalid_rows, encoding=parsed.encoding)
    existing = _existing([r.urn for r in parsed.rows] + [s.urn for s in parsed.closed if s.urn])
    for row in parsed.rows:
        current = existing.get(row.urn)
        if current is None:
            report.added.append(row)
        elif current.partnership_id != partnership.id:
            report.other_partnership.append(row)
        else:
            changes = [Change(f, getattr(current, f), getattr(row, f))
                       for f in SCHOOL_FIELDS if getattr(current, f) != getattr(row, f)]
            if changes:
                report.updated.append(PlannedUpdate(current.id, row, changes))
            else:
                report.unchanged.append(row)
    report.closed_already_listed = [
        s for s in parsed.closed if s.urn in existing and existing[s.urn].partnership_id == partnership.id
    ]
    return report


def apply_plan(report: ImportReport, *, actor=None, audit_detail: str = "") -> ImportReport:
    """Write a planned import and its audit event in one transaction, then commit.

    On any database error the transaction is rolled back and the error re-raised: nothing
    from the file is kept.
    """
    partnership = report.partnership
    try:
        # In batches, so a whole-country extract does not build every statement parameter at once.
        for start in range(0, len(report.added), WRITE_BATCH):
            db.session.execute(insert(School), [
                {"partnership_id": partnership.id, "urn": r.urn, **r.values()}
                for r in report.added[start:start + WRITE_BATCH]
            ])
        for start in range(0, len(report.updated), WRITE_BATCH):
            # By primary key; the column's onupdate stamps updated_at.
            db.session.execute(update(School), [
                {"id": u.school_id, **u.row.values()} for u in report.updated[start:start + WRITE_BATCH]
            ])
        detail = report.summary() + (f" from {audit_detail}" if audit_detail else "")
        record("schools.import", detail, actor=actor, partnership_id=partnership.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.applied = True
    return report


def import_schools(source, partnership: Partnership, *, dry_run: bool = False, actor=None,
                   audit_detail: str = "") -> ImportReport:
    """Import a GIAS extract into ``partnership``.

    ``source`` is the file's bytes, a path, or a binary file object (read from its current
    position). With ``dry_run`` nothing is written and the report is a preview. Otherwise the
    valid rows and an audit event ("schools.import", by ``actor``; None from the command
    line) are written in one commit. Raises GiasFileError when the file cannot be read at all.
    """
    parsed = parse_gias(source)
    report = plan_import(parsed, partnership)
    if dry_run:
        return report
    return apply_plan(report, actor=actor, audit_detail=audit_detail)
