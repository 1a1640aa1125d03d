"""Search outbox: rows written in the same transaction as a case change, drained by a task."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32), default="dispute")
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = mapped_column(String(8), default="index")  # index | delete
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


def enqueue_index(entity_id: int, op: str = "index", entity: str = "dispute") -> SearchOutbox:
    """Add an outbox row to the current session; it commits with the caller's transaction."""
    row = SearchOutbox(entity=entity, entity_id=entity_id, op=op)
    db.session.add(row)
    return row
