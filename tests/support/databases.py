"""Test databases: schema from the real migrations, wiped between tests."""

from __future__ import annotations

import os

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


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def prepare_schema(url: str) -> None:
    """Empty database → the schema of the migrations (not ``create_all``), as production gets it."""
    from flask_migrate import upgrade

    from dispute_hub import create_app
    from dispute_hub.extensions import db

    if url.startswith("postgresql"):
        reset_postgres(url)
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
