"""POST /api/v1/filings and GET /api/v1/filings/<tracking_no>."""

from __future__ import annotations

import copy
import json
import threading

import pytest
import sqlalchemy as sa

from dispute_hub.intake.services import check_access_code
from dispute_hub.intake.validators import uscc_check_character
from dispute_hub.intake.validators.identity import USCC_ALPHABET
from dispute_hub.models import CaseEvent, Dispute, TrackingCounter

URL = "/api/v1/filings"


@pytest.fixture
def headers(integrator, bearer) -> dict:
    return bearer(integrator, "filings:write", "filings:read")


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


def _wrong_uscc(first17: str) -> str:
    right = uscc_check_character(first17)
    return first17 + next(c for c in USCC_ALPHABET if c != right)


def _case(db, tracking_no: str) -> Dispute:
    return db.session.execute(sa.select(Dispute).where(Dispute.tracking_no == tracking_no)).scalar_one()


def test_a_first_filing_answers_201_with_location_and_a_working_access_code(client, db, districts, integrator,
                                                                           headers, filing_body):
    response = client.post(URL, json=filing_body(), headers={**headers, "Idempotency-Key": "order-2026-0501-001"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"tracking_no", "access_code", "created", "status", "flags"}
    assert body["created"] is True and body["status"] == "submitted" and body["flags"] == []
    assert response.headers["Location"] == f"/api/v1/filings/{body['tracking_no']}"

    dispute = _case(db, body["tracking_no"])
    assert check_access_code(dispute, body["access_code"])
    assert not check_access_code(dispute, "AAAA-AAAA")
    assert dispute.claimant_user_id == integrator.id
    assert dispute.idempotency_key == f"api:{integrator.id}:order-2026-0501-001"
    event = db.session.execute(
        sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id, CaseEvent.kind == "submitted")
    ).scalar_one()
    assert event.data["source"] == "api" and "叠石桥家纺城电商平台知识产权保护系统" in event.actor_label

    followed = client.get(response.headers["Location"], headers=headers)
    assert followed.status_code == 200
    status = followed.get_json()
    # routed right after commit (inline in the embedded mode): screening in the chosen organisation
    assert status["tracking_no"] == body["tracking_no"] and status["status"] == "screening"
    assert status["channel"] == "industry_mediation"
    assert status["organization"]["code"] == "nt-hometextile-center"
    assert [(e["kind"], e["from"], e["to"]) for e in status["timeline"]] == [
        ("submitted", None, "submitted"), ("classified", None, None), ("routed", None, None),
        ("transition", "submitted", "screening"), ("assignment", None, None)]
    assert all(set(e) == {"at", "kind", "from", "to"} for e in status["timeline"])
    assert "actor" not in followed.get_data(as_text=True)


def test_a_repeat_with_the_same_key_returns_the_first_filing_without_a_code(client, db, districts, headers,
                                                                            filing_body):
    keyed = {**headers, "Idempotency-Key": "5d0c6a64-1b0e-4a4e-8f43-0d6c1f7e2b90"}
    first = client.post(URL, json=filing_body(), headers=keyed)
    again = client.post(URL, json=filing_body(), headers=keyed)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json() == {"tracking_no": first.get_json()["tracking_no"], "created": False,
                                "status": "screening", "flags": []}
    assert "Location" not in again.headers
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 1


def test_keys_are_private_to_each_account(client, db, make, districts, headers, bearer, filing_body):
    other = bearer(make.user("claimant", name="南通市通州区川姜家纺有限公司"), "filings:write")
    mine = client.post(URL, json=filing_body(), headers={**headers, "Idempotency-Key": "1"})
    theirs = client.post(URL, json=filing_body(), headers={**other, "Idempotency-Key": "1"})
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["tracking_no"] != theirs.get_json()["tracking_no"]


def _with_claimant_id(body: dict, value: str) -> dict:
    body["claimant"]["id_number"] = value
    return body


def _with_second_respondent(body: dict, id_number: str) -> dict:
    body["respondents"].append({"kind": "company", "name": "南通市崇川区小石桥床品商行", "id_number": id_number})
    return body


