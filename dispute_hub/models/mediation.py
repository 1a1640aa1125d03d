"""Mediation records: sessions, generated documents and their signatures, judicial confirmation, notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .types import UTCDateTime, utcnow

DOCUMENT_KINDS = ("acceptance_notice", "rejection_notice", "mediation_agreement", "termination_notice",
                  "referral_letter")


class MediationSession(db.Model):
    """A scheduled mediation session (online or in person) and what came of it."""

    __tablename__ = "mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    mode: Mapped[str] = mapped_column(String(16), default="online")  # online | in_person
    location: Mapped[str | None] = mapped_column(String(512))  # address or meeting link
    notes: Mapped[str | None] = mapped_column(Text)
    # held | postponed | cancelled | no_show; None while it is still to come
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseDocument(db.Model):
    """A document generated for a case (notice, agreement, letter), kept as HTML and PDF with its hash."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(256))
    html: Mapped[str] = mapped_column(Text)
    # the PDF in the upload folder (random 64-hex name, like evidence), and SHA-256 of its bytes
    pdf_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    # draft | issued | effective (an agreement, once every party has signed) | superseded
    status: Mapped[str] = mapped_column(String(16), default="issued")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    signatures: Mapped[list[DocumentSignature]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentSignature.id"
    )


class DocumentSignature(db.Model):
    """One party's online signature of a document: who, when, from where, and the hash they signed."""

    __tablename__ = "document_signatures"
    __table_args__ = (UniqueConstraint("document_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("case_documents.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(String(256))
    signer_role: Mapped[str] = mapped_column(String(16))  # claimant | respondent | mediator
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    document_sha256: Mapped[str] = mapped_column(String(64))

    document: Mapped[CaseDocument] = relationship(back_populates="signatures")


class JudicialConfirmation(db.Model):
    """Judicial confirmation of a people's or industry mediation agreement (人民调解法 Art 33)."""

    __tablename__ = "judicial_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    window_ends_on: Mapped[date] = mapped_column(Date)
    applied_on: Mapped[date | None] = mapped_column(Date)
    court_name: Mapped[str | None] = mapped_column(String(128))
    decision: Mapped[str | None] = mapped_column(String(16))  # confirmed | refused
    decided_on: Mapped[date | None] = mapped_column(Date)
    # the agreement confirms who owns an IP right: a court refuses to confirm that (民诉法解释 Art 355)
    ownership_warning: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class Notification(db.Model):
    """A message to a party or a mediator, sent by a task after commit; ``dedupe_key`` makes sending idempotent."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient_name: Mapped[str | None] = mapped_column(String(256))
    address: Mapped[str] = mapped_column(String(254))  # email address or phone number
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    kind: Mapped[str] = mapped_column(String(32))  # accepted, info_requested, session_scheduled, deadline_warning...
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User | None] = relationship()
