"""Case documents: generated from templates as HTML and PDF, stored hashed, signed online, judicially confirmed."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..intake.evidence import UploadLimits, discard, open_evidence, store_upload
from ..models import (
    DOCUMENT_KINDS,
    CaseDocument,
    Dispute,
    DocumentSignature,
    JudicialConfirmation,
    Party,
    User,
    utcnow,
)
from .deadlines import due_date, rule_for
from .pdf import html_to_pdf
from .workflow import record

CHINA = ZoneInfo("Asia/Shanghai")
TITLES = {
    "acceptance_notice": "受理通知书", "rejection_notice": "不予受理通知书", "mediation_agreement": "调解协议书",
    "termination_notice": "调解终结书", "referral_letter": "移送函",
}
SIGNING_ROLES = ("claimant", "respondent")
# what is addressed to the respondent: the agreement it signs and the notice that ends the mediation. Notices
# of acceptance or rejection answer the claimant's filing, and a referral letter goes to the receiving body.
RESPONDENT_KINDS = ("mediation_agreement", "termination_notice")
# channels whose agreements the parties may jointly bring to a court for confirmation (人民调解法 Art 33)
CONFIRMABLE_CHANNELS = ("people_mediation", "industry_mediation")
# wording that shows an agreement (or the case cause) settles who owns an IP right, which a court will not
# confirm (民诉法解释 Art 355): a plain list, so the warning can name the words that triggered it
OWNERSHIP_TERMS = ("权属", "归属", "所有权", "专利申请权", "专利权归", "商标权归", "著作权归", "权利人变更为",
                   "转让登记", "著录项目变更")
DECISIONS = ("confirmed", "refused")


def addressed_to_respondent(document: CaseDocument) -> bool:
    """Whether a respondent (invited in its portal, or logged in as one) may list and download ``document``."""
    return document.kind in RESPONDENT_KINDS and document.status != "draft"


class DocumentError(Exception):
    """A document request that cannot be carried out; ``code`` for tests and APIs, messages in zh and en."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


@dataclass(frozen=True)
class OwnershipCheck:
    """Whether an agreement concerns ownership of an IP right, and the words that say so."""

    concerns_ownership: bool
    matched: tuple[str, ...]


def check_ownership(*texts: str | None) -> OwnershipCheck:
    """Look for ``OWNERSHIP_TERMS`` in the agreement's text and the case cause."""
    joined = " ".join(t for t in texts if t)
    matched = tuple(term for term in OWNERSHIP_TERMS if term in joined)
    return OwnershipCheck(bool(matched), matched)


def china_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(CHINA).date()


def _context(dispute: Dispute, kind: str, data: dict, today: date) -> dict:
    parties = [p for p in dispute.parties if p.role in SIGNING_ROLES]
    org = dispute.organization
    return {
        "case": dispute, "kind": kind, "title": TITLES[kind], "today": today,
        "filed_on": (dispute.filed_at or utcnow()).astimezone(CHINA).date(),
        "org_name": org.name_zh if org else "南通市知识产权纠纷快速处理平台",
        "org_name_en": org.name_en if org else "Nantong IP Dispute Platform",
        "claimants": [p for p in parties if p.role == "claimant"],
        "respondents": [p for p in parties if p.role == "respondent"],
        "foreign": any((p.country or "CN") != "CN" for p in parties),
        "facts": (data.get("facts") or dispute.description or "").strip(),
        "terms": [line.strip() for line in (data.get("terms") or "").splitlines() if line.strip()],
        "reason": (data.get("reason") or "").strip(), "recipient": (data.get("recipient") or "").strip(),
    }


def _check_request(dispute: Dispute, kind: str, context: dict) -> None:
    if kind not in DOCUMENT_KINDS:
        raise DocumentError("unknown_kind", f"未知的文书种类：{kind}", f"Unknown document kind: {kind}")
    if kind == "mediation_agreement" and not context["terms"]:
        raise DocumentError("terms_required", "调解协议书须写明协议内容", "An agreement needs its agreed terms")
    if kind == "referral_letter" and not context["recipient"]:
        raise DocumentError("recipient_required", "移送函须写明接收机关", "A referral letter needs its recipient")
    if kind == "mediation_agreement" and _current(dispute.id, kind, status="effective") is not None:
        raise DocumentError("agreement_effective", "调解协议书已经生效，不能重新生成",
                            "The agreement has taken effect and cannot be generated again")


