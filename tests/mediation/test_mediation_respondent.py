"""The respondent portal: an invitation code opens the case addressed to them; they consent or decline."""

from __future__ import annotations

import pytest

from dispute_hub.extensions import limiter
from dispute_hub.mediation import case_actions as svc
from dispute_hub.mediation.queries import case_events
from dispute_hub.mediation.transitions import TransitionError
from dispute_hub.models import CaseDocument, Dispute, verify_chain

WRONG = "案件编号或邀请码不正确。"  # the interface speaks Chinese unless asked otherwise


@pytest.fixture
def invited(db, make):
    org = make.org()
    mediator = make.user("mediator", org)
    dispute = make.dispute(org, status="assigned", mediator_id=mediator.id)
    claimant = dispute.parties_in("claimant")[0]
    claimant.phone, claimant.email, claimant.address = "13900001111", "boss@claimant.example.com", "南通市崇川区某路1号"
    respondent = dispute.parties_in("respondent")[0]
    code = svc.invite_respondent(dispute, respondent.id, actor=mediator, expected_version=dispute.version)
    db.session.commit()
    return dispute, respondent, mediator, code


def _open(client, dispute, code):
    return client.post("/cases/respond", data={"tracking_no": dispute.tracking_no, "invite_code": code})


def _fresh(db, dispute) -> Dispute:
    db.session.expire_all()
    return db.session.get(Dispute, dispute.id)


def test_the_invitation_is_an_event_and_only_its_hash_is_kept(db, invited):
    dispute, respondent, _, code = invited
    assert respondent.invite_code_hash and code not in respondent.invite_code_hash
    assert respondent.invited_at is not None and verify_chain(dispute).ok


def test_the_respondent_sees_the_case_without_the_claimants_contact_details(client, db, invited):
    dispute, respondent, _, code = invited
    db.session.add(CaseDocument(dispute_id=dispute.id, kind="acceptance_notice", title="受理通知书", html="<p>x</p>",
                                sha256="0" * 64, pdf_stored_name="a" * 64))
    db.session.add(CaseDocument(dispute_id=dispute.id, kind="mediation_agreement", title="调解协议书",
                                html="<p>x</p>", sha256="1" * 64, status="issued"))
    db.session.commit()
    assert client.get(f"/cases/respond/{dispute.tracking_no}").status_code == 404
    assert _open(client, dispute, code.lower().replace("-", " ")).status_code == 302
    page = client.get(f"/cases/respond/{dispute.tracking_no}").get_data(as_text=True)
    assert respondent.name in page and dispute.description in page
    assert f"/cases/{dispute.tracking_no}/documents/" in page and "调解协议书" in page
    assert "受理通知书" not in page  # it answers the claimant's filing: not addressed to the respondent
    for secret in ("13900001111", "boss@claimant.example.com", "南通市崇川区某路1号"):
        assert secret not in page


def test_wrong_code_and_unknown_number_look_the_same(client, invited):
    dispute, _, _, _ = invited
    wrong = _open(client, dispute, "ZZZZ-ZZZZ")
    unknown = client.post("/cases/respond", data={"tracking_no": "NTIP-2026-999999", "invite_code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == unknown.status_code == 400
    assert WRONG in wrong.get_data(as_text=True) and WRONG in unknown.get_data(as_text=True)


def test_code_guessing_is_rate_limited(client, invited):
    dispute, _, _, _ = invited
    limiter.reset()
    codes = [_open(client, dispute, "ZZZZ-ZZZZ").status_code for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429


def test_the_respondent_declines_and_mediation_ends(client, db, invited):
    dispute, respondent, _, code = invited
    _open(client, dispute, code)
    client.post(f"/cases/respond/{dispute.tracking_no}", data={"response": "declined", "version": dispute.version})
    case = _fresh(db, dispute)
    assert (case.status, case.closure) == ("declined", "declined")
    assert case.parties_in("respondent")[0].response == "declined" and verify_chain(case).ok
    page = client.get(f"/cases/respond/{dispute.tracking_no}").get_data(as_text=True)
    assert "I consent to mediation" not in page


def test_a_stale_answer_is_refused(client, db, invited):
    dispute, _, _, code = invited
    seen = dispute.version
    dispute.title = "刚被调解员修改"
    db.session.commit()
    _open(client, dispute, code)
    page = client.post(f"/cases/respond/{dispute.tracking_no}", data={"response": "consented", "version": seen},
                       follow_redirects=True).get_data(as_text=True)
    assert "案件已被他人更新" in page and _fresh(db, dispute).status == "assigned"


def test_staff_record_an_offline_consent_only_with_a_note(db, invited):
    dispute, respondent, mediator, _ = invited
    with pytest.raises(TransitionError, match="note_required"):
        svc.record_response(dispute, respondent.id, "consented", role="mediator", actor=mediator,
                            expected_version=dispute.version)
    svc.record_response(dispute, respondent.id, "consented", role="mediator", actor=mediator,
                        note="电话确认同意调解", expected_version=dispute.version)
    db.session.commit()
    assert dispute.status == "in_mediation" and verify_chain(dispute).ok
    with pytest.raises(TransitionError, match="already_answered"):
        svc.record_response(dispute, respondent.id, "declined", role="respondent", expected_version=None)


def test_the_respondent_rates_once_after_the_case_ends(client, db, invited):
    dispute, respondent, _, code = invited
    _open(client, dispute, code)
    early = client.post(f"/cases/respond/{dispute.tracking_no}/rate", data={"score": "5"})
    assert early.status_code == 302 and _fresh(db, dispute).respondent_satisfaction is None  # not ended yet
    case = _fresh(db, dispute)
    case.status = "settled"
    db.session.commit()
    assert "评价" in client.get(f"/cases/respond/{dispute.tracking_no}").get_data(as_text=True)
    client.post(f"/cases/respond/{dispute.tracking_no}/rate", data={"score": "4", "comment": "调解员很耐心"})
    client.post(f"/cases/respond/{dispute.tracking_no}/rate", data={"score": "1"})  # only once
    case = _fresh(db, dispute)
    assert (case.respondent_satisfaction, case.satisfaction) == (4, None)
    (event,) = [e for e in case_events(case) if e.kind == "rated"]
    assert event.data == {"role": "respondent", "score": 4, "comment": "调解员很耐心"} and verify_chain(case).ok


def test_a_rating_needs_the_invitation_code(client, db, invited):
    dispute, _, _, _ = invited
    dispute.status = "settled"
    db.session.commit()
    assert client.post(f"/cases/respond/{dispute.tracking_no}/rate", data={"score": "5"}).status_code == 404
    assert _fresh(db, dispute).respondent_satisfaction is None
