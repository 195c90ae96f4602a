from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.extensions import db

PARTNERSHIP_KINDS = ("trust", "alliance", "local")


class Partnership(db.Model):
    """A multi-academy trust, teaching school alliance or local partnership of schools."""

    __tablename__ = "partnership"
    __table_args__ = (CheckConstraint(f"kind IN {PARTNERSHIP_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="trust")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    schools: Mapped[list[School]] = relationship(back_populates="partnership", order_by="School.name")
    clusters: Mapped[list[Cluster]] = relationship(back_populates="partnership", order_by="Cluster.name")

    def __repr__(self) -> str:
        return f"<Partnership {self.name!r}>"


cluster_school = Table(
    "cluster_school",
    db.metadata,
    Column("cluster_id", Integer, ForeignKey("cluster.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", Integer, ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)


class School(db.Model):
    """A school as Get Information about Schools (GIAS) describes it, keyed on URN."""

    __tablename__ = "school"
    __table_args__ = (CheckConstraint("urn > 0", name="urn_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"), index=True)
    urn: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str | None] = mapped_column(String(60))
    establishment_type: Mapped[str | None] = mapped_column(String(120))
    local_authority: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(10))
    easting: Mapped[int | None]
    northing: Mapped[int | None]
    status: Mapped[str | None] = mapped_column(String(60))
    trust_name: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    partnership: Mapped[Partnership] = relationship(back_populates="schools")
    clusters: Mapped[list[Cluster]] = relationship(
        secondary=cluster_school, back_populates="schools", order_by="Cluster.name"
    )

    def __repr__(self) -> str:
        return f"<School {self.urn} {self.name!r}>"


class Cluster(db.Model):
    """A named group of schools in a partnership (a hub, locality or cluster)."""

    __tablename__ = "cluster"
    __table_args__ = (db.UniqueConstraint("partnership_id", "name", name="uq_cluster_partnership_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(String(500))

    partnership: Mapped[Partnership] = relationship(back_populates="clusters")
    schools: Mapped[list[School]] = relationship(
        secondary=cluster_school, back_populates="clusters", order_by="School.name"
    )

    def __repr__(self) -> str:
        return f"<Cluster {self.name!r}>"
