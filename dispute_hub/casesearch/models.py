"""Respondent entities: the companies and people that cases are brought against, across cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models.types import UTCDateTime, utcnow


class RespondentEntity(db.Model):
    """One respondent as a legal person or individual, whatever spelling each filing used.

    ``id_number`` (USCC or resident ID) decides when known; otherwise ``name_core`` (the normalised
    name) and, for companies, a fuzzy match among the entities sharing ``block`` (the core's start).
    """

    __tablename__ = "respondent_entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="company")
    id_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    name_core: Mapped[str] = mapped_column(String(256), index=True)
    block: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    links: Mapped[list[RespondentLink]] = relationship(back_populates="entity", cascade="all, delete-orphan")


class RespondentLink(db.Model):
    """A respondent party of one case resolved to its entity, with how sure the match is (0–100)."""

    __tablename__ = "respondent_links"

    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("respondent_entities.id", ondelete="CASCADE"), index=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float, default=100.0)
    matched_by: Mapped[str] = mapped_column(String(16))  # id_number | name | fuzzy | new
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entity: Mapped[RespondentEntity] = relationship(back_populates="links")
