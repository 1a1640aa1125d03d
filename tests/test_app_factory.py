"""The app factory and configuration from DISPUTE_HUB_* variables."""

from __future__ import annotations

import pytest

from dispute_hub import create_app
from dispute_hub.config import ConfigError, load_settings


def test_production_without_secret_key_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("DISPUTE_HUB_SECRET_KEY", raising=False)
    monkeypatch.setenv("DISPUTE_HUB_ENV", "production")
    monkeypatch.setenv("DISPUTE_HUB_INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="DISPUTE_HUB_SECRET_KEY"):
        create_app()


def test_production_with_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DISPUTE_HUB_ENV", "production")
    monkeypatch.setenv("DISPUTE_HUB_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DISPUTE_HUB_INSTANCE_DIR", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "k" * 64
    assert app.config["TESTING"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'dispute_hub.sqlite3'}"
    assert app.instance_path == str(tmp_path / "inst")
    assert app.config["TASKS_INLINE"] is True
    assert app.config["UPLOAD_DIR"].startswith(str(tmp_path / "inst"))
    assert app.config["SEARCH_DIR"].startswith(str(tmp_path / "inst"))


def test_development_key_is_kept_in_the_instance_folder(tmp_path):
    env = {"DISPUTE_HUB_ENV": "development", "DISPUTE_HUB_INSTANCE_DIR": str(tmp_path)}
    first = load_settings(env, "/nonexistent")
    second = load_settings(env, "/nonexistent")
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_services_mode_by_urls(tmp_path):
    env = {
        "DISPUTE_HUB_ENV": "testing",
        "DISPUTE_HUB_DATABASE_URL": "postgres://dh:pw@db:5432/dispute_hub",
        "DISPUTE_HUB_BROKER_URL": "redis://redis:6379/0",
        "DISPUTE_HUB_ELASTICSEARCH_URL": "http://elasticsearch:9200",
    }
    cfg = load_settings(env, str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://dh:pw@db:5432/dispute_hub"
    assert cfg["TASKS_INLINE"] is False
    assert cfg["RESULT_BACKEND"] == "redis://redis:6379/0"
    assert cfg["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"


@pytest.mark.parametrize(("var", "value", "message"), [
    ("DISPUTE_HUB_ENV", "staging", "DISPUTE_HUB_ENV must be one of"),
    ("DISPUTE_HUB_UPLOAD_MAX_FILE_MB", "lots", "DISPUTE_HUB_UPLOAD_MAX_FILE_MB"),
    ("DISPUTE_HUB_DEFAULT_LOCALE", "fr", "DISPUTE_HUB_DEFAULT_LOCALE"),
])
def test_bad_settings_are_refused_with_the_variable_named(tmp_path, var, value, message):
    env = {"DISPUTE_HUB_ENV": "testing", var: value}
    with pytest.raises(ConfigError, match=message):
        load_settings(env, str(tmp_path))


def test_override_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DISPUTE_HUB_UPLOAD_MAX_FILE_MB", "7")
    app = create_app({"ENV": "testing", "INSTANCE_DIR": str(tmp_path), "UPLOAD_MAX_FILE_MB": 3})
    assert app.config["UPLOAD_MAX_FILE_MB"] == 3


def test_settings_table_documents_every_setting():
    from dispute_hub.config import DESCRIPTIONS, SETTINGS

    assert set(DESCRIPTIONS) == set(SETTINGS)


def test_readme_lists_every_environment_variable():
    from pathlib import Path

    from dispute_hub.config import SETTINGS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [var for var, _default in SETTINGS.values() if var not in readme]
    assert not missing, f"README does not document {missing}"
