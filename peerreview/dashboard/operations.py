"""The dashboard's one write: a download of its CSV goes in the audit log."""
from __future__ import annotations

from peerreview.core.audit import record
from peerreview.extensions import db


def record_download(dashboard, actor) -> None:
    """Audit event "dashboard.export" for one CSV download (with the filters used); commits."""
    detail = f"partnership dashboard CSV, {len(dashboard.rows)} schools"
    if dashboard.filters.cluster_id:
        detail += f", cluster {dashboard.filters.cluster_id}"
    if dashboard.filters.phase:
        detail += f", phase {dashboard.filters.phase}"
    record("dashboard.export", detail, actor=actor, partnership_id=dashboard.partnership.id)
    db.session.commit()
