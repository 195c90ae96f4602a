"""What each person sees on landing: a section per role they hold."""
from __future__ import annotations

from dataclasses import dataclass, field

from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Partnership, School


@dataclass
class Landing:
    admin_of: list[Partnership] = field(default_factory=list)
    head_of: list[School] = field(default_factory=list)
    reviewer_at: list[tuple[School, object]] = field(default_factory=list)  # (school, trained_on)
    coordinator_at: list[School] = field(default_factory=list)

    @property
    def has_any_role(self) -> bool:
        return bool(self.admin_of or self.head_of or self.reviewer_at or self.coordinator_at)


def landing_for(person: Person) -> Landing:
    landing = Landing()
    for role in person.roles:
        if role.role == "admin":
            landing.admin_of.append(role.partnership)
        elif role.role == "head":
            landing.head_of.append(role.school)
        elif role.role == "reviewer":
            landing.reviewer_at.append((role.school, role.trained_on))
        elif role.role == "coordinator":
            landing.coordinator_at.append(role.school)
    return landing
