"""The OpenAPI document: valid 3.1, complete (every /api/v1 route), and true to what the API answers."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from dispute_hub.api.openapi import ENUMS
from dispute_hub.intake.schema import parse_filing
from dispute_hub.intake.services import district_lookup

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
FILING_SCHEMAS = ("FilingRequest", "Party", "Respondent", "IpRight", "Claims", "ExistingProceedings")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def document(client) -> dict:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX + "/")]


def _doc_path(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])


def _validator(document: dict, name: str) -> Draft202012Validator:
    """A JSON Schema validator for one component schema, its $refs resolved inside the document."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def _assert_matches(document: dict, name: str, instance: object) -> None:
    errors = sorted(_validator(document, name).iter_errors(instance), key=str)
    assert not errors, f"{name}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_and_method_is_described(app, document):
    described = {path: {m.upper() for m in item if m in ("get", "post", "put", "patch", "delete")}
                 for path, item in document["paths"].items()}
    routed: dict[str, set[str]] = {}
    for rule in _api_rules(app):
        routed.setdefault(_doc_path(rule), set()).update(rule.methods - IGNORED_METHODS)
    assert routed, "no /api/v1 routes found"
    assert described == routed


def test_each_operation_names_the_scope_its_view_requires(app, document):
    for rule in _api_rules(app):
        scope = getattr(app.view_functions[rule.endpoint], "required_scope", None)
        for method in rule.methods - IGNORED_METHODS:
            security = document["paths"][_doc_path(rule)][method.lower()]["security"]
            if scope is None:
                assert security == [], f"{rule.rule} has no scope but the document asks for credentials"
            else:
                assert {"bearerAuth": [scope]} in security, f"{method} {rule.rule} needs {scope}"


def test_code_lists_come_from_the_code(document):
    for name, (values, _labels) in ENUMS.items():
        assert document["components"]["schemas"][name]["enum"] == list(values)
    assert "- `patent`: 专利 / Patent" in document["components"]["schemas"]["IpType"]["description"]


def _resolve(document: dict, ref: str) -> dict:
    node = document
    for step in ref.removeprefix("#/").split("/"):
        node = node[step]
    return node


def _description(document: dict, prop: dict) -> str:
    """A property's own description, else that of the schema it references."""
    if "description" in prop:
        return prop["description"]
    ref = prop.get("$ref") or prop["anyOf"][0]["$ref"]
    return _description(document, _resolve(document, ref))


def test_filing_fields_are_described_in_english_and_chinese(document):
    for name in FILING_SCHEMAS:
        for field, prop in document["components"]["schemas"][name]["properties"].items():
            text = _description(document, prop)
            assert CJK.search(text) and LATIN_WORD.search(text), f"{name}.{field}: {text!r}"


def test_the_request_example_is_valid_for_the_schema_and_for_parse_filing(db, districts, document):
    content = document["paths"]["/filings"]["post"]["requestBody"]["content"]["application/json"]
    for example in content["examples"].values():
        _assert_matches(document, "FilingRequest", example["value"])
        parse_filing(example["value"], districts=district_lookup())


def test_answers_match_their_schemas(client, db, make, districts, integrator, bearer, document):
    headers = bearer(integrator, "filings:write", "filings:read", "cases:read")
    example = document["paths"]["/filings"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    body = next(iter(example.values()))["value"]

    created = client.post(f"{PREFIX}/filings", json=body, headers={**headers, "Idempotency-Key": "doc-1"})
    repeated = client.post(f"{PREFIX}/filings", json=body, headers={**headers, "Idempotency-Key": "doc-1"})
    assert (created.status_code, repeated.status_code) == (201, 200)
    _assert_matches(document, "FilingReceipt", created.get_json())
    _assert_matches(document, "FilingReceipt", repeated.get_json())

    tracking_no = created.get_json()["tracking_no"]
    _assert_matches(document, "FilingStatus", client.get(f"{PREFIX}/filings/{tracking_no}", headers=headers).get_json())
    _assert_matches(document, "CaseList", client.get(f"{PREFIX}/cases", headers=headers).get_json())
    _assert_matches(document, "CaseDetail", client.get(f"{PREFIX}/cases/{tracking_no}", headers=headers).get_json())

    not_a_list = {**body, "respondents": "义乌市佳美日用品有限公司"}
    invalid = client.post(f"{PREFIX}/filings", json=not_a_list, headers=headers)
    assert invalid.status_code == 422
    _assert_matches(document, "ValidationErrors", invalid.get_json())
    for refused in (client.get(f"{PREFIX}/cases"), client.get(f"{PREFIX}/filings/NTIP-2026-999999", headers=headers),
                    client.get(f"{PREFIX}/cases", headers=bearer(integrator, "triage"))):
        _assert_matches(document, "Error", refused.get_json())
