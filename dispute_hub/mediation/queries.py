"""Read-only case queries, always inside the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import CaseEvent, Dispute
from ..permissions import visible_cases

PAGE_SIZE = 50


@dataclass
class CasePage:
    items: list[Dispute]
    total: int
    page: int
    pages: int


def list_cases(user, tracked_ids=(), *, status: str | None = None, channel: str | None = None,
               page: int = 1) -> CasePage:
    """The cases ``user`` may open, newest first, one page at a time."""
    query = visible_cases(user, tracked_ids)
    if status:
        query = query.where(Dispute.status == status)
    if channel:
        query = query.where(Dispute.channel == channel)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = db.session.execute(
        query.order_by(Dispute.filed_at.desc(), Dispute.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    return CasePage(list(items), total, page, pages)


def case_events(dispute: Dispute) -> list[CaseEvent]:
    return list(db.session.execute(
        select(CaseEvent).where(CaseEvent.dispute_id == dispute.id).order_by(CaseEvent.seq)
    ).scalars())
