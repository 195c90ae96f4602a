"""Reads for the review report: the report as stored, the team's records beside each line of
enquiry, the people the host head may share the report with, and a fingerprint of the saved
report so a tab opened before another save cannot overwrite it unseen."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.extensions import db
from peerreview.reviews import access
from peerreview.reviews.access import ReviewAction
from peerreview.reviews.models import (
    EvidenceEntry,
    LineOfEnquiry,
    RecordField,
    ReportShare,
    Review,
    ReviewerRecord,
    ReviewReport,
)


def report_for(review: Review) -> ReviewReport | None:
    return db.session.scalar(
        select(ReviewReport).where(ReviewReport.review_id == review.id)
        .options(selectinload(ReviewReport.findings), selectinload(ReviewReport.next_steps))
    )


def fingerprint(report: ReviewReport | None) -> str:
    """A short hash of everything the lead edits; it changes whenever a save changes anything."""
    if report is None:
        return "new"
    parts = [report.summary or ""]
    for f in sorted(report.findings, key=lambda f: f.line_id):
        parts += [str(f.line_id), f.went_well or "", f.even_better_if or "", f.estimate or ""]
    for s in report.next_steps:
        parts += [s.action or "", s.owner or "", s.due_on.isoformat() if s.due_on else ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def person_names(ids) -> dict[int, str]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


# --- the team's records, for the lead --------------------------------------------------------


@dataclass
class MemberFindings:
    """One team member's findings for one line."""

    name: str
    is_lead: bool
    strengths: str = ""
    areas: str = ""
    estimate: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.strengths.strip() or self.areas.strip() or self.estimate)


@dataclass
class EvidenceNote:
    name: str
    activity: str | None
    who: str
    host_partner: str
    notes: str
    theme: str | None


@dataclass
class LineRecords:
    line: LineOfEnquiry | None  # None: evidence not tied to any line
    findings: list[MemberFindings] = field(default_factory=list)
    evidence: list[EvidenceNote] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.evidence and all(f.empty for f in self.findings)


def team_records(review: Review) -> list[LineRecords]:
    """For each line of enquiry (in order), every team member's findings and evidence log
    entries (deleted ones left out), saying who wrote what; then any evidence not tied to a
    line, when there is some."""
    records = list(db.session.scalars(
        select(ReviewerRecord).where(ReviewerRecord.review_id == review.id)
        .options(selectinload(ReviewerRecord.fields), selectinload(ReviewerRecord.evidence),
                 selectinload(ReviewerRecord.person))
    ))
    lead_ids = {m.person_id for m in review.team if m.is_lead}
    # Team order: the lead first, then the others as on the team, then anyone else with a record.
    order = {m.person_id: i for i, m in enumerate(review.team)}
    records.sort(key=lambda r: (order.get(r.person_id, len(order)), r.id))

    out = [LineRecords(line) for line in review.lines]
    by_line = {lr.line.id: lr for lr in out}
    loose = LineRecords(None)
    for record in records:
        name = record.person.name
        is_lead = record.person_id in lead_ids
        values: dict[tuple[int, str], str] = {(f.line_id, f.field): f.value or "" for f in record.fields}
        for lr in out:
            lr.findings.append(MemberFindings(
                name=name, is_lead=is_lead,
                strengths=values.get((lr.line.id, "strengths"), ""),
                areas=values.get((lr.line.id, "areas"), ""),
                estimate=values.get((lr.line.id, "estimate")) or None,
            ))
        for entry in record.evidence:
            if entry.deleted:
                continue
            note = EvidenceNote(name, entry.activity, entry.who or "", entry.host_partner or "",
                                entry.notes or "", entry.theme)
            (by_line.get(entry.line_id) or loose).evidence.append(note)
    if loose.evidence:
        out.append(loose)
    return out


def team_texts(review: Review) -> list[str]:
    """The team's evidence notes and written findings for the review, for the themes panel:
    every non-empty note of entries not deleted, every non-empty strengths and areas field."""
    notes = db.session.scalars(
        select(EvidenceEntry.notes).join(ReviewerRecord, EvidenceEntry.record_id == ReviewerRecord.id)
        .where(ReviewerRecord.review_id == review.id, EvidenceEntry.deleted.is_(False))
        .order_by(EvidenceEntry.id)
    )
    findings = db.session.scalars(
        select(RecordField.value).join(ReviewerRecord, RecordField.record_id == ReviewerRecord.id)
        .where(ReviewerRecord.review_id == review.id, RecordField.field.in_(("strengths", "areas")))
        .order_by(RecordField.id)
    )
    return [t for t in [*notes, *findings] if t and t.strip()]


# --- sharing ------------------------------------------------------------------------------------


def shares(review: Review) -> list[tuple[Person, ReportShare]]:
    rows = db.session.execute(
        select(Person, ReportShare).join(ReportShare, ReportShare.person_id == Person.id)
        .where(ReportShare.review_id == review.id).order_by(Person.name, Person.id)
    ).all()
    return [(person, share) for person, share in rows]


def share_candidates(review: Review) -> list[Person]:
    """Active people with an account in the review's partnership who cannot read the report yet."""
    people = db.session.scalars(
        select(Person).join(RoleAssignment)
        .where(RoleAssignment.partnership_id == review.round.partnership_id, Person.active.is_(True))
        .options(selectinload(Person.roles)).distinct().order_by(Person.name, Person.id)
    ).all()
    return [p for p in people if not access.can(p, ReviewAction.READ_REPORT, review)]
