"""GET /api/v1/stats and `flask stats --json`: one JSON shape (checked against the OpenAPI schema), one answer."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from dispute_hub.models import issue_token

URL = "/api/v1/stats?from=2025-03-01&to=2025-03-31&as_of=2025-04-22"


@pytest.fixture
def schema(client) -> Draft202012Validator:
    document = client.get("/api/v1/openapi.json").get_json()
    return Draft202012Validator({"$ref": "#/components/schemas/StatsReport", "components": document["components"]})


def _valid(schema, body) -> None:
    errors = sorted(schema.iter_errors(body), key=str)
    assert not errors, "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def _token(db, user, *scopes) -> dict:
    _row, secret = issue_token(user, "法院统计系统", list(scopes))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("by", [None, "channel", "organization", "district", "ip_type", "cause", "month"])
def test_api_and_cli_give_the_same_json_valid_for_the_schema(app, db, client, world, schema, by):
    headers = _token(db, world["users"]["liaison"], "cases:read")
    response = client.get(URL + (f"&by={by}" if by else ""), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    _valid(schema, body)
    args = ["stats", "--from", "2025-03-01", "--to", "2025-03-31", "--as-of", "2025-04-22", "--json"]
    result = app.test_cli_runner().invoke(args=args + (["--by", by] if by else []))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == body
    assert body["totals"]["closed"] == 5 and (by is None) == (body["groups"] == [])


def test_the_schema_refuses_a_wrong_shape(schema):
    bad = {"from": "2025-03-01", "to": "2025-03-31", "as_of": "2025-04-22", "groups": [],
           "totals": {"closure_rate": 1.5}}
    assert list(schema.iter_errors(bad))


def test_org_admin_gets_their_organisation_only_and_others_403(db, client, world):
    users = world["users"]
    mine = client.get(URL + "&by=organization", headers=_token(db, users["org_admin_b"], "cases:read")).get_json()
    assert [g["key"] for g in mine["groups"]] == ["org-b"] and mine["totals"]["closed"] == 2
    for who in ("mediator", "claimant"):
        refused = client.get(URL, headers=_token(db, users[who], "cases:read"))
        assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    assert client.get(URL, headers=_token(db, users["liaison"], "triage")).status_code == 403
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(("query", "field"), [
    ("from=2025-13-01", "from"), ("from=2025-04-01&to=2025-03-01", "from"), ("by=colour", "by"),
    ("as_of=yesterday", "as_of"), ("from=1990-01-01&to=2025-01-01", "from"),
])
def test_bad_parameters_answer_422_with_the_field(db, client, world, query, field):
    response = client.get(f"/api/v1/stats?{query}", headers=_token(db, world["users"]["admin"], "cases:read"))
    assert response.status_code == 422 and response.get_json()["field"] == field


def test_cli_refuses_a_bad_date_and_prints_a_table_without_json(app, world):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["stats", "--from", "2025-02-30"])
    assert bad.exit_code == 2 and "--from" in bad.stderr
    table = runner.invoke(args=["stats", "--from", "2025-03-01", "--to", "2025-03-31", "--as-of", "2025-04-22"])
    assert table.exit_code == 0 and "closure_rate" in table.stdout and "0.7143" in table.stdout
