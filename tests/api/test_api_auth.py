"""Who may call the API: bearer tokens with scopes, the session as a fallback, 401/403/404 as JSON."""

from __future__ import annotations

import pytest
from flask_wtf.csrf import generate_csrf

from dispute_hub.models import ApiToken, issue_token, utcnow


@pytest.fixture
def two_claimants(db, make):
    """Two claimants, each with one case the other may not open."""
    org = make.org("nt-ip-people-mediation-test", name_zh="南通市知识产权纠纷人民调解委员会（测试）")
    mine = make.user("claimant", name="南通锦绣家纺有限公司")
    theirs = make.user("claimant", name="海安华艺家具有限公司")
    my_case = make.dispute(org, claimant=mine, title="南通锦绣家纺有限公司与义乌市佳美日用品有限公司专利纠纷")
    their_case = make.dispute(org, claimant=theirs, title="海安华艺家具有限公司与佛山市顺德区木艺家具厂专利纠纷")
    db.session.commit()
    return mine, my_case, their_case


def test_a_token_with_cases_read_sees_exactly_its_users_cases(client, bearer, two_claimants):
    mine, my_case, their_case = two_claimants
    headers = bearer(mine, "cases:read")
    listing = client.get("/api/v1/cases", headers=headers)
    assert listing.status_code == 200
    assert [item["tracking_no"] for item in listing.get_json()["items"]] == [my_case.tracking_no]
    assert client.get(f"/api/v1/cases/{my_case.tracking_no}", headers=headers).status_code == 200
    hidden = client.get(f"/api/v1/cases/{their_case.tracking_no}", headers=headers)
    assert hidden.status_code == 404
    assert their_case.title not in hidden.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "scope_held", "scope_needed"),
    [
        ("get", "/api/v1/cases", "filings:write", "cases:read"),
        ("get", "/api/v1/cases/{no}", "filings:read", "cases:read"),
        ("get", "/api/v1/filings/{no}", "filings:write", "filings:read"),
        ("post", "/api/v1/filings", "filings:read", "filings:write"),
    ],
)
def test_a_token_without_the_scope_gets_403(client, bearer, two_claimants, method, path, scope_held, scope_needed):
    mine, my_case, _ = two_claimants
    response = getattr(client, method)(path.format(no=my_case.tracking_no), headers=bearer(mine, scope_held),
                                       json={} if method == "post" else None)
    assert response.status_code == 403
    assert response.get_json() == {"error": "insufficient_scope", "required_scope": scope_needed,
                                   "message": f"this token does not have the scope {scope_needed}"}
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def _authorization(kind: str, db, make, user) -> str:
    """An Authorization header of the given kind of bad credentials."""
    if kind == "unknown":
        return "Bearer dh_" + "x" * 43
    if kind == "basic_scheme":
        return "Basic bmFudG9uZzpzZWNyZXQ="
    if kind == "empty_bearer":
        return "Bearer "
    if kind == "disabled_account":
        user = make.user("claimant", active=False)
    row, secret = issue_token(user, "已停用的对接系统", ["cases:read", "filings:write"])
    if kind == "revoked":
        row.revoked_at = utcnow()
    db.session.commit()
    return f"Bearer {secret}"


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("unknown", "invalid_token"),
        ("revoked", "invalid_token"),
        ("disabled_account", "invalid_token"),
        ("basic_scheme", "invalid_request"),
        ("empty_bearer", "invalid_request"),
    ],
)
@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/cases"), ("post", "/api/v1/filings")])
def test_bad_credentials_get_401_json_with_a_bearer_challenge(client, db, make, two_claimants, kind, error,
                                                              method, path):
    header = _authorization(kind, db, make, two_claimants[0])
    response = getattr(client, method)(path, headers={"Authorization": header},
                                       json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["error"] == error and response.get_json()["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_bad_token_does_not_fall_back_to_the_session(client, auth, two_claimants):
    mine, my_case, _ = two_claimants
    auth.login(mine)
    assert client.get("/api/v1/cases").status_code == 200
    response = client.get(f"/api/v1/filings/{my_case.tracking_no}", headers={"Authorization": "Bearer dh_wrong"})
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"


def test_the_logged_in_session_reads_without_a_token(client, auth, two_claimants):
    mine, my_case, their_case = two_claimants
    auth.login(mine)
    assert client.get(f"/api/v1/filings/{my_case.tracking_no}").status_code == 200
    assert client.get(f"/api/v1/filings/{their_case.tracking_no}").status_code == 404
    items = client.get("/api/v1/cases").get_json()["items"]
    assert [item["tracking_no"] for item in items] == [my_case.tracking_no]


def test_nobody_gets_401_for_lists_and_writes_and_404_for_a_case(client, two_claimants, filing_body):
    _, my_case, _ = two_claimants
    for response in (client.get("/api/v1/cases"), client.post("/api/v1/filings", json=filing_body())):
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    hidden = client.get(f"/api/v1/filings/{my_case.tracking_no}")
    assert hidden.status_code == 404 and my_case.title not in hidden.get_data(as_text=True)


def test_using_a_token_records_when(client, db, bearer, two_claimants):
    mine, _, _ = two_claimants
    headers = bearer(mine, "cases:read")
    token = db.session.query(ApiToken).one()
    assert token.last_used_at is None
    before = utcnow()
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at is not None and token.last_used_at >= before.replace(microsecond=0)


def test_a_session_write_needs_the_csrf_token_and_a_bearer_write_does_not(app, client, auth, bearer, integrator,
                                                                         districts, filing_body):
    app.add_url_rule("/_test/csrf-token", "test_csrf_token", lambda: generate_csrf())
    auth.login(integrator)
    app.config["WTF_CSRF_ENABLED"] = True

    refused = client.post("/api/v1/filings", json=filing_body())
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"

    csrf_token = client.get("/_test/csrf-token").get_data(as_text=True)
    accepted = client.post("/api/v1/filings", json=filing_body(), headers={"X-CSRFToken": csrf_token})
    assert accepted.status_code == 201, accepted.get_json()

    # the session cookie is still sent, but the bearer token decides: no CSRF token needed
    by_token = client.post("/api/v1/filings", json=filing_body(), headers=bearer(integrator, "filings:write"))
    assert by_token.status_code == 201, by_token.get_json()
