"""The search document of a case: facts, title, filter fields and the payload hits carry back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from search import SearchDocument

from ..extensions import db
from ..models import Dispute

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 500


def days_to_close(dispute: Dispute) -> int | None:
    """Calendar days from filing to closing, suspended time left out; None while the case is open."""
    if dispute.closed_at is None or dispute.filed_at is None:
        return None
    days = (dispute.closed_at - dispute.filed_at).days - (dispute.suspended_days or 0)
    return max(days, 0)


def duplicate_numbers(dispute: Dispute) -> list[str]:
    """Tracking numbers intake flagged this case as a possible duplicate of."""
    return [f["tracking_no"] for f in dispute.flags or () if f.get("code") == "possible_duplicate" and
            f.get("tracking_no")]


def document_for(dispute: Dispute) -> SearchDocument:
    """Build the search document of one case (its organisation should be loaded, or it is fetched)."""
    org = dispute.organization
    return SearchDocument(
        id=str(dispute.id),
        text=dispute.description or "",
        title=dispute.title or "",
        ip_type=dispute.ip_type,
        status=dispute.status,
        channel=dispute.channel,
        organization=org.code if org is not None else None,
        district=dispute.district_code,
        cause_name=dispute.cause_name,
        year=dispute.filed_at.astimezone(SHANGHAI).year if dispute.filed_at else None,
        closure=dispute.closure,
        extra={
            "tracking_no": dispute.tracking_no,
            "external_id": dispute.external_id,
            "cause_name": dispute.cause_name,
            "ip_type": dispute.ip_type,
            "channel": dispute.channel,
            "closure": dispute.closure,
            "status": dispute.status,
            "days_to_close": days_to_close(dispute),
            "duplicates": duplicate_numbers(dispute),
        },
    )


def load_disputes(ids: Sequence[int]) -> dict[int, Dispute]:
    """The disputes with these ids (missing ones left out), organisations and parties loaded."""
    if not ids:
        return {}
    query = select(Dispute).where(Dispute.id.in_(ids)).options(
        selectinload(Dispute.organization), selectinload(Dispute.parties))
    return {dispute.id: dispute for dispute in db.session.execute(query).scalars()}


def iter_dispute_batches(batch: int = BATCH) -> Iterator[list[Dispute]]:
    """Every case in id order, a batch at a time (keyset paging, so memory stays flat)."""
    last = 0
    while True:
        ids = db.session.execute(
            select(Dispute.id).where(Dispute.id > last).order_by(Dispute.id).limit(batch)).scalars().all()
        if not ids:
            return
        found = load_disputes(ids)
        yield [found[i] for i in ids if i in found]
        last = ids[-1]


def documents_of(disputes: Iterable[Dispute]) -> Iterator[SearchDocument]:
    for dispute in disputes:
        yield document_for(dispute)
