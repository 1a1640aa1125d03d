"""Shared fixtures: app, db, client, auth helper and factories; every app test runs on SQLite and,
when DISPUTE_HUB_TEST_DATABASE_URL names a reachable server, on PostgreSQL too."""

from __future__ import annotations

import contextvars
import os
import socket

import pytest
from flask.testing import FlaskClient

from tests.support.databases import (
    create_scratch_database,
    drop_scratch_database,
    postgres_url_or_skip,
    prepare_schema,
    wipe,
)
from tests.support.factories import Factories

pytest_plugins = ["tests.support.guards"]


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    url = f"sqlite:///{path}"
    prepare_schema(url)
    return url


@pytest.fixture(scope="session")
def postgresql_server_url() -> str:
    """The server's own database (DISPUTE_HUB_TEST_DATABASE_URL): used only to create scratch ones."""
    return postgres_url_or_skip()


@pytest.fixture(scope="session")
def postgresql_url(postgresql_server_url):
    url = create_scratch_database(postgresql_server_url)
    try:
        prepare_schema(url)
        yield url
    finally:
        drop_scratch_database(postgresql_server_url, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a server would: fresh ``g``, fresh
    session, fresh Flask-Login user and locale. Tests must commit what a request should see."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    from dispute_hub import create_app
    from dispute_hub.extensions import db

    flask_app = create_app({
        "ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
        "TASKS_RAISE": True,
    })
    flask_app.test_client_class = IsolatedClient
    with flask_app.app_context():
        wipe(db.engine)
        yield flask_app
        db.session.remove()
        wipe(db.engine)
        db.engine.dispose()


@pytest.fixture
def db(app):
    from dispute_hub.extensions import db as database

    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(db) -> Factories:
    """Factories: ``make.org()``, ``make.user(role)``, ``make.dispute(...)``; flush, never commit."""
    return Factories(db)


@pytest.fixture
def districts(db) -> dict[str, str]:
    """Reference data loaded; district codes and Chinese names → code, as parse_filing takes them."""
    from dispute_hub.intake.services import district_lookup
    from dispute_hub.reference import load_reference

    load_reference()
    db.session.commit()
    return district_lookup()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = "correct-horse-battery"):
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis for worker tests; skipped locally without it, required under CI."""
    from urllib.parse import urlsplit

    url = os.environ.get("DISPUTE_HUB_TEST_REDIS_URL")
    reason = None
    if not url:
        reason = "DISPUTE_HUB_TEST_REDIS_URL is not set: tests that need a real Celery worker on Redis skipped"
    else:
        parts = urlsplit(url)
        if not port_open(parts.hostname or "127.0.0.1", parts.port or 6379):
            reason = f"Redis at {url} is unreachable"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(reason)
    return url
