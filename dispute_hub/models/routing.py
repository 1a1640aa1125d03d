"""Routing data that admins and mediators change: rule-table versions and classification corrections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .types import UTCDateTime, utcnow


class RuleTableVersion(db.Model):
    """A rule table edited by an admin (YAML, validated before saving); at most one is active.

    With none active, routing uses the table shipped in the repository (routing/rules/).
    """

    __tablename__ = "rule_table_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(String(512))
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()


class ClassificationCorrection(db.Model):
    """A mediator's correction of a case's classification: who, when, why, before and after.

    Corrections feed ``flask retrain-classifier``, which re-weights the classifier from them.
    """

    __tablename__ = "classification_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(Text)
    # {"is_ip", "ip_type", "patent_kind", "cause_name", "cause_code"} as the classifier had it and as corrected
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    # the weights version that first learnt from this correction (None: not used for training yet)
    trained_into: Mapped[str | None] = mapped_column(String(64))

    corrected_by: Mapped[User | None] = relationship()
