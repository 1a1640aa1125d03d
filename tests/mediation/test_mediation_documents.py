"""Case documents: HTML and PDF from templates, stored hashed, signed online, judicial confirmation."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from dispute_hub.mediation.documents import (
    DocumentError,
    check_ownership,
    document_path,
    generate_document,
    record_confirmation,
    sign_document,
)
from dispute_hub.models import CaseDocument, CaseEvent, DocumentSignature, JudicialConfirmation, verify_chain

DATA = {
    "acceptance_notice": {},
    "rejection_notice": {"reason": "该纠纷已由人民法院受理"},
    "mediation_agreement": {"terms": "被申请人立即停止销售侵权产品\n被申请人于2026年4月30日前赔偿申请人人民币伍万元"},
    "termination_notice": {"reason": "被申请人明确表示不同意继续调解"},
    "referral_letter": {"recipient": "南通市市场监督管理局", "reason": "发现涉嫌假冒注册商标的线索"},
}
EFFECTIVE = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Nantong; 30 days later is a working day


@pytest.fixture
def world(db, make):
    org = make.org(name_zh="南通市知识产权纠纷人民调解委员会")
    people = {"mediator": make.user("mediator", org, name="王调解"), "claimant": make.user("claimant"),
              "respondent": make.user("respondent"), "stranger": make.user("claimant"),
              "other_mediator": make.user("mediator", make.org())}
    dispute = make.dispute(org, claimant=people["claimant"], respondent=people["respondent"],
                           status="in_mediation", mediator_id=people["mediator"].id,
                           cause_name="侵害外观设计专利权纠纷")
    db.session.commit()
    return dispute, people


def _text(document: CaseDocument) -> str:
    reader = PdfReader(io.BytesIO(document_path(document).read_bytes()))
    return "".join(page.extract_text() for page in reader.pages)


def _agreement(db, dispute, people, terms: str | None = None) -> CaseDocument:
    data = {"terms": terms} if terms else DATA["mediation_agreement"]
    document = generate_document(dispute, "mediation_agreement", actor=people["mediator"], data=data)
    db.session.commit()
    return document


def _sign_all(db, dispute, document, now=EFFECTIVE) -> None:
    for party in dispute.parties:
        sign_document(document, party, ip="203.0.113.7", user_agent="pytest", now=now)
    db.session.commit()


@pytest.mark.parametrize("kind", list(DATA))
def test_each_kind_makes_html_and_a_pdf_with_the_parties_and_the_number(db, world, kind):
    dispute, people = world
    document = generate_document(dispute, kind, actor=people["mediator"], data=DATA[kind])
    db.session.commit()
    text = _text(document)
    for name in [p.name for p in dispute.parties] + [dispute.tracking_no, "南通市知识产权纠纷人民调解委员会"]:
        assert name in document.html
        assert name in text, f"{name} not extractable from the {kind} PDF"
    assert document.title in text and document.status == "issued"
    assert hashlib.sha256(document_path(document).read_bytes()).hexdigest() == document.sha256
    assert len(document.pdf_stored_name) == 64
    event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id)
                               .order_by(CaseEvent.seq.desc())).first()
    assert event.kind == "document_generated" and event.data["sha256"] == document.sha256
    assert verify_chain(dispute).ok


def test_agreement_shows_terms_and_foreign_parties_get_an_english_line(db, world):
    dispute, people = world
    dispute.parties[0].country = "US"
    document = _agreement(db, dispute, people)
    assert "被申请人立即停止销售侵权产品" in _text(document)
    assert "Mediation agreement" in document.html and "Chinese text is authoritative" in document.html


def test_missing_terms_or_unknown_kind_is_refused(db, world):
    dispute, people = world
    with pytest.raises(DocumentError) as exc:
        generate_document(dispute, "mediation_agreement", actor=people["mediator"], data={"terms": "  "})
    assert exc.value.code == "terms_required"
    with pytest.raises(DocumentError):
        generate_document(dispute, "judgment", actor=people["mediator"], data={})


def test_a_second_generation_supersedes_the_first(db, world):
    dispute, people = world
    first = _agreement(db, dispute, people)
    second = _agreement(db, dispute, people, terms="被申请人赔偿申请人人民币叁万元")
    db.session.refresh(first)
    assert (first.status, second.status) == ("superseded", "issued")
    assert first.pdf_stored_name != second.pdf_stored_name
    with pytest.raises(DocumentError):
        sign_document(first, dispute.parties[0], ip=None, user_agent=None)


def test_claimant_then_respondent_sign_and_the_agreement_takes_effect(client, auth, db, world):
    dispute, people = world
    document = _agreement(db, dispute, people)
    with client.session_transaction() as session:  # the claimant's portal: tracking number + access code
        session["tracked"] = [dispute.id]
    url = f"/cases/{dispute.tracking_no}/documents/{document.id}/sign"
    page = client.get(url)
    assert page.status_code == 200 and "被申请人立即停止销售侵权产品" in page.get_data(as_text=True)
    assert client.post(url, data={"agree": "y"}, headers={"User-Agent": "Claimant/1.0"}).status_code == 302
    again = client.post(url, data={"agree": "y"})  # the same party cannot sign twice
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(DocumentSignature.id))) == 1
    with client.session_transaction() as session:
        session.clear()
    auth.login(people["respondent"])
    # a logged-in user keeps their browser: Flask-Login's session protection ties the login to it
    assert client.post(url, data={"agree": "y"}).status_code == 302
    db.session.expire_all()
    document = db.session.get(CaseDocument, document.id)
    assert document.status == "effective" and document.effective_at is not None
    claimant, respondent = document.signatures
    assert (claimant.signer_role, claimant.signer_name, claimant.user_agent) == (
        "claimant", dispute.parties[0].name, "Claimant/1.0")
    assert claimant.user_id is None and claimant.ip_address == "127.0.0.1"
    assert (respondent.signer_role, respondent.user_id) == ("respondent", people["respondent"].id)
    assert respondent.user_agent.startswith("Werkzeug/") and respondent.ip_address == "127.0.0.1"
    assert {claimant.document_sha256, respondent.document_sha256} == {document.sha256}
    kinds = db.session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.dispute_id == dispute.id)).all()
    assert kinds.count("document_signed") == 2 and "agreement_effective" in kinds


def test_a_party_cannot_sign_twice(db, world):
    dispute, people = world
    document = _agreement(db, dispute, people)
    sign_document(document, dispute.parties[0], ip="198.51.100.1", user_agent="x")
    with pytest.raises(DocumentError) as exc:
        sign_document(document, dispute.parties[0], ip="198.51.100.1", user_agent="x")
    assert exc.value.code == "already_signed" and document.status == "issued"


@pytest.mark.parametrize("who, status", [("stranger", 404), ("other_mediator", 404), ("mediator", 403)])
def test_others_cannot_sign(client, auth, db, world, who, status):
    dispute, people = world
    document = _agreement(db, dispute, people)
    auth.login(people[who])
    response = client.post(f"/cases/{dispute.tracking_no}/documents/{document.id}/sign", data={"agree": "y"})
    assert response.status_code == status
    assert db.session.scalar(sa.select(sa.func.count(DocumentSignature.id))) == 0


def test_an_altered_file_cannot_be_signed(db, world):
    dispute, people = world
    document = _agreement(db, dispute, people)
    document_path(document).write_bytes(b"%PDF-1.7 forged")
    with pytest.raises(DocumentError) as exc:
        sign_document(document, dispute.parties[0], ip=None, user_agent=None)
    assert exc.value.code == "document_altered"


def test_people_mediation_opens_a_30_day_confirmation_window(db, world):
    dispute, people = world
    document = _agreement(db, dispute, people)
    _sign_all(db, dispute, document)
    confirmation = db.session.scalars(sa.select(JudicialConfirmation)).one()
    assert confirmation.document_id == document.id and not confirmation.ownership_warning
    assert confirmation.window_ends_on == date(2026, 3, 2) + timedelta(days=30)
    record_confirmation(confirmation, applied_on=date(2026, 3, 20), court_name="南通市中级人民法院",
                        decision="confirmed", decided_on=date(2026, 3, 30))
    db.session.commit()
    assert confirmation.decision == "confirmed"
    with pytest.raises(DocumentError):
        record_confirmation(confirmation, applied_on=date(2026, 5, 1), court_name="南通市中级人民法院")


def test_an_ownership_agreement_is_warned_about_on_the_case_page(client, auth, db, world):
    dispute, people = world
    document = _agreement(db, dispute, people, terms="确认第ZL202130123456.7号外观设计专利权归属申请人")
    _sign_all(db, dispute, document)
    confirmation = db.session.scalars(sa.select(JudicialConfirmation)).one()
    assert confirmation.ownership_warning and "归属" in confirmation.notes
    auth.login(people["mediator"])
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert "ownership-warning" in page and "2026-04-01" in page


def test_ownership_check_names_the_words():
    assert check_ownership("专利权权属纠纷").matched == ("权属",)
    assert not check_ownership("被申请人停止侵权并赔偿损失").concerns_ownership


def test_no_confirmation_window_for_litigation_mediation(db, make, world):
    dispute, people = world
    dispute.channel = "litigation_mediation"
    document = _agreement(db, dispute, people)
    _sign_all(db, dispute, document)
    assert document.status == "effective"
    assert db.session.scalar(sa.select(sa.func.count(JudicialConfirmation.id))) == 0


@pytest.mark.parametrize("who, status", [("claimant", 200), ("respondent", 200), ("mediator", 200),
                                         ("stranger", 404), ("other_mediator", 404)])
def test_download_is_for_parties_and_staff(client, auth, db, world, who, status):
    dispute, people = world
    document = generate_document(dispute, "termination_notice", actor=people["mediator"],
                                 data=DATA["termination_notice"])
    db.session.commit()
    auth.login(people[who])
    response = client.get(f"/cases/{dispute.tracking_no}/documents/{document.id}.pdf")
    body = response.get_data()
    response.close()
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert hashlib.sha256(body).hexdigest() == document.sha256


def test_download_anonymous_is_refused_and_portal_allowed(client, db, world):
    dispute, people = world
    document = generate_document(dispute, "acceptance_notice", actor=people["mediator"], data={})
    db.session.commit()
    url = f"/cases/{dispute.tracking_no}/documents/{document.id}.pdf"
    assert client.get(url).status_code in (302, 401, 404)
    with client.session_transaction() as session:
        session["tracked"] = [dispute.id]
    response = client.get(url)
    response.close()
    assert response.status_code == 200


def test_staff_generate_from_the_case_page(client, auth, db, world):
    dispute, people = world
    auth.login(people["mediator"])
    response = client.post(f"/cases/{dispute.tracking_no}/documents",
                           data={"doc-kind": "mediation_agreement", "doc-terms": "双方互不追究"})
    assert response.status_code == 302
    document = db.session.scalars(sa.select(CaseDocument)).one()
    assert document.kind == "mediation_agreement" and "双方互不追究" in document.html
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert document.sha256[:12] in page
    auth.logout()
    auth.login(people["claimant"])
    assert client.post(f"/cases/{dispute.tracking_no}/documents",
                       data={"doc-kind": "acceptance_notice"}).status_code == 403
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert f"/documents/{document.id}/sign" in page


def _unlock_as_respondent(client, dispute):
    """What /respond stores in the session once the invitation code is right; returns the respondent party."""
    respondent = dispute.parties_in("respondent")[0]
    with client.session_transaction() as session:
        session["responding"] = [respondent.id]
    return respondent


def test_a_respondent_unlocked_in_the_respondent_portal_signs(client, db, world):
    dispute, people = world
    document = _agreement(db, dispute, people)
    respondent = _unlock_as_respondent(client, dispute)
    url = f"/cases/{dispute.tracking_no}/documents/{document.id}/sign"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"agree": "y"}).status_code == 302
    signature = db.session.scalars(sa.select(DocumentSignature)).one()
    assert (signature.party_id, signature.user_id, signature.signer_role) == (respondent.id, None, "respondent")
    assert _download_status(client, dispute, document) == 200


def test_unticked_consent_signs_nothing(client, db, world):
    dispute, people = world
    document = _agreement(db, dispute, people)
    with client.session_transaction() as session:
        session["tracked"] = [dispute.id]
    response = client.post(f"/cases/{dispute.tracking_no}/documents/{document.id}/sign", data={})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(DocumentSignature.id))) == 0


ADDRESSED_TO_RESPONDENT = {"acceptance_notice": False, "rejection_notice": False, "mediation_agreement": True,
                           "termination_notice": True, "referral_letter": False}


def _download_status(client, dispute, document) -> int:
    response = client.get(f"/cases/{dispute.tracking_no}/documents/{document.id}.pdf")
    response.close()
    return response.status_code


def _one_of_each(db, dispute, people) -> dict[str, CaseDocument]:
    documents = {kind: generate_document(dispute, kind, actor=people["mediator"], data=DATA[kind]) for kind in DATA}
    db.session.commit()
    return documents


def test_a_logged_in_respondent_sees_only_what_is_addressed_to_it(client, auth, db, world):
    """Notices answering the claimant's filing and the referral letter to another body are not the
    respondent's: not listed on its case page, and 404 (as for an unknown document) when asked for."""
    dispute, people = world
    documents = _one_of_each(db, dispute, people)
    assert set(ADDRESSED_TO_RESPONDENT) == set(DATA)
    auth.login(people["respondent"])
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    for kind, document in documents.items():
        assert _download_status(client, dispute, document) == (200 if ADDRESSED_TO_RESPONDENT[kind] else 404), kind
        assert (f"/documents/{document.id}.pdf" in page) is ADDRESSED_TO_RESPONDENT[kind], kind


def test_the_claimant_sees_every_document_of_its_case(client, auth, db, world):
    dispute, people = world
    documents = _one_of_each(db, dispute, people)
    auth.login(people["claimant"])
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    for document in documents.values():
        assert f"/documents/{document.id}.pdf" in page
        assert _download_status(client, dispute, document) == 200


def test_the_respondent_portal_lists_and_serves_only_what_is_addressed_to_it(client, db, world):
    dispute, people = world
    documents = _one_of_each(db, dispute, people)
    _unlock_as_respondent(client, dispute)
    page = client.get(f"/cases/respond/{dispute.tracking_no}").get_data(as_text=True)
    for kind, document in documents.items():
        assert (document.title in page) is ADDRESSED_TO_RESPONDENT[kind], kind
        assert _download_status(client, dispute, document) == (200 if ADDRESSED_TO_RESPONDENT[kind] else 404), kind
