"""The claimant portal: access rules, answers, more evidence, withdrawal, rating."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from dispute_hub.intake.schema import parse_filing
from dispute_hub.intake.services import district_lookup, submit_filing
from dispute_hub.mediation.workflow import perform
from dispute_hub.models import CaseEvent, Dispute, verify_chain
from dispute_hub.reference import load_reference

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def filed(db):
    load_reference()
    db.session.commit()
    body = {
        "description": "被申请人在展会上展出侵犯我方实用新型专利的纺织机械导纱器。",
        "claimant": {"kind": "company", "name": "如皋恒通机械制造有限公司", "email": "ip@hengtong.example.com"},
        "respondents": [{"kind": "company", "name": "南通睿达智能科技有限公司"}],
        "ip_right": {"type": "patent"},
        "district": "如皋市",
    }
    receipt = submit_filing(parse_filing(body, districts=district_lookup()))
    other = submit_filing(
        parse_filing(
            {**body, "description": "另一起无关的商标纠纷，被申请人使用近似商标。"}, districts=district_lookup()
        )
    )
    db.session.commit()
    return receipt, other


def _unlock(client, receipt):
    return client.post("/track", data={"tracking_no": receipt.dispute.tracking_no, "access_code": receipt.access_code})


def test_right_code_opens_only_that_case(client, filed):
    receipt, other = filed
    response = _unlock(client, receipt)
    assert response.status_code == 302
    page = client.get(f"/track/{receipt.dispute.tracking_no}")
    assert page.status_code == 200 and "已提交" in page.get_data(as_text=True)
    assert client.get(f"/track/{other.dispute.tracking_no}").status_code == 404
    assert client.get(f"/cases/{other.dispute.tracking_no}").status_code == 404


def test_wrong_code_and_unknown_number_look_the_same(client, filed):
    receipt, _ = filed
    wrong = client.post("/track", data={"tracking_no": receipt.dispute.tracking_no, "access_code": "ZZZZ-ZZZZ"})
    unknown = client.post("/track", data={"tracking_no": "NTIP-2026-999999", "access_code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == unknown.status_code == 400
    message = "查询编号或查询码不正确"
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get(f"/track/{receipt.dispute.tracking_no}").status_code == 404


def test_wrong_codes_are_rate_limited(client, filed):
    receipt, _ = filed
    codes = [
        client.post("/track", data={"tracking_no": receipt.dispute.tracking_no, "access_code": "ZZZZ-ZZZZ"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [400] * 10 and codes[10] == 429
    assert "尝试次数过多" in client.post("/track", data={}).get_data(as_text=True)


def test_claimant_answers_a_request_for_information_with_files(client, db, filed):
    receipt, _ = filed
    case = db.session.get(Dispute, receipt.dispute.id)
    perform(case, "screen", role="system")
    perform(case, "request_info", role="mediator", reason="请补充专利权评价报告和展会现场照片")
    db.session.commit()
    _unlock(client, receipt)
    page = client.get(f"/track/{case.tracking_no}").get_data(as_text=True)
    assert "请补充专利权评价报告" in page
    response = client.post(
        f"/track/{case.tracking_no}/answer",
        content_type="multipart/form-data",
        data={"answer": "已补充评价报告", "evidence": [(io.BytesIO(PDF), "评价报告.pdf")]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Dispute, receipt.dispute.id)
    assert case.status == "screening" and [e.original_filename for e in case.evidence] == ["评价报告.pdf"]
    assert verify_chain(case).ok


def test_answer_is_refused_when_nothing_was_asked(client, db, filed):
    receipt, _ = filed
    _unlock(client, receipt)
    response = client.post(f"/track/{receipt.dispute.tracking_no}/answer", data={"answer": "补充"})
    assert response.status_code == 302
    page = client.get(f"/track/{receipt.dispute.tracking_no}").get_data(as_text=True)
    assert "不能执行" in page
    assert db.session.get(Dispute, receipt.dispute.id).status == "submitted"


def test_withdraw_and_then_rate(client, db, filed):
    receipt, _ = filed
    _unlock(client, receipt)
    number = receipt.dispute.tracking_no
    assert client.post(f"/track/{number}/withdraw", data={"reason": "已与对方和解"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Dispute, receipt.dispute.id).status == "submitted"  # not confirmed: nothing happens
    client.post(f"/track/{number}/withdraw", data={"reason": "已与对方和解", "confirm": "y"})
    db.session.expire_all()
    case = db.session.get(Dispute, receipt.dispute.id)
    assert case.status == "withdrawn" and case.closure == "withdrawn" and case.closed_at is not None
    assert client.post(f"/track/{number}/rate", data={"score": "9"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Dispute, receipt.dispute.id).satisfaction is None
    client.post(f"/track/{number}/rate", data={"score": "5", "comment": "处理及时"})
    client.post(f"/track/{number}/rate", data={"score": "1"})  # only once
    db.session.expire_all()
    case = db.session.get(Dispute, receipt.dispute.id)
    assert case.satisfaction == 5
    kinds = (
        db.session.execute(sa.select(CaseEvent.kind).where(CaseEvent.dispute_id == case.id).order_by(CaseEvent.seq))
        .scalars()
        .all()
    )
    assert kinds == ["submitted", "transition", "rated"] and verify_chain(case).ok


def test_evidence_downloads_follow_the_permission_function(client, db, make, auth, filed):
    receipt, _ = filed
    _unlock(client, receipt)
    number = receipt.dispute.tracking_no
    client.post(
        f"/track/{number}/evidence",
        content_type="multipart/form-data",
        data={"evidence": [(io.BytesIO(PDF), "补充.pdf")], "note": "公证书"},
    )
    case = db.session.get(Dispute, receipt.dispute.id)
    db.session.refresh(case)
    item = case.evidence[0]
    download = client.get(f"/evidence/{number}/{item.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    stranger = make.user("claimant")
    db.session.commit()
    other_client = client.application.test_client()
    assert other_client.get(f"/evidence/{number}/{item.id}").status_code == 404
    other_client.post("/login", data={"email": stranger.email, "password": "correct-horse-battery"})
    assert other_client.get(f"/evidence/{number}/{item.id}").status_code == 404
