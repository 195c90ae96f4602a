"""Writes for the directory: clusters. One commit each, with an audit event in the same transaction."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from peerreview.core import audit
from peerreview.core.directory.models import Cluster, Partnership, School
from peerreview.extensions import db


class ClusterNameTaken(Exception):
    """Another cluster of the partnership has this name (caught at the database, after a race)."""


class ForeignSchool(Exception):
    """A school id that is not a school of the cluster's partnership."""


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _schools_of(partnership_id: int, school_ids: Iterable[int]) -> list[School]:
    wanted = set(school_ids)
    if not wanted:
        return []
    schools = list(db.session.scalars(
        select(School).where(School.id.in_(wanted), School.partnership_id == partnership_id)
    ))
    if len(schools) != len(wanted):
        raise ForeignSchool(sorted(wanted - {s.id for s in schools}))
    return schools


def _flush_or_name_taken() -> None:
    """Send the changes now, so a name taken by someone else a moment ago is caught here."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ClusterNameTaken() from exc


def create_cluster(partnership: Partnership, name: str, description: str | None, *, actor) -> Cluster:
    cluster = Cluster(partnership_id=partnership.id, name=name.strip(), description=_clean(description))
    db.session.add(cluster)
    _flush_or_name_taken()
    audit.record("cluster.created", f"Cluster '{cluster.name}' created", actor=actor, partnership_id=partnership.id)
    db.session.commit()
    return cluster


def update_cluster(cluster: Cluster, name: str, description: str | None, school_ids: Iterable[int] | None,
                   *, actor) -> Cluster:
    """Rename, describe and (when school_ids is given) set the member schools, all or nothing."""
    # Everything is read before anything on the cluster changes, so no read flushes half a change.
    schools = _schools_of(cluster.partnership_id, school_ids) if school_ids is not None else None
    before = {s.id: s for s in cluster.schools}
    changes = []
    new_name = name.strip()
    if new_name != cluster.name:
        changes.append(f"renamed from '{cluster.name}' to '{new_name}'")
        cluster.name = new_name
    new_description = _clean(description)
    if new_description != cluster.description:
        changes.append("description changed")
        cluster.description = new_description
    if schools is not None:
        after = {s.id: s for s in schools}
        added = sorted((after[i] for i in after.keys() - before.keys()), key=lambda s: s.name)
        removed = sorted((before[i] for i in before.keys() - after.keys()), key=lambda s: s.name)
        if added:
            changes.append("added " + ", ".join(f"{s.name} ({s.urn})" for s in added))
        if removed:
            changes.append("removed " + ", ".join(f"{s.name} ({s.urn})" for s in removed))
        if added or removed:
            cluster.schools = schools
    _flush_or_name_taken()
    if changes:
        audit.record("cluster.updated", f"Cluster '{cluster.name}': " + "; ".join(changes),
                     actor=actor, partnership_id=cluster.partnership_id)
    db.session.commit()
    return cluster


def delete_cluster(cluster: Cluster, *, actor) -> None:
    """Delete the cluster; its schools stay in the partnership."""
    count = len(cluster.schools)
    audit.record("cluster.deleted", f"Cluster '{cluster.name}' deleted; it held {count} school{'' if count == 1 else 's'}",
                 actor=actor, partnership_id=cluster.partnership_id)
    db.session.delete(cluster)
    db.session.commit()
