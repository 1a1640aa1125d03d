"""Migrations: one head, upgrade from empty and back down, and the models match them."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from dispute_hub import PACKAGE_DIR, create_app
from dispute_hub.extensions import db


def test_single_head():
    script = ScriptDirectory(str(PACKAGE_DIR / "migrations"))
    assert len(script.get_heads()) == 1


def test_migration_files_are_dated():
    versions = sorted((PACKAGE_DIR / "migrations" / "versions").glob("*.py"))
    assert versions
    for path in versions:
        assert path.name[:8].isdigit() and path.name[8] == "_", path.name


def _diff_models_against(url: str) -> list:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def _round_trip(url: str, tmp_path) -> None:
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
        assert _diff_models_against(url) == [], "models and migrations disagree: run flask db migrate"
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "case_events" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_upgrade_downgrade_and_models_match(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)


@pytest.mark.postgres
def test_postgres_upgrade_downgrade_and_models_match(postgresql_server_url, tmp_path):
    from tests.support.databases import create_scratch_database, drop_scratch_database

    scratch = create_scratch_database(postgresql_server_url)  # empty: the suite's schema is elsewhere
    try:
        _round_trip(scratch, tmp_path)
    finally:
        drop_scratch_database(postgresql_server_url, scratch)


def test_ci_requires_postgres_and_redis():
    # .ci/run must hand the real services to the suite, never leave them to be skipped
    script = (PACKAGE_DIR.parent / ".ci" / "run").read_text()
    assert "DISPUTE_HUB_TEST_DATABASE_URL" in script and "DISPUTE_HUB_TEST_REDIS_URL" in script
    assert "make test" in script
    assert os.access(PACKAGE_DIR.parent / ".ci" / "run", os.X_OK)
