"""Disputes and what belongs to them: parties, IP rights, evidence, court proceedings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import CLOSURES, STATUSES  # noqa: F401  re-exported for the models package
from .accounts import User
from .reference import Organization
from .types import UTCDateTime, utcnow

# DESIGN.md §5; the transition table lives in mediation/
PARTY_ROLES = ("claimant", "respondent", "agent")
PARTY_KINDS = ("person", "company")


class Dispute(db.Model):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(20), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True, default="submitted")
    closure: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="zh")

    channel: Mapped[str | None] = mapped_column(String(32), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    access_code_hash: Mapped[str | None] = mapped_column(String(256))

    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"), index=True)
    industry: Mapped[str | None] = mapped_column(String(32))
    ip_type: Mapped[str | None] = mapped_column(String(32), index=True)
    patent_kind: Mapped[str | None] = mapped_column(String(16))
    cause_code: Mapped[str | None] = mapped_column(String(16), index=True)
    cause_name: Mapped[str | None] = mapped_column(String(128))
    taxonomy_version: Mapped[str | None] = mapped_column(String(16))
    # the classifier's and the router's full output, with their evidence and reasons
    classification: Mapped[dict | None] = mapped_column(JSON)
    routing_decision: Mapped[dict | None] = mapped_column(JSON)
    signals: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)

    preferred_channel: Mapped[str | None] = mapped_column(String(32))
    claims: Mapped[dict] = mapped_column(JSON, default=dict)
    damages_claimed: Mapped[float | None] = mapped_column(Numeric(14, 2))
    arbitration_agreement: Mapped[bool] = mapped_column(Boolean, default=False)
    existing_proceedings: Mapped[dict] = mapped_column(JSON, default=dict)
    consent_online: Mapped[bool] = mapped_column(Boolean, default=True)
    discovered_on: Mapped[date | None] = mapped_column(Date)

    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # the deadline rule (mediation/deadlines rules.toml id, e.g. "people_mediation.conclude") deadline_at follows
    deadline_rule: Mapped[str | None] = mapped_column(String(64))
    suspended_days: Mapped[int] = mapped_column(Integer, default=0)
    # 1–5 ratings at the end: the claimant's, and the respondent's (DESIGN.md §6 counts each rating)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    respondent_satisfaction: Mapped[int | None] = mapped_column(Integer)

    # head of the hash chain of case events, so that deleting the newest event is detected too
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}
    # statistics (stats/queries.py): counts of cases closed in a period read the index alone; first-instance
    # conclusions join their case by id and read its date and breakdown columns from this index, not the table
    __table_args__ = (
        Index("ix_disputes_closed_at_accepted_at", "closed_at", "accepted_at"),
        Index("ix_disputes_id_stats", "id", "accepted_at", "channel", "organization_id", "district_code", "ip_type",
              "cause_code"),
    )

    organization: Mapped[Organization | None] = relationship()
    mediator: Mapped[User | None] = relationship(foreign_keys=[mediator_id])
    claimant_user: Mapped[User | None] = relationship(foreign_keys=[claimant_user_id])
    parties: Mapped[list[Party]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="Party.id"
    )
    ip_rights: Mapped[list[IPRight]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="IPRight.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="Evidence.id"
    )
    court_proceedings: Mapped[list[CourtProceeding]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="CourtProceeding.id"
    )

    def parties_in(self, role: str) -> list[Party]:
        return [p for p in self.parties if p.role == role]

    def __repr__(self) -> str:
        return f"<Dispute {self.tracking_no} {self.status}>"


class Party(db.Model):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="company")
    name: Mapped[str] = mapped_column(String(256))
    # company suffixes, brackets and width folded: the key duplicate and repeat checks look up
    name_normalized: Mapped[str] = mapped_column(String(256), index=True)
    id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    country: Mapped[str] = mapped_column(String(2), default="CN")
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(512))
    online_store: Mapped[str | None] = mapped_column(String(512))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # a respondent's invitation: the code is shown once in the invitation and stored hashed
    invite_code_hash: Mapped[str | None] = mapped_column(String(256))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str | None] = mapped_column(String(16))  # consented | declined
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dispute: Mapped[Dispute] = relationship(back_populates="parties")


class IPRight(db.Model):
    __tablename__ = "ip_rights"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    # None: the claimant gave a number or title but not the kind of right (the classifier decides)
    ip_type: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(64))
    number_normalized: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(String(256))
    owner: Mapped[str | None] = mapped_column(String(256))

    dispute: Mapped[Dispute] = relationship(back_populates="ip_rights")


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(512))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dispute: Mapped[Dispute] = relationship(back_populates="evidence")


class CourtProceeding(db.Model):
    """A court case that a dispute became or was referred from; feeds 服判息诉率."""

    __tablename__ = "court_proceedings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    court_case_no: Mapped[str | None] = mapped_column(String(64), index=True)
    court_name: Mapped[str | None] = mapped_column(String(128))
    filed_at: Mapped[date | None] = mapped_column(Date)
    first_instance_concluded_at: Mapped[date | None] = mapped_column(Date, index=True)
    # judgment, ruling, mediation, withdrawal
    conclusion_type: Mapped[str | None] = mapped_column(String(16))
    served_at: Mapped[date | None] = mapped_column(Date)
    party_abroad: Mapped[bool] = mapped_column(Boolean, default=False)
    appeal_filed_at: Mapped[date | None] = mapped_column(Date)
    appeal_period_ends_on: Mapped[date | None] = mapped_column(Date)

    # the conclusions of a period with what their appeal state needs, read from the index alone (stats)
    __table_args__ = (
        Index("ix_court_proceedings_concluded_stats", "first_instance_concluded_at", "dispute_id", "conclusion_type",
              "appeal_filed_at", "appeal_period_ends_on"),
    )

    dispute: Mapped[Dispute] = relationship(back_populates="court_proceedings")


class TrackingCounter(db.Model):
    """Last tracking number issued per year; rows are locked while a number is taken (gap-free)."""

    __tablename__ = "tracking_counters"
    __table_args__ = (UniqueConstraint("year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
