"""Flask-Login wiring: how a session finds its person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from peerreview.core.accounts.models import Person
from peerreview.extensions import db


def configure(login_manager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_person(person_id: str) -> Person | None:
        try:
            person = db.session.get(Person, int(person_id))
        except ValueError:
            return None
        # Someone switched off by an admin is signed out at their next request.
        return person if person is not None and person.active else None
