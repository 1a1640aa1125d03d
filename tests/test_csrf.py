"""CSRF on every form, generated from the URL map: a POST without the session's token is refused with 400
before the view runs, and saves nothing; the same POST with the token reaches the view."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support import access
from tests.test_access_matrix import DATABASES, POLICY

EXPIRED = "表单已过期或来自其他网站"  # the CSRF refusal page, in the default Chinese


@pytest.fixture(scope="module", params=DATABASES)
def csrf_world(request, tmp_path_factory):
    yield from access.serve_world(request, tmp_path_factory, WTF_CSRF_ENABLED=True)


def _visitor(endpoint: str, policy, case: str | None) -> str:
    """Who sends the POST: anonymous where anyone may (a forged login or filing), else the first visitor the
    matrix allows; the API checks the token only for a logged-in session, so there a logged-in visitor."""
    allowed = [who for who in access.VISITORS if policy.expect(who, case) == access.ALLOW]
    if endpoint.startswith("api."):
        allowed = [who for who in allowed if access.ROLE[who] is not None]
    return "anonymous" if "anonymous" in allowed and not endpoint.startswith("api.") else allowed[0]


def _posts(app, world) -> dict[str, list]:
    """visitor -> [(endpoint, url, policy)] for every endpoint that accepts POST."""
    from flask import url_for

    posts: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        policy = POLICY[rule.endpoint]
        case = "A" if policy.case_scoped else None
        values = {k: v for k, v in {**world.values(case), **policy.values}.items() if k in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values, **policy.query)
        posts.setdefault(_visitor(rule.endpoint, policy, case), []).append((rule.endpoint, url, policy))
    return posts


def _post(client, endpoint: str, url: str, policy, token: str | None):
    if policy.json is not None or endpoint.startswith("api."):
        headers = {"X-CSRFToken": token} if token else {}
        return client.post(url, json=policy.json if policy.json is not None else {}, headers=headers, buffered=True)
    return client.post(url, data={**policy.data, **({"csrf_token": token} if token else {})}, buffered=True)


def _refused_as_csrf(endpoint: str, response) -> bool:
    if response.status_code != 400:
        return False
    if endpoint.startswith("api."):
        return (response.get_json(silent=True) or {}).get("error") == "csrf"
    return EXPIRED in response.get_data(as_text=True)


def _csrf_entries(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM audit_log WHERE kind = 'csrf_refused'")).scalar()


def test_every_post_without_the_token_is_refused_and_saves_nothing(csrf_world):
    from dispute_hub.extensions import db, limiter

    app, world = csrf_world
    problems, tried = [], 0
    for who, posts in _posts(app, world).items():
        limiter.reset()
        client = app.test_client()
        access.unlock(client, world, who)
        for endpoint, url, policy in posts:
            tried += 1
            before, entries = access.snapshot(db.engine), _csrf_entries(db.engine)
            refused = _post(client, endpoint, url, policy, None)
            if not _refused_as_csrf(endpoint, refused):
                problems.append(f"{who} POST {endpoint} without the token: {refused.status_code}, not the CSRF refusal")
            if access.snapshot(db.engine) != before:
                problems.append(f"{who} POST {endpoint} without the token changed the database")
            if _csrf_entries(db.engine) != entries + 1:
                problems.append(f"{who} POST {endpoint} without the token: no csrf_refused audit entry")
            token = access.csrf_token(client, "/" if access.ROLE[who] else "/login")
            accepted = _post(client, endpoint, url, policy, token)
            if _refused_as_csrf(endpoint, accepted) or access.outcome(accepted) != access.ALLOW:
                problems.append(f"{who} POST {endpoint} with the token: {accepted.status_code}, view not reached")
            if policy.ends_session:
                access.unlock(client, world, who)
    assert tried >= 30  # every form of the platform; fewer means the URL map lost its POST routes
    assert not problems, "\n".join(problems)


def test_a_complete_filing_without_the_token_files_nothing_and_stores_no_upload(app, db, client):
    import io
    from pathlib import Path

    from dispute_hub.models import Dispute
    from dispute_hub.reference import load_reference
    from tests.intake.test_intake_web import PDF, _form

    load_reference()
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    token = access.csrf_token(client, "/file")
    data = _form(client)  # the session's CSRF token stays the same for its life
    refused = client.post("/file", data={**data, "evidence": [(io.BytesIO(PDF), "公证书.pdf")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and EXPIRED in refused.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0
    uploads = Path(app.config["UPLOAD_DIR"])
    assert [p for p in uploads.rglob("*") if p.is_file()] == []
    filed = client.post("/file", data={**data, "csrf_token": token}, content_type="multipart/form-data")
    assert filed.status_code == 302
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 1
