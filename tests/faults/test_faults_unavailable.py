"""A database that cannot be reached answers 503 with Retry-After, in the page's language or as API JSON."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError


@pytest.fixture
def broken(app):
    def lost_connection():
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection unexpectedly"))

    app.add_url_rule("/test-only/lost-db", "lost_db_page", lost_connection)
    app.add_url_rule("/api/v1/test-only/lost-db", "lost_db_api", lost_connection)
    return app


def test_a_page_says_to_retry_in_both_languages_without_asking_the_database(broken, client):
    response = client.get("/test-only/lost-db")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "本次提交未保存" in page and "nothing from this request was saved" in page


def test_the_api_says_to_retry_with_the_same_key(broken, client):
    response = client.get("/api/v1/test-only/lost-db")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["error"] == "service_unavailable" and "Idempotency-Key" in body["message"]


def test_other_errors_stay_500(app, client):
    def bug():
        raise KeyError("programming error")

    app.add_url_rule("/test-only/bug", "bug", bug)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/test-only/bug").status_code == 500
