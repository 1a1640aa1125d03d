"""Test databases: schema from the real migrations, wiped between tests."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from dispute_hub.config import normalise_database_url


def postgres_url_or_skip() -> str:
    """DISPUTE_HUB_TEST_DATABASE_URL if reachable; skip locally, fail under CI."""
    url = os.environ.get("DISPUTE_HUB_TEST_DATABASE_URL")
    if not url:
        reason = "DISPUTE_HUB_TEST_DATABASE_URL is not set: PostgreSQL runs of the tests skipped"
    else:
        url = normalise_database_url(url)
        try:
            engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
            return url
        except sa.exc.OperationalError as exc:
            reason = f"PostgreSQL at {url} is unreachable: {exc.orig}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def create_scratch_database(url: str) -> str:
    """A new empty database beside the one ``url`` names, for this test session alone.

    Test runs in parallel (developers, helpers, CI) each get their own, so none resets another's tables.
    """
    name = f"dh_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(admin_url: str, scratch_url: str) -> None:
    name = sa.engine.make_url(scratch_url).database
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare_schema(url: str) -> None:
    """Empty database → the schema of the migrations (not ``create_all``), as production gets it."""
    from flask_migrate import upgrade

    from dispute_hub import create_app
    from dispute_hub.extensions import db

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def wipe(engine: sa.Engine) -> None:
    """Delete every row of every table (keeping the schema and alembic's version)."""
    from dispute_hub.extensions import db

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))  # noqa: S608  names from our metadata
