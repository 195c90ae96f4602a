"""Unbound extensions, bound to an app in ``create_app``."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraint names fixed here so migrations can name (and later drop) every constraint
# the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# No default limits: only the routes that ask (the open survey links) are limited. Counts
# live in memory, per worker; nothing about who asked is ever written to the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a check constraint that keeps a column to a fixed set of codes."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
