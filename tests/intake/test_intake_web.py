"""Filing through the web form: steps, drafts that survive errors, receipt with the access code once."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from dispute_hub.intake.validators import patent_check_digit, uscc_check_character
from dispute_hub.models import Dispute, Evidence
from dispute_hub.reference import load_reference

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def _uscc() -> str:
    first = "91320602MA1N2L3J7"
    return first + uscc_check_character(first)


def _patent() -> str:
    digits = "202130123456"
    return f"ZL{digits}.{patent_check_digit(digits)}"


@pytest.fixture
def ready(db):
    load_reference()
    db.session.commit()


def _form(client) -> dict:
    page = client.get("/file").get_data(as_text=True)
    key = re.search(r'id="idempotency_key" name="idempotency_key" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "idempotency_key": key,
        "claimant-kind": "company",
        "claimant-name": "南通锦绣家纺有限公司",
        "claimant-id_number": _uscc(),
        "claimant-country": "CN",
        "claimant-phone": "0513-85012345",
        "claimant-email": "ip@jinxiu.example.com",
        "respondents-0-kind": "company",
        "respondents-0-name": "义乌市佳美日用品有限公司",
        "respondents-0-online_store": "拼多多“佳美家居”店",
        "ip_right-type": "patent",
        "ip_right-number": _patent(),
        "ip_right-title": "床罩（花开富贵）",
        "description": "被申请人在拼多多店铺销售与申请人外观设计专利相同的床罩，请求停止销售并赔偿损失。",
        "discovered_on": "2026-05-01",
        "district": "崇川区",
        "industry": "home_textile",
        "claim_stop": "y",
        "claim_damages": "50000",
        "preferred_channel": "",
        "consent_online": "y",
    }


def test_the_form_is_in_steps_and_chinese_first(client, ready):
    page = client.get("/file").get_data(as_text=True)
    assert client.get("/file").status_code == 200
    for step in ("step-claimant", "step-respondents", "step-right", "step-facts", "step-channel", "step-evidence"):
        assert f'id="{step}"' in page
    assert "提交纠纷申请" in page and "崇川区" in page


def test_a_company_files_with_two_evidence_files_and_sees_its_code_once(client, db, ready):
    data = _form(client)
    data["evidence"] = [(io.BytesIO(PDF), "购买公证书.pdf"), (io.BytesIO(PNG), "商品截图.png")]
    response = client.post("/file", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/file/done")
    receipt = client.get("/file/done").get_data(as_text=True)
    number = re.search(r'id="tracking-no">([^<]+)<', receipt).group(1)
    code = re.search(r'id="access-code">([^<]+)<', receipt).group(1)
    assert re.fullmatch(r"NTIP-\d{4}-\d{6}", number) and re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    again = client.get("/file/done")
    assert again.status_code == 302  # the code is not shown a second time
    case = db.session.execute(sa.select(Dispute).where(Dispute.tracking_no == number)).scalar_one()
    files = db.session.execute(sa.select(Evidence).where(Evidence.dispute_id == case.id)).scalars().all()
    assert sorted(f.content_type for f in files) == ["application/pdf", "image/png"]
    assert code not in (case.access_code_hash or "")
    # the same browser follows the case right away
    assert client.get(f"/track/{number}").status_code == 200


def test_a_failed_validation_keeps_typed_values_and_uploads(client, db, ready):
    data = _form(client)
    data["claimant-id_number"] = _uscc()[:-1] + ("0" if _uscc()[-1] != "0" else "1")
    data["evidence"] = [(io.BytesIO(PDF), "公证书.pdf")]
    response = client.post("/file", data=data, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "统一社会信用代码" in body and "校验" in body
    assert "南通锦绣家纺有限公司" in body and "被申请人在拼多多店铺销售" in body
    assert "公证书.pdf" in body  # the upload was kept as a draft
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0
    data["claimant-id_number"] = _uscc()
    data.pop("evidence")
    fixed = client.post("/file", data=data, content_type="multipart/form-data")
    assert fixed.status_code == 302
    case = db.session.execute(sa.select(Dispute)).scalar_one()
    assert [e.original_filename for e in case.evidence] == ["公证书.pdf"]


def test_html_renamed_pdf_is_refused_and_the_rest_is_kept(client, db, ready):
    data = _form(client)
    data["evidence"] = [(io.BytesIO(b"<html><script>alert(1)</script></html>"), "证据.pdf")]
    response = client.post("/file", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "证据.pdf" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0


def test_double_submit_creates_one_case(client, db, ready):
    data = _form(client)
    first = client.post("/file", data=dict(data))
    assert first.status_code == 302
    second = client.post("/file", data=dict(data))
    assert second.status_code in (302, 400)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 1


def test_add_respondent_keeps_everything(client, ready):
    data = _form(client)
    data["add_respondent"] = "y"
    page = client.post("/file", data=data).get_data(as_text=True)
    assert 'name="respondents-1-name"' in page and "义乌市佳美日用品有限公司" in page


def test_english_form_for_foreign_rights_holders(client, db, ready):
    client.get("/lang/en")
    data = _form(client)
    data.update(
        {
            "claimant-name": "Nordlicht Textiles GmbH",
            "claimant-country": "DE",
            "claimant-id_number": "HRB 12345",
            "claimant-phone": "+49 30 1234567",
            "ip_right-type": "trademark",
            "ip_right-number": "12345678",
            "description": "The respondent sells bedding bearing our registered NORDLICHT mark on Taobao.",
        }
    )
    page = client.get("/file").get_data(as_text=True)
    assert "File an IP complaint" in page
    response = client.post("/file", data=data)
    assert response.status_code == 302
    case = db.session.execute(sa.select(Dispute)).scalar_one()
    assert case.language == "en" and case.ip_type == "trademark"


def test_the_routing_preview_shows_where_the_case_would_go_and_saves_nothing(client, db, ready):
    data = _form(client)
    data.update({"district": "通州区", "industry": "home_textile", "preview": "y"})
    response = client.post("/file", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="routing-preview"' in page
    assert "行业调解" in page and "中国南通（家纺）知识产权快速维权中心" in page
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0
    assert "南通锦绣家纺有限公司" in page  # the form keeps what was typed


def test_the_preview_needs_only_the_facts(client, db, ready):
    data = {"idempotency_key": _form(client)["idempotency_key"], "description": "对方在淘宝盗用我拍摄的商品照片。",
            "preview": "y", "claim_stop": "y"}
    page = client.post("/file", data=data).get_data(as_text=True)
    assert 'id="routing-preview"' in page and "著作权" in page
