from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, false as sa_false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db

ROLES = ("admin", "head", "reviewer", "coordinator")
SCHOOL_ROLES = ("head", "reviewer", "coordinator")


class Person(UserMixin, db.Model):
    """Someone with an account: staff and reviewers by name and work email only."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased so "Jo@School.org" and "jo@school.org" are one person.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_login_at: Mapped[datetime | None]

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before letting anyone in
        return self.active

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class RoleAssignment(db.Model):
    """One role one person holds: admin of a partnership, or head/reviewer/coordinator at a school."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint(
            "(role = 'admin' AND school_id IS NULL) OR (role <> 'admin' AND school_id IS NOT NULL)",
            name="school_matches_role",
        ),
        CheckConstraint("trained_on IS NULL OR role = 'reviewer'", name="training_only_for_reviewers"),
        CheckConstraint("(NOT can_lead) OR (role = 'reviewer' AND trained_on IS NOT NULL)",
                        name="leads_are_trained_reviewers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    trained_on: Mapped[date | None]
    # An experienced reviewer who may lead a team (each team needs one).
    can_lead: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    person: Mapped[Person] = relationship(back_populates="roles")
    partnership: Mapped[Partnership] = relationship()
    school: Mapped[School | None] = relationship()

    def __repr__(self) -> str:
        return f"<RoleAssignment {self.role} person={self.person_id} school={self.school_id}>"


class SetPasswordLink(db.Model):
    """A one-time, expiring link to set a password. Only a keyed hash of the token is kept."""

    __tablename__ = "set_password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()


class LoginThrottle(db.Model):
    """Failed sign-ins per email address (known or not, so nothing is given away)."""

    __tablename__ = "login_throttle"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
