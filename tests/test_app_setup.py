"""The wiring a deployment relies on: settings from the environment, the database
connection, the health check and the secret key."""
import pytest
from sqlalchemy import text

from config import Config, ProductionConfig, TestingConfig, database_url
from peerreview import create_app
from peerreview.extensions import db


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("postgres://app@db:5432/pr", "postgresql+psycopg://app@db:5432/pr"),
        ("postgresql://app@db/pr", "postgresql+psycopg://app@db/pr"),
        ("postgresql+psycopg://app@db/pr", "postgresql+psycopg://app@db/pr"),
        ("", "sqlite:///default.db"),
        (None, "sqlite:///default.db"),
    ],
)
def test_database_url_always_uses_psycopg_3(raw, expected):
    assert database_url(raw, "sqlite:///default.db") == expected


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, INSTANCE_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_cookies_are_secure_httponly_and_samesite(tmp_path):
    app = create_app(ProductionConfig, INSTANCE_DIR=str(tmp_path), SECRET_KEY="x" * 32,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_local_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    first = create_app(Config, INSTANCE_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    second = create_app(Config, INSTANCE_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_health_answers_503_when_the_database_does_not(tmp_path):
    app = create_app(TestingConfig, INSTANCE_DIR=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_upload_over_the_limit_gets_413_not_500(client, world):
    from tests.conftest import get_token, sign_in

    world.person("admin@trust.org.uk", ("admin", world.partnership()))
    sign_in(client, "admin@trust.org.uk")
    token = get_token(client, "/manage/schools/import/")
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    client.application.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        import io
        response = client.post("/manage/schools/import/", data={"csrf_token": token, "file": (io.BytesIO(b"x" * 4096), "big.csv")},
                               content_type="multipart/form-data")
    finally:
        client.application.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
