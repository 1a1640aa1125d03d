"""Each new filing is classified, routed and given a proposed mediator, each step an event with reasons."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from dispute_hub.auth.services import create_user
from dispute_hub.intake.schema import parse_filing
from dispute_hub.intake.services import district_lookup, submit_filing
from dispute_hub.intake.validators import patent_check_digit
from dispute_hub.models import CaseEvent, Dispute, Organization, verify_chain
from dispute_hub.reference import load_reference
from dispute_hub.routing.services import process_new_filing
from dispute_hub.routing.tasks import process_new_filing_task, process_pending

DESIGN_PATENT = {
    "claimant": {"kind": "company", "name": "南通锦绣家纺有限公司", "email": "ip@jinxiu.example.com"},
    "respondents": [{"kind": "company", "name": "义乌市佳美日用品有限公司", "online_store": "拼多多“佳美家居”店"}],
    "ip_right": {"type": "patent", "number": "ZL202130123456." + patent_check_digit("202130123456"), "title": "床罩"},
    "description": "被申请人在拼多多店铺销售与申请人外观设计专利相同的床上用品四件套，请求停止销售并赔偿损失。",
    "district": "通州区", "industry": "home_textile",
}


@pytest.fixture
def nantong(db):
    load_reference()
    orgs = {o.code: o for o in db.session.execute(sa.select(Organization)).scalars()}
    people = {}
    for code, name, specialties in [("nt-hometextile-center", "家纺调解员 甲", ["patent", "copyright"]),
                                    ("nt-hometextile-center", "家纺调解员 乙", ["trademark"]),
                                    ("nt-ip-people-mediation", "人民调解员 丙", [])]:
        people[name] = create_user(email=f"m{len(people)}@example.com", name=name, password="a-long-password",
                                   role="mediator", organization=orgs[code],
                                   profile={"specialties": specialties, "languages": ["zh"], "capacity": 10})
    db.session.commit()
    return orgs, people


def _file(db, body):
    receipt = submit_filing(parse_filing(body, districts=district_lookup()))
    db.session.commit()
    return receipt.dispute


def _kinds(db, dispute):
    return db.session.execute(sa.select(CaseEvent.kind).where(CaseEvent.dispute_id == dispute.id)
                              .order_by(CaseEvent.seq)).scalars().all()


def test_home_textile_design_patent_goes_to_the_textile_centre_and_its_patent_mediator(db, nantong):
    orgs, people = nantong
    dispute = _file(db, DESIGN_PATENT)
    assert process_new_filing(dispute) is True
    db.session.commit()
    assert dispute.status == "screening"
    assert dispute.channel == "industry_mediation" and dispute.organization_id == orgs["nt-hometextile-center"].id
    assert dispute.patent_kind == "design" and "外观设计" in dispute.cause_name
    assert dispute.mediator_id == people["家纺调解员 甲"].id  # the trademark specialist is not eligible
    decision = dispute.routing_decision
    assert decision["rule_id"] == "home-textile-center" and decision["considered"]
    assert dispute.classification["evidence"]
    assert _kinds(db, dispute) == ["submitted", "classified", "routed", "transition", "assignment"]
    assert verify_chain(dispute).ok


def test_processing_twice_changes_nothing(db, nantong):
    dispute = _file(db, DESIGN_PATENT)
    assert process_new_filing(dispute) is True
    db.session.commit()
    assert process_new_filing(dispute) is False
    assert len(_kinds(db, dispute)) == 5


def test_non_ip_dispute_waits_for_screening_with_no_mediator(db, nantong):
    orgs, _ = nantong
    body = {"description": "被申请人向我借款二十万元，约定一年后归还，至今未还，请求调解归还借款及利息。",
            "claimant": {"kind": "person", "name": "张三", "phone": "13812345678"},
            "respondents": [{"kind": "person", "name": "李四"}]}
    dispute = _file(db, body)
    process_new_filing(dispute)
    db.session.commit()
    assert dispute.classification["is_ip"] is False
    assert dispute.routing_decision["outcome"] == "screening"
    assert dispute.organization_id == orgs["nt-ip-people-mediation"].id and dispute.channel is None
    assert dispute.status == "screening" and dispute.mediator_id is None


def test_accepted_elsewhere_is_routed_to_not_accepted(db, nantong):
    body = copy.deepcopy(DESIGN_PATENT)
    body["existing_proceedings"] = {"accepted_elsewhere": "南通市通州区人民调解委员会"}
    dispute = _file(db, body)
    process_new_filing(dispute)
    assert dispute.routing_decision["outcome"] == "not_accepted"
    assert dispute.routing_decision["rule_id"] == "accepted-elsewhere"


def test_nobody_eligible_leaves_the_case_in_the_unassigned_queue_with_the_reason(db, nantong):
    _, people = nantong
    for user in people.values():
        user.mediator_profile.on_leave = True
    db.session.commit()
    dispute = _file(db, DESIGN_PATENT)
    process_new_filing(dispute)
    db.session.commit()
    assert dispute.mediator_id is None
    event = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id,
                                                          CaseEvent.kind == "assignment")).scalar_one()
    assert event.data["queue"] and event.data["reason_zh"]
    assert all(not c["eligible"] for c in event.data["candidates"])


def test_the_web_filing_is_routed_right_after_commit(client, db, nantong):
    from tests.intake.test_intake_web import _form  # the form as a person fills it

    data = _form(client)
    data.update({"district": "通州区", "industry": "home_textile"})
    assert client.post("/file", data=data).status_code == 302
    dispute = db.session.execute(sa.select(Dispute)).scalar_one()
    assert dispute.status == "screening" and dispute.routing_decision is not None


def test_a_routing_failure_never_loses_the_filing_and_is_caught_up(app, client, db, nantong, monkeypatch):
    from tests.intake.test_intake_web import _form

    app.config["TASKS_RAISE"] = False
    monkeypatch.setattr("dispute_hub.routing.services.classify", lambda *a, **k: 1 / 0)
    assert client.post("/file", data=_form(client)).status_code == 302
    dispute = db.session.execute(sa.select(Dispute)).scalar_one()
    assert dispute.status == "submitted" and dispute.classification is None
    monkeypatch.undo()
    assert process_pending.run() == 1
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).status == "screening"


def test_the_task_takes_an_id(db, nantong):
    dispute = _file(db, DESIGN_PATENT)
    assert process_new_filing_task.run(dispute.id) is True
    assert process_new_filing_task.run(dispute.id) is False
    assert process_new_filing_task.run(999999) is False


def test_the_case_page_shows_classification_routing_and_assignment_reasons(client, auth, db, nantong):
    _, people = nantong
    dispute = _file(db, DESIGN_PATENT)
    process_new_filing(dispute)
    db.session.commit()
    auth.login(people["家纺调解员 甲"], "a-long-password")
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert "侵害外观设计专利权" in page and "home-textile-center" in page
    assert "自动分类" in page and "分派调解员" in page
    assert "people-mediation" in page  # every rule considered is listed, not only the one that fired


def test_screener_flags_are_for_staff_only(client, auth, db, make, nantong):
    _, people = nantong
    claimant = make.user("claimant")
    first = _file(db, DESIGN_PATENT)
    second = _file(db, DESIGN_PATENT)
    second.claimant_user_id = claimant.id
    db.session.commit()
    assert any(f["tracking_no"] == first.tracking_no for f in second.flags)
    auth.login(claimant)
    assert first.tracking_no not in client.get(f"/cases/{second.tracking_no}").get_data(as_text=True)


def test_preview_and_real_routing_agree_when_the_right_has_no_type(client, db, nantong):
    body = copy.deepcopy(DESIGN_PATENT)
    body["ip_right"] = {"number": None, "title": "“锦绣”牌四件套外观"}  # a title but no type
    preview = client.post("/api/v1/triage", json=body).get_json()
    dispute = _file(db, body)
    process_new_filing(dispute)
    db.session.commit()
    assert dispute.ip_rights[0].ip_type is None
    assert (dispute.classification["ip_type"], dispute.channel) == (
        preview["classification"]["ip_type"], preview["decision"]["channel"])
