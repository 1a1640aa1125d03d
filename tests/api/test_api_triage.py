"""POST /api/v1/triage: where a filing would go, for anonymous visitors, session users and tokens; writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from dispute_hub.api.triage import RATE_LIMIT
from dispute_hub.extensions import limiter
from dispute_hub.models import CaseEvent, Dispute, IPRight, Party
from dispute_hub.routing.vocab import NATURES, OUTCOMES, PATENT_KINDS, SIGNALS
from tests.support.filings import patent

URL = "/api/v1/triage"
DESIGN_BEDSPREAD = {
    "description": "申请人系名称为“床罩（提花）”的外观设计专利的专利权人，"
                   "发现被申请人在拼多多店铺销售与该外观设计近似的床罩，请求停止销售并赔偿损失。",
    "ip_right": {"type": "patent", "number": patent("202130456781"), "title": "床罩（提花）"},
    "industry": "home_textile",
}
LOAN = {"description": "被申请人于去年向我借款五万元，约定三个月内归还，到期后一直拖欠不还，"
                       "请求归还借款本金及利息。"}
TRADEMARK = "被申请人未经许可，在其网店销售的服装上使用与申请人注册商标近似的标识，构成商标侵权，请求停止侵权。"
LIMIT = int(RATE_LIMIT.split()[0])


@pytest.fixture
def token(integrator, bearer) -> dict:
    return bearer(integrator, "triage")


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _assert_schema(document: dict, name: str, instance: object) -> None:
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": document["components"]})
    errors = sorted(validator.iter_errors(instance), key=str)
    assert not errors, "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def _count(db, model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_design_patent_in_home_textiles_goes_to_the_home_textile_centre(client, districts, token, document):
    response = client.post(URL, json=DESIGN_BEDSPREAD, headers=token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"classification", "decision", "summary"}
    c, d, summary = body["classification"], body["decision"], body["summary"]
    assert (c["is_ip"], c["ip_type"], c["patent_kind"], c["cause_name"]) == (True, "patent", "design",
                                                                            "侵害外观设计专利权纠纷")
    assert d["rule_id"] == "home-textile-center" and d["rules_version"]
    assert [t["rule_id"] for t in d["considered"] if t["chosen"]] == ["home-textile-center"]
    assert summary["outcome"] == "route" and summary["channel"] == "industry_mediation"
    assert summary["organization"] == {"code": "nt-hometextile-center",
                                       "name_zh": "中国南通（家纺）知识产权快速维权中心",
                                       "name_en": "China Nantong (Home Textile) IP Rapid Protection Center"}
    assert summary["reason_zh"].startswith("家纺行业纠纷由家纺知识产权快速维权中心行业调解")
    assert summary["reason_zh"].endswith("（行业为家纺，属于：家纺）")
    assert "home-textile" in summary["reason_en"].lower()
    _assert_schema(document, "TriageResult", body)


def test_a_loan_dispute_is_not_ip_and_goes_to_screening(client, districts, document):
    response = client.post(URL, json=LOAN)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["classification"]["is_ip"] is False and body["classification"]["ip_type"] is None
    assert body["decision"]["rule_id"] == "not-ip-screening"
    assert body["summary"] == {"outcome": "screening", "channel": None, "organization": None,
                               "reason_zh": body["summary"]["reason_zh"], "reason_en": body["summary"]["reason_en"]}
    assert "未识别为知识产权纠纷" in body["summary"]["reason_zh"]
    assert "not recognised as an IP dispute" in body["summary"]["reason_en"]
    _assert_schema(document, "TriageResult", body)


def test_administrative_adjudication_is_honoured_for_patent_infringement(client, districts, token, filing_body):
    body = filing_body(preferred_channel="administrative_adjudication")  # invention patent, home textiles
    response = client.post(URL, json=body, headers=token)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["decision"]["preference"]["status"] == "honoured"
    assert result["decision"]["rule_id"] == "patent-administrative-adjudication"
    assert result["summary"]["channel"] == "administrative_adjudication"
    assert result["summary"]["organization"]["code"] == "nt-amr"
    assert result["summary"]["organization"]["name_zh"] == "南通市市场监督管理局（知识产权局）"
    assert "invalidation_suspends" in {w["code"] for w in result["decision"]["warnings"]}


def test_administrative_adjudication_of_a_trademark_is_explained_as_not_eligible(client, districts, token):
    body = {"description": TRADEMARK, "preferred_channel": "administrative_adjudication"}
    result = client.post(URL, json=body, headers=token).get_json()
    assert result["classification"]["ip_type"] == "trademark"
    preference = result["decision"]["preference"]
    assert preference["requested"] == "administrative_adjudication" and preference["status"] == "not_eligible"
    assert "商标" in preference["zh"] and "trademark" in preference["en"]
    assert result["summary"]["channel"] != "administrative_adjudication"
    assert result["summary"]["channel"] == "people_mediation"


def test_only_the_description_is_required_and_fields_are_checked_like_a_filing(client, districts, token):
    missing = client.post(URL, json={"industry": "home_textile"}, headers=token)
    assert missing.status_code == 422
    errors = missing.get_json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("description", "required")]
    bad = client.post(URL, json={"description": TRADEMARK, "ip_right": {"type": "patent", "number": "ZL202110123456.0"},
                                 "respondents": [{"name": ""}], "language": "en"}, headers=token)
    assert bad.status_code == 422
    body = bad.get_json()
    assert body["language"] == "en"
    assert {e["field"] for e in body["errors"]} == {"ip_right.number", "respondents[0].name"}
    assert client.post(URL, data="description=x", headers=token).status_code == 415
    malformed = client.post(URL, data='{"description": ', headers={**token, "Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.get_json()["error"] == "malformed_json"


def test_a_token_needs_the_triage_scope(client, districts, integrator, bearer):
    response = client.post(URL, json=LOAN, headers=bearer(integrator, "filings:write", "filings:read"))
    assert response.status_code == 403
    assert response.get_json()["required_scope"] == "triage"
    unknown = client.post(URL, json=LOAN, headers={"Authorization": "Bearer dh_not-a-token"})
    assert unknown.status_code == 401 and unknown.get_json()["error"] == "invalid_token"


def test_a_logged_in_user_may_triage(client, db, districts, make, auth):
    user = make.user("claimant")
    db.session.commit()
    auth.login(user)
    response = client.post(URL, json=LOAN)
    assert response.status_code == 200
    assert "X-RateLimit-Limit" in response.headers  # sessions are limited like anonymous visitors


def test_anonymous_visitors_are_rate_limited_and_tokens_are_not(client, districts, token):
    limiter.reset()
    body = {"description": TRADEMARK}
    for i in range(LIMIT):
        response = client.post(URL, json=body)
        assert response.status_code == 200, (i, response.get_json())
    assert response.headers["X-RateLimit-Remaining"] == "0"
    refused = client.post(URL, json=body)
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "too_many_requests" and "Retry-After" in refused.headers
    with_token = client.post(URL, json=body, headers=token)
    assert with_token.status_code == 200
    assert "X-RateLimit-Limit" not in with_token.headers


def test_triage_writes_nothing(client, db, districts, token, filing_body):
    models = (Dispute, Party, IPRight, CaseEvent)
    before = [_count(db, m) for m in models]
    for headers in (token, {}):
        for body in (filing_body(), DESIGN_BEDSPREAD, LOAN, {"description": TRADEMARK}):
            assert client.post(URL, json=body, headers=headers).status_code == 200
    db.session.expire_all()
    assert [_count(db, m) for m in models] == before == [0, 0, 0, 0]


def test_documented_code_lists_match_the_routing_vocabulary(document):
    schemas = document["components"]["schemas"]
    assert schemas["Decision"]["properties"]["outcome"]["enum"] == list(OUTCOMES)
    assert schemas["Classification"]["properties"]["nature"]["enum"] == [*NATURES, None]
    assert schemas["Classification"]["properties"]["patent_kind"]["enum"] == [*PATENT_KINDS, None]
    assert schemas["Classification"]["properties"]["signals"]["items"]["enum"] == list(SIGNALS)
    operation = document["paths"]["/triage"]["post"]
    assert {} in operation["security"] and {"bearerAuth": ["triage"]} in operation["security"]
    assert set(operation["responses"]) >= {"200", "401", "403", "415", "422", "429"}


def test_the_documented_examples_triage_as_shown(client, districts, token, document):
    operation = document["paths"]["/triage"]["post"]
    for example in operation["requestBody"]["content"]["application/json"]["examples"].values():
        _assert_schema(document, "TriageRequest", example["value"])
        assert client.post(URL, json=example["value"], headers=token).status_code == 200
    shown = operation["responses"]["200"]["content"]["application/json"]["example"]
    _assert_schema(document, "TriageResult", shown)
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    answer = client.post(URL, json=examples["design_patent_home_textile"]["value"], headers=token).get_json()
    assert answer["summary"] == shown["summary"]