def _current(dispute_id: int, kind: str, status: str | None = None) -> CaseDocument | None:
    query = select(CaseDocument).where(CaseDocument.dispute_id == dispute_id, CaseDocument.kind == kind)
    statuses = (status,) if status else ("issued", "effective", "draft")
    return db.session.scalars(query.where(CaseDocument.status.in_(statuses)).order_by(CaseDocument.id.desc())).first()


def generate_document(dispute: Dispute, kind: str, *, actor: User | None, data: dict | None = None,
                      now: datetime | None = None) -> CaseDocument:
    """Render ``templates/documents/<kind>.html``, make its PDF, store it hashed, record it (flushes only).

    :param data: what the form adds: ``terms`` (agreement, one per line), ``reason``, ``recipient``, ``facts``
    :return: the new document; an earlier one of the same kind is marked superseded
    :raises DocumentError: unknown kind, missing terms or recipient, or an agreement already in effect
    """
    context = _context(dispute, kind, data or {}, china_today(now)) if kind in TITLES else {}
    _check_request(dispute, kind, context)
    # the app's Jinja environment without request-bound context processors: tasks may generate documents too
    html = current_app.jinja_env.get_template(f"documents/{kind}.html").render(**context)
    stored = store_upload(io.BytesIO(html_to_pdf(html, title=context["title"])), f"{kind}.pdf",
                          limits=UploadLimits.from_config(), field="document")
    try:
        for earlier in db.session.scalars(select(CaseDocument).where(
                CaseDocument.dispute_id == dispute.id, CaseDocument.kind == kind,
                CaseDocument.status.in_(("issued", "draft")))):
            earlier.status = "superseded"
        document = CaseDocument(dispute_id=dispute.id, kind=kind, title=context["title"], html=html,
                                pdf_stored_name=stored.stored_name, sha256=stored.sha256, status="issued",
                                created_by_id=actor.id if actor else None, created_at=now or utcnow())
        db.session.add(document)
        db.session.flush()
        record(dispute, "document_generated", actor=actor,
               data={"document_id": document.id, "kind": kind, "sha256": stored.sha256})
    except BaseException:
        discard(stored)
        raise
    return document


def document_path(document: CaseDocument):
    """The stored PDF's path (the caller checks permission first); FileNotFoundError when it is gone."""
    return open_evidence(SimpleNamespace(stored_name=document.pdf_stored_name))  # type: ignore[arg-type]


def file_sha256(document: CaseDocument) -> str:
    digest = hashlib.sha256()
    with document_path(document).open("rb") as f:
        while chunk := f.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def signable_parties(document: CaseDocument) -> list[Party]:
    """The parties whose signatures make ``document`` effective: every claimant and respondent."""
    dispute = db.session.get(Dispute, document.dispute_id)
    return [p for p in dispute.parties if p.role in SIGNING_ROLES] if dispute else []


def _check_signable(document: CaseDocument, party: Party) -> None:
    if document.kind != "mediation_agreement" or document.status != "issued":
        raise DocumentError("not_signable", "该文书无需签署或已不能签署", "This document cannot be signed")
    if party.dispute_id != document.dispute_id or party.role not in SIGNING_ROLES:
        raise DocumentError("not_a_party", "您不是该协议的当事人", "You are not a party to this agreement")
    if any(s.party_id == party.id for s in document.signatures):
        raise DocumentError("already_signed", "您已签署该协议", "You have already signed this agreement")
    if file_sha256(document) != document.sha256:
        raise DocumentError("document_altered", "协议文件与登记的哈希值不符，请联系调解员",
                            "The agreement's file does not match its recorded hash; contact the mediator")


