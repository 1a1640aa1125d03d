"""Lifecycle actions on the case page: each a checked move, a hash-chained event, nothing saved when refused."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispute_hub.auth.services import create_user
from dispute_hub.intake.schema import parse_filing
from dispute_hub.intake.services import district_lookup, submit_filing
from dispute_hub.intake.validators import patent_check_digit
from dispute_hub.mediation import case_actions as svc
from dispute_hub.mediation.case_views import FORMS
from dispute_hub.mediation.workflow import StaleCase
from dispute_hub.models import CaseEvent, Dispute, MediationSession, Organization, Party, verify_chain
from dispute_hub.reference import load_reference
from dispute_hub.routing.services import process_new_filing

DESIGN_PATENT = {
    "claimant": {"kind": "company", "name": "南通锦绣家纺有限公司", "email": "ip@jinxiu.example.com",
                 "phone": "13812345678"},
    "respondents": [{"kind": "company", "name": "义乌市佳美日用品有限公司", "online_store": "拼多多“佳美家居”店"}],
    "ip_right": {"type": "patent", "number": "ZL202130123456." + patent_check_digit("202130123456"), "title": "床罩"},
    "description": "被申请人在拼多多店铺销售与申请人外观设计专利相同的床上用品四件套，请求停止销售并赔偿损失。",
    "district": "通州区", "industry": "home_textile",
}
CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})\b")
AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10 March 2026, 10:00 in Nantong


@pytest.fixture
def routed(db):
    """A real filing, classified and routed to the home-textile centre with a mediator proposed."""
    load_reference()
    org = db.session.execute(sa.select(Organization).where(Organization.code == "nt-hometextile-center")).scalar_one()
    mediator = create_user(email="m@example.com", name="家纺调解员 甲", password="correct-horse-battery",
                           role="mediator", organization=org,
                           profile={"specialties": ["patent"], "languages": ["zh"], "capacity": 10})
    db.session.commit()
    dispute = submit_filing(parse_filing(DESIGN_PATENT, districts=district_lookup())).dispute
    assert process_new_filing(dispute) is True
    db.session.commit()
    assert dispute.status == "screening" and dispute.mediator_id == mediator.id
    return dispute, mediator


@pytest.fixture
def world(db, make):
    org = make.org()
    people = {"mediator": make.user("mediator", org), "colleague": make.user("mediator", org),
              "outsider": make.user("mediator", make.org())}
    dispute = make.dispute(org, status="screening")
    db.session.commit()
    return dispute, people


def _fresh(db, dispute) -> Dispute:
    db.session.expire_all()
    return db.session.get(Dispute, dispute.id)


def _post(client, dispute, action, version=None, **fields):
    data = {f"{action}-{k}": v for k, v in fields.items()}
    data[f"{action}-version"] = str(version if version is not None else dispute.version)
    return client.post(f"/cases/{dispute.tracking_no}/act/{action}", data=data, follow_redirects=True)


def _kinds(db, dispute) -> list[str]:
    rows = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id)
                              .order_by(CaseEvent.seq)).scalars()
    return [e.data.get("action", e.kind) for e in rows]


def test_a_mediator_takes_a_routed_case_from_acceptance_to_closure(app, client, auth, db, routed):
    dispute, mediator = routed
    auth.login(mediator)
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert f"/cases/{dispute.tracking_no}/act/accept" in page and "/act/settle" not in page
    assert _post(client, dispute, "accept").status_code == 200
    case = _fresh(db, dispute)
    assert case.status == "assigned" and case.deadline_rule == "industry_mediation.mediation"
    assert svc.local_date(case.deadline_at) > svc.local_date(datetime.now(UTC)) + timedelta(days=27)
    party = case.parties_in("respondent")[0]
    page = _post(client, case, "invite", party_id=str(party.id)).get_data(as_text=True)
    code = CODE.search(page.split("flash-success", 1)[1]).group(1)
    assert _fresh(db, dispute).parties_in("respondent")[0].invite_code_hash

    respondent = app.test_client()
    opened = respondent.post("/cases/respond", data={"tracking_no": dispute.tracking_no, "invite_code": code})
    assert opened.status_code == 302
    shown = respondent.get(f"/cases/respond/{dispute.tracking_no}").get_data(as_text=True)
    assert "ip@jinxiu.example.com" not in shown and "13812345678" not in shown
    respondent.post(f"/cases/respond/{dispute.tracking_no}",
                    data={"response": "consented", "version": str(_fresh(db, dispute).version)})
    assert _fresh(db, dispute).status == "in_mediation"

    starts = (datetime.now(UTC) + timedelta(days=3)).astimezone(svc.SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    _post(client, _fresh(db, dispute), "session", starts_at=starts, duration_minutes="90", mode="online",
          location="https://meet.example.com/abc", notes="双方线上")
    session = db.session.execute(sa.select(MediationSession)).scalar_one()
    assert session.duration_minutes == 90 and session.scheduled_by_id == mediator.id
    _post(client, _fresh(db, dispute), "outcome", session_id=str(session.id), outcome="held", outcome_notes="达成一致")
    _post(client, _fresh(db, dispute), "settle")
    page = _post(client, _fresh(db, dispute), "close").get_data(as_text=True)
    case = _fresh(db, dispute)
    assert (case.status, case.closure) == ("closed", "settled") and case.closed_at is not None
    assert _kinds(db, case)[-8:] == ["accept", "assign", "respondent_invited", "start_mediation",
                                     "session_scheduled", "session_outcome", "settle", "close"]
    assert verify_chain(case).ok and 'class="chain ok"' in page


@pytest.mark.parametrize(("channel", "rule", "due"), [
    ("people_mediation", "people_mediation.mediation", date(2026, 4, 10)),
    ("industry_mediation", "industry_mediation.mediation", date(2026, 4, 10)),
    ("litigation_mediation", "litigation_mediation.pre_filing_mediation", date(2026, 4, 9)),
    ("administrative_adjudication", "administrative_adjudication.conclusion", date(2026, 6, 10)),
    ("arbitration", None, None),
])
def test_acceptance_sets_the_deadline_of_the_channel(db, make, world, channel, rule, due):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="screening", channel=channel)
    svc.accept_case(dispute, actor=people["mediator"], expected_version=dispute.version, now=AT)
    db.session.commit()
    assert dispute.status == "accepted" and dispute.deadline_rule == rule
    assert (svc.local_date(dispute.deadline_at) if dispute.deadline_at else None) == due
    assert verify_chain(dispute).ok


def test_a_deadline_the_calendar_cannot_compute_saves_nothing(client, auth, db, make, world, monkeypatch):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="screening", channel="litigation_mediation")
    db.session.commit()
    events = dispute.event_count
    monkeypatch.setattr(svc, "utcnow", lambda: datetime(2099, 3, 10, 2, tzinfo=UTC))
    auth.login(people["mediator"])
    page = _post(client, dispute, "accept").get_data(as_text=True)
    assert "节假日日历尚未收录 2099 年" in page
    case = _fresh(db, dispute)
    assert case.status == "screening" and case.deadline_at is None and case.event_count == events


def test_an_illegal_move_is_refused_with_the_tables_message(client, auth, db, world):
    dispute, people = world
    auth.login(people["mediator"])
    page = _post(client, dispute, "settle").get_data(as_text=True)
    assert "案件当前状态为“审查中”，不能执行“调解成功”" in page
    english = client.post(f"/cases/{dispute.tracking_no}/act/settle", data={"settle-version": dispute.version},
                          headers={"Accept-Language": "en"}, follow_redirects=True).get_data(as_text=True)
    assert "&#39;Record a settlement&#39; is not possible while the case is &#39;Screening&#39;" in english
    case = _fresh(db, dispute)
    assert case.status == "screening" and case.event_count == dispute.event_count


@pytest.mark.parametrize(("action", "label"), [("reject", "不予受理"), ("request_info", "要求补充材料")])
def test_reject_and_request_info_need_a_reason(client, auth, db, world, action, label):
    dispute, people = world
    auth.login(people["mediator"])
    events = dispute.event_count
    assert f"执行“{label}”必须填写理由。" in _post(client, dispute, action, reason="  ").get_data(as_text=True)
    assert _fresh(db, dispute).event_count == events
    _post(client, _fresh(db, dispute), action, reason="未提交权利证明")
    case = _fresh(db, dispute)
    assert case.status == ("rejected" if action == "reject" else "more_info")
    assert verify_chain(case).ok


def test_resume_pushes_the_deadline_by_the_suspended_days(db, make, world):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="in_mediation",
                           deadline_at=svc.end_of_day(date(2026, 4, 10)), deadline_rule="people_mediation.mediation")
    svc.take_action(dispute, "suspend", actor=people["mediator"], reason="等待鉴定", expected_version=dispute.version,
                    now=datetime(2026, 3, 20, 2, tzinfo=UTC))
    svc.resume(dispute, actor=people["mediator"], expected_version=dispute.version,
               now=datetime(2026, 3, 27, 2, tzinfo=UTC))
    db.session.commit()
    assert dispute.status == "in_mediation" and dispute.suspended_days == 7
    assert svc.local_date(dispute.deadline_at) == date(2026, 4, 17)
    assert verify_chain(dispute).ok


@pytest.mark.parametrize(("claimant", "respondent", "note"), [
    ("y", "", "电话确认"), ("", "y", "电话确认"), ("", "", "电话确认"), ("y", "y", " "),
])
def test_extension_needs_both_parties_consent(client, auth, db, make, world, claimant, respondent, note):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="in_mediation",
                           deadline_at=svc.end_of_day(date(2026, 4, 10)), deadline_rule="people_mediation.mediation")
    db.session.commit()
    auth.login(people["mediator"])
    fields = {"new_deadline": "2026-05-10", "note": note}
    fields |= {"claimant_consent": claimant} if claimant else {}
    fields |= {"respondent_consent": respondent} if respondent else {}
    page = _post(client, dispute, "extend", **fields).get_data(as_text=True)
    assert "延长期限须记录双方当事人的同意" in page
    assert svc.local_date(_fresh(db, dispute).deadline_at) == date(2026, 4, 10)
    _post(client, _fresh(db, dispute), "extend", new_deadline="2026-05-10", claimant_consent="y",
          respondent_consent="y", note="双方签署延期确认书")
    case = _fresh(db, dispute)
    assert svc.local_date(case.deadline_at) == date(2026, 5, 10) and _kinds(db, case)[-1] == "deadline_extended"


def test_two_people_acting_at_once_one_wins_the_other_is_told(app, db, world):
    dispute, people = world
    first, second = app.test_client(), app.test_client()
    for c, who in ((first, "mediator"), (second, "colleague")):
        c.post("/login", data={"email": people[who].email, "password": "correct-horse-battery"})
    seen = dispute.version  # both loaded the page showing this version
    _post(first, dispute, "accept", version=seen)
    page = _post(second, dispute, "reject", version=seen, reason="不属于知识产权纠纷").get_data(as_text=True)
    assert "案件已被他人更新" in page
    case = _fresh(db, dispute)
    assert case.status == "accepted" and "reject" not in _kinds(db, case) and verify_chain(case).ok


def test_a_concurrent_write_is_caught_by_the_version_column(db, world):
    dispute, people = world
    seen = dispute.version
    with Session(db.engine) as other:  # another request commits in between
        other.get(Dispute, dispute.id).title = "同时被他人修改"
        other.commit()
    svc.take_action(dispute, "reject", actor=people["mediator"], reason="理由", expected_version=seen)
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
    case = _fresh(db, dispute)
    assert case.status == "screening" and case.title == "同时被他人修改" and verify_chain(case).ok
    with pytest.raises(StaleCase):
        svc.take_action(case, "reject", actor=people["mediator"], reason="理由", expected_version=seen)


@pytest.mark.parametrize("action", sorted(FORMS))
def test_a_mediator_of_another_organisation_gets_404(client, auth, db, world, action):
    dispute, people = world
    auth.login(people["outsider"])
    assert _post(client, dispute, action, reason="x").status_code == 404
    assert _fresh(db, dispute).event_count == dispute.event_count


def test_suspend_and_resume_from_the_case_page(client, auth, db, make, world):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="in_mediation",
                           deadline_at=svc.end_of_day(date(2026, 4, 10)), deadline_rule="people_mediation.mediation")
    db.session.commit()
    auth.login(people["mediator"])
    _post(client, dispute, "suspend", reason="等待专利无效宣告结果")
    assert _fresh(db, dispute).status == "suspended"
    page = _post(client, _fresh(db, dispute), "resume").get_data(as_text=True)
    case = _fresh(db, dispute)
    assert case.status == "in_mediation" and case.suspended_days == 0 and "/act/suspend" in page
    assert _kinds(db, case)[-2:] == ["suspend", "resume"] and verify_chain(case).ok


def test_a_mediator_claims_an_accepted_case_nobody_was_given(client, auth, db, make, world):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="accepted")
    db.session.commit()
    auth.login(people["colleague"])
    _post(client, dispute, "claim")
    case = _fresh(db, dispute)
    assert case.status == "assigned" and case.mediator_id == people["colleague"].id


def test_mediation_starts_once_every_respondent_has_consented(db, make, world):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="assigned", mediator_id=people["mediator"].id)
    second = Party(role="respondent", kind="person", name="第二被申请人", name_normalized="第二被申请人")
    dispute.parties.append(second)
    db.session.flush()
    first = dispute.parties_in("respondent")[0]
    svc.record_response(dispute, first.id, "consented", role="respondent", expected_version=dispute.version)
    assert dispute.status == "assigned" and _kinds(db, dispute)[-1] == "respondent_consented"
    svc.record_response(dispute, second.id, "consented", role="respondent", expected_version=dispute.version)
    db.session.commit()
    assert dispute.status == "in_mediation" and verify_chain(dispute).ok