BAD_INPUTS = [
    ("bad USCC check character", lambda b: _with_claimant_id(b, _wrong_uscc("91320602MA1N2L3J7")),
     "claimant.id_number", "bad_check_digit"),
    ("bad patent check digit", lambda b: b["ip_right"].update(number="ZL202110123456.3") or b,
     "ip_right.number", "bad_check_digit"),
    ("patent number too short", lambda b: b["ip_right"].update(number="ZL20211012345.6") or b,
     "ip_right.number", "wrong_length"),
    ("missing description", lambda b: b.pop("description") and b, "description", "required"),
    ("unknown district", lambda b: b.update(district="苏州工业园区") or b, "district", "unknown_choice"),
    ("respondents not a list", lambda b: b.update(respondents={"name": "义乌市佳美日用品有限公司"}) or b,
     "respondents", "bad_type"),
    ("second respondent's code", lambda b: _with_second_respondent(b, _wrong_uscc("91320602MA1XK8PT6")),
     "respondents[1].id_number", "bad_check_digit"),
    ("body not an object", lambda b: [b], "", "bad_type"),
]


@pytest.mark.parametrize(("change", "field", "code"), [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_422_with_the_field_path(client, db, districts, headers, filing_body, change, field, code):
    response = client.post(URL, json=change(filing_body()), headers=headers)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "invalid_filing" and body["language"] == "zh"
    problems = {(e["field"], e["code"]) for e in body["errors"]}
    assert (field, code) in problems
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message_zh", "message_en", "message"}
        assert error["message"] == error["message_zh"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0


@pytest.mark.parametrize(
    ("language", "accept_language", "expected"),
    [("en", None, "en"), ("en", "zh-CN,zh;q=0.9", "en"), ("zh", "en-GB", "zh"), (None, "en-US,en;q=0.8", "en"),
     (None, None, "zh"), ("fr", "en", "en")],
)
def test_error_messages_follow_the_filing_language_then_accept_language(client, districts, headers, filing_body,
                                                                        language, accept_language, expected):
    body = filing_body(language=language, district="苏州工业园区")
    extra = {"Accept-Language": accept_language} if accept_language else {}
    response = client.post(URL, json=body, headers={**headers, **extra})
    assert response.status_code == 422
    result = response.get_json()
    assert result["language"] == expected
    district = next(e for e in result["errors"] if e["field"] == "district")
    assert district["message"] == district[f"message_{expected}"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(json.dumps({"description": "侵权"}), "text/plain"), ("description=侵权", "application/x-www-form-urlencoded")],
)
def test_anything_but_json_is_415(client, headers, data, content_type):
    response = client.post(URL, data=data.encode(), content_type=content_type, headers=headers)
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("data", "hint"),
    [('{"description": "被申请人销售侵权床品",', "line 1, column"), ('{"claims": {"damages": NaN}}', "NaN"),
     (b'{"description": "\xc3\x28"}', "can't decode"), ("", "line 1, column 1")],
)
def test_malformed_json_is_400_with_a_clear_message(client, headers, data, hint):
    response = client.post(URL, data=data, content_type="application/json", headers=headers)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "malformed_json" and hint in body["message"]


@pytest.mark.parametrize("key", ["", "x" * 81, "order 2026 0501"])
def test_a_malformed_idempotency_key_is_400(client, districts, headers, filing_body, key):
    response = client.post(URL, json=filing_body(), headers={**headers, "Idempotency-Key": key})
    assert response.status_code == 400 and response.get_json()["error"] == "bad_idempotency_key"


def test_a_body_over_one_mebibyte_is_413(client, headers, filing_body):
    body = filing_body(description="侵" * 400_000)
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 413 and response.is_json


def test_a_filing_is_visible_to_its_filer_and_404_to_anyone_else(client, db, make, districts, headers, bearer,
                                                                filing_body):
    filed = client.post(URL, json=filing_body(), headers=headers).get_json()["tracking_no"]
    other_claimant = make.user("claimant", name="如皋市花木盆景有限公司")
    theirs = make.dispute(claimant=other_claimant, title="如皋市花木盆景有限公司与沭阳县苗木合作社植物新品种纠纷")
    db.session.commit()

    assert client.get(f"{URL}/{filed}", headers=headers).status_code == 200
    hidden = client.get(f"{URL}/{theirs.tracking_no}", headers=headers)
    missing = client.get(f"{URL}/NTIP-2026-999999", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    for text in (theirs.title, theirs.parties[0].name, theirs.parties[1].name, "如皋"):
        assert text not in hidden.get_data(as_text=True)
    stranger = bearer(other_claimant, "filings:read")
    assert client.get(f"{URL}/{filed}", headers=stranger).status_code == 404


def test_duplicate_flags_name_only_cases_the_filer_may_open(client, make, districts, headers, bearer, filing_body):
    rival = bearer(make.user("claimant", name="另一家代理机构"), "filings:write", "filings:read")
    theirs = client.post(URL, json=filing_body(), headers=rival).get_json()["tracking_no"]

    first = client.post(URL, json=filing_body(), headers=headers)
    assert [f["code"] for f in first.get_json()["flags"]] == ["possible_duplicate"]
    assert "tracking_no" not in first.get_json()["flags"][0]
    assert theirs not in first.get_data(as_text=True)

    second = client.post(URL, json=filing_body(), headers=headers).get_json()
    named = {f.get("tracking_no") for f in second["flags"]}
    assert first.get_json()["tracking_no"] in named and theirs not in named
    status = client.get(f"{URL}/{second['tracking_no']}", headers=headers)
    assert theirs not in status.get_data(as_text=True)


def test_staff_only_flags_never_reach_the_filer(client, db, districts, headers, filing_body):
    filed = client.post(URL, json=filing_body(), headers=headers).get_json()["tracking_no"]
    dispute = db.session.execute(sa.select(Dispute).where(Dispute.tracking_no == filed)).scalar_one()
    dispute.flags = [*dispute.flags, {"code": "possible_repeat_infringer", "staff_only": True,
                                      "zh": "被申请人此前有 3 件不利结果", "en": "3 earlier adverse outcomes"}]
    db.session.commit()
    status = client.get(f"{URL}/{filed}", headers=headers)
    assert status.status_code == 200
    assert "possible_repeat_infringer" not in status.get_data(as_text=True)
    assert "不利结果" not in status.get_data(as_text=True)


def test_a_filing_with_a_foreign_claimant_and_a_trademark(client, districts, headers, filing_body):
    body = filing_body(
        claimant={"kind": "company", "name": "Nordic Linen AB", "id_number": "556677-8899", "country": "SE",
                  "email": "legal@nordiclinen.example.com"},
        ip_right={"type": "trademark", "number": "第12345678号", "title": "NORDIC LINEN"},
        respondents=[{"kind": "company", "name": "南通市海门区三星镇锦华床品经营部",
                      "id_number": _uscc("92320684MA1Q2R3T4")}],
        language="en",
    )
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_requests_racing_with_one_key_make_one_case(app, db, districts, headers, filing_body, monkeypatch):
    from dispute_hub.intake import services

    barrier = threading.Barrier(2, timeout=30)
    real_lookup = services.find_by_idempotency_key

    def look_then_wait(key):
        found = real_lookup(key)
        barrier.wait()  # both requests have looked and found nothing before either writes
        return found

    monkeypatch.setattr(services, "find_by_idempotency_key", look_then_wait)
    responses = []

    def post() -> None:
        with app.app_context():
            responses.append(app.test_client().post(
                URL, json=copy.deepcopy(filing_body()), headers={**headers, "Idempotency-Key": "race-2026-05-01"}
            ))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(responses) == 2, "a request failed in its thread"
    assert sorted(r.status_code for r in responses) == [200, 201], [r.get_json() for r in responses]
    assert len({r.get_json()["tracking_no"] for r in responses}) == 1
    assert [("access_code" in r.get_json()) for r in sorted(responses, key=lambda r: r.status_code)] == [False, True]
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 1
    # the losing request's tracking number was rolled back with it: numbers stay gap-free
    assert db.session.execute(sa.select(TrackingCounter.last_value)).scalar_one() == 1