def sign_document(document: CaseDocument, party: Party, *, ip: str | None, user_agent: str | None,
                  user: User | None = None, now: datetime | None = None) -> DocumentSignature:
    """Record ``party``'s online signature of an agreement, with the hash signed (flushes, never commits).

    Once every claimant and respondent has signed, the agreement takes effect; for people's and industry
    mediation the judicial-confirmation window opens then. Usable by any entry point that has established
    who the party is (login, claimant portal, respondent invitation).

    :param user: the logged-in user signing, None for a portal visitor
    :raises DocumentError: not_signable, not_a_party, already_signed or document_altered
    """
    _check_signable(document, party)
    now = now or utcnow()
    signature = DocumentSignature(
        party_id=party.id, user_id=user.id if user else None, signer_name=party.name, signer_role=party.role,
        signed_at=now, ip_address=(ip or "")[:64] or None, user_agent=(user_agent or "")[:512] or None,
        document_sha256=document.sha256,
    )
    document.signatures.append(signature)
    db.session.flush()
    dispute = db.session.get(Dispute, document.dispute_id)
    record(dispute, "document_signed", actor=user, actor_label=f"{party.name}（{TITLES[document.kind]}签署）",
           data={"document_id": document.id, "party_id": party.id, "role": party.role, "sha256": document.sha256})
    signed = {s.party_id for s in document.signatures}
    if all(p.id in signed for p in signable_parties(document)):
        _take_effect(document, dispute, now)
    return signature


def _take_effect(document: CaseDocument, dispute: Dispute, now: datetime) -> None:
    document.status, document.effective_at = "effective", now
    data: dict = {"document_id": document.id}
    if dispute.channel in CONFIRMABLE_CHANNELS:
        check = check_ownership(re.sub(r"<[^>]+>", " ", document.html), dispute.cause_name)
        rule = rule_for(dispute.channel, "judicial_confirmation_application")
        confirmation = JudicialConfirmation(
            dispute_id=dispute.id, document_id=document.id, window_ends_on=due_date(china_today(now), rule),
            ownership_warning=check.concerns_ownership,
            notes=("涉及知识产权权属（" + "、".join(check.matched) + "），法院不予确认") if check.matched else None,
        )
        db.session.add(confirmation)
        db.session.flush()
        data |= {"window_ends_on": confirmation.window_ends_on.isoformat(), "ownership_warning": check.matched}
    record(dispute, "agreement_effective", data=data)


def record_confirmation(confirmation: JudicialConfirmation, *, actor: User | None = None,
                        applied_on: date | None = None, court_name: str | None = None,
                        decision: str | None = None, decided_on: date | None = None) -> JudicialConfirmation:
    """Record the joint application to the court and the court's decision (flushes, never commits).

    :param decision: confirmed | refused | None (not yet decided)
    :raises DocumentError: an unknown decision, a decision without an application, dates out of order
    """
    court = (court_name or "").strip() or None
    if decision not in (None, *DECISIONS):
        raise DocumentError("bad_decision", "未知的裁定结果", "Unknown decision")
    if applied_on and applied_on > confirmation.window_ends_on:
        raise DocumentError("application_late", "申请日期晚于三十日申请期限",
                            "The application date is past the 30-day window")
    if (decision or decided_on) and not (applied_on and court and decision and decided_on):
        raise DocumentError("decision_incomplete", "登记裁定须同时填写申请日期、法院、结果和裁定日期",
                            "A decision needs the application date, the court, the result and its date")
    if applied_on and decided_on and decided_on < applied_on:
        raise DocumentError("dates_out_of_order", "裁定日期不能早于申请日期",
                            "The decision cannot be dated before the application")
    confirmation.applied_on, confirmation.court_name = applied_on, court
    confirmation.decision, confirmation.decided_on = decision, decided_on
    db.session.flush()
    dispute = db.session.get(Dispute, confirmation.dispute_id)
    record(dispute, "judicial_confirmation_recorded", actor=actor, data={
        "confirmation_id": confirmation.id, "applied_on": applied_on.isoformat() if applied_on else None,
        "court_name": court, "decision": decision, "decided_on": decided_on.isoformat() if decided_on else None,
    })
    return confirmation
