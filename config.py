"""Settings, read from the environment.

SQLite in ``instance/`` is the embedded default; ``DATABASE_URL`` selects PostgreSQL
(psycopg 3). ``SECRET_KEY`` must be set in production; for local use one is generated
once into ``instance/secret_key`` so sessions and set-password links survive restarts.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def database_url(raw: str | None, default: str) -> str:
    """Normalise a DATABASE_URL so PostgreSQL always goes through psycopg 3."""
    url = (raw or "").strip() or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def local_secret_key(instance_dir: Path) -> str:
    """A secret generated once for this checkout, kept out of version control."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL"), f"sqlite:///{INSTANCE_DIR / 'peerreview.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Cookies: never readable by scripts, not sent on cross-site requests.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    # Uploads (GIAS extracts are a few MB; a whole-country extract is about 60 MB).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "80")) * 1024 * 1024
    # A host's PDF for its review team. Kept well under MAX_CONTENT_LENGTH so an oversized
    # PDF gets the attachments' own message (peerreview/reviews/attachments.py caps it there too).
    REVIEW_ATTACHMENT_MAX_BYTES = int(os.environ.get("REVIEW_ATTACHMENT_MAX_MB", "10")) * 1024 * 1024
    # How long "Propose teams and dates" lets the solver search (a 500-school round needs about 7 s).
    PAIRING_TIME_LIMIT_S = float(os.environ.get("PAIRING_TIME_LIMIT_S", "8"))

    # Repeated failed logins for one email lock it for a while.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    SET_PASSWORD_LINK_HOURS = int(os.environ.get("SET_PASSWORD_LINK_HOURS", "72"))
    PASSWORD_MIN_LENGTH = 10

    # Languages: British English by default, Welsh alongside.
    LANGUAGES = {"en_GB": "English", "cy": "Cymraeg"}
    BABEL_DEFAULT_LOCALE = "en_GB"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Optional email; without it, set-password links are shown to the admin to hand over.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "no-reply@localhost")

    # Open survey links are rate limited per address and link. Schools share one address,
    # so the default is generous (Flask-Limiter syntax).
    OPEN_LINK_RATE_LIMIT = os.environ.get("OPEN_LINK_RATE_LIMIT", "60 per minute")

    # Pupil visits: children's first names are deleted this many days after the visit
    # (`flask delete-pupil-names`, run daily); a feedback code for the tablets lasts this many hours.
    VISIT_NAME_RETENTION_DAYS = int(os.environ.get("VISIT_NAME_RETENTION_DAYS", "30"))
    VISIT_SESSION_HOURS = int(os.environ.get("VISIT_SESSION_HOURS", "6"))

    # Feedback packs are made by a Huey worker (`flask --app wsgi pack-worker`). Its queue is a
    # SQLite file (instance/huey.db unless HUEY_SQLITE_PATH says otherwise) shared by the workers
    # on this machine; with HUEY_REDIS_URL set (and the redis package installed) it is Redis, so
    # workers on many machines can share the work. HUEY_IMMEDIATE runs jobs inside the request.
    HUEY_REDIS_URL = os.environ.get("HUEY_REDIS_URL") or None
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH") or None
    HUEY_IMMEDIATE = env_flag("HUEY_IMMEDIATE")
    # A failed pack is tried once more after this many seconds; a running job that has not
    # reported for this many minutes is taken to have lost its worker.
    PACK_RETRY_DELAY_S = int(os.environ.get("PACK_RETRY_DELAY_S", "10"))
    PACK_STALE_MINUTES = int(os.environ.get("PACK_STALE_MINUTES", "5"))
    # Where finished packs are kept (instance/packs unless set; shared by every worker).
    PACK_STORE_DIR = os.environ.get("PACK_STORE_DIR") or None

    # Where absolute links (set-password links printed by the CLI) point.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = local_secret_key(Path(app.config["INSTANCE_DIR"]))


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("TEST_DATABASE_URL"), "sqlite:///" + str(INSTANCE_DIR / "test.db")
    )
    # Argon2 at full cost makes a large suite slow; tests use cheaper parameters.
    ARGON2_FAST = True
    SERVER_NAME = None
    # Pack jobs run inside the request (Huey's immediate mode, in memory), retried at once.
    HUEY_IMMEDIATE = True
    PACK_RETRY_DELAY_S = 0


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in the environment in production")


configs = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return configs[os.environ.get("APP_ENV", "development")]
