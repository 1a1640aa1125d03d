"""Rate limits on guessing and flooding: login, tracking look-up, the respondent's code and filing answer 429
after the stated count, with a clear page in the visitor's language (or the API's JSON error)."""

from __future__ import annotations

import pytest

from dispute_hub.extensions import limiter
from tests.support.filings import filing_body

ZH = "尝试次数过多，请稍后再试。"
EN = "Too many attempts. Please wait a moment and try again."
# path, a refused guess, the stated count per minute or hour (the first limit a burst meets)
GUESSES = {
    "login": ("/login", {"email": "who@example.com", "password": "a-wrong-guess"}, 10),
    "track": ("/track", {"tracking_no": "NTIP-2026-999999", "access_code": "ZZZZ-ZZZZ"}, 10),
    "respond": ("/cases/respond", {"tracking_no": "NTIP-2026-999999", "invite_code": "ZZZZ-ZZZZ"}, 10),
    "file": ("/file", {}, 30),
}


@pytest.fixture(autouse=True)
def fresh_counters(app):
    limiter.reset()
    yield
    limiter.reset()


def _burst(client, path: str, data: dict, count: int) -> list[int]:
    return [client.post(path, data=data).status_code for _ in range(count)]


@pytest.mark.parametrize("name", GUESSES)
def test_the_limit_answers_429_after_the_stated_count(client, name):
    path, data, count = GUESSES[name]
    codes = _burst(client, path, data, count)
    assert 429 not in codes, codes
    refused = client.post(path, data=data)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # the GET of the same page is not counted: the visitor can still read it
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("name", GUESSES)
@pytest.mark.parametrize(("lang", "message", "other"), [("zh", ZH, EN), ("en", EN, ZH)])
def test_the_429_page_says_so_in_the_visitors_language(client, name, lang, message, other):
    path, data, count = GUESSES[name]
    client.get(f"/lang/{lang}")
    _burst(client, path, data, count)
    refused = client.post(path, data=data)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    lead = body.split('class="lead">', 1)[1].split("</p>", 1)[0]
    assert lead.strip() == message  # the page's own language first, the other one beneath
    assert other in body
    assert "per 1 minute" not in body and "per 1 hour" not in body  # no limiter jargon


@pytest.fixture
def session_filer(client, db, make, auth, districts):
    user = make.user("claimant")
    db.session.commit()
    auth.login(user)
    return user


def test_api_filings_of_a_session_share_the_form_limit(client, session_filer):
    """A browser session cannot escape the form's 30 filings an hour by posting JSON to the API instead."""
    path, data, count = GUESSES["file"]
    half = count // 2
    assert 429 not in _burst(client, path, data, half)
    codes = [client.post("/api/v1/filings", json={}).status_code for _ in range(count - half)]
    assert codes == [422] * (count - half)
    refused = client.post("/api/v1/filings", json=filing_body())
    assert refused.status_code == 429 and refused.get_json()["error"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.post(path, data=data).status_code == 429


def test_integrators_with_a_token_are_not_limited_like_browsers(client, db, make, districts):
    from dispute_hub.models import issue_token

    _row, secret = issue_token(make.user("claimant"), "court system", ["filings:write"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    codes = [client.post("/api/v1/filings", json={}, headers=headers).status_code
             for _ in range(GUESSES["file"][2] + 1)]
    assert codes == [422] * len(codes)


def test_an_app_built_with_limits_off_leaves_them_on_for_the_next_app(app, db):
    """Benchmarks and fault tests build apps with RATELIMIT_ENABLED off; Flask-Limiter's shared limiter would
    carry that into every later app of the process."""
    from dispute_hub import create_app

    settings = {k: app.config[k] for k in ("ENV", "SQLALCHEMY_DATABASE_URI", "INSTANCE_DIR", "SERVER_NAME")}
    create_app({**settings, "RATELIMIT_ENABLED": False})
    later = create_app({**settings, "WTF_CSRF_ENABLED": False})
    limiter.reset()
    path, data, count = GUESSES["login"]
    client = later.test_client()
    try:
        assert _burst(client, path, data, count + 1)[-1] == 429
    finally:
        with later.app_context():  # its pool's connections, else they stay open until the process ends
            db.engine.dispose()
