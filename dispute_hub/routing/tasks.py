"""Routing tasks: ids in, reload, call the service, commit."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy import select

from ..extensions import db
from ..models import Dispute
from .services import process_new_filing


@shared_task(name="routing.process_new_filing", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def process_new_filing_task(dispute_id: int) -> bool:
    """Classify, route and propose a mediator for one new filing (idempotent)."""
    dispute = db.session.get(Dispute, dispute_id, with_for_update=db.engine.dialect.name == "postgresql")
    if dispute is None:
        return False
    done = process_new_filing(dispute)
    db.session.commit()
    return done


@shared_task(name="routing.process_pending")
def process_pending(limit: int = 500) -> int:
    """Catch up on filings whose processing after commit failed or was lost; returns how many were done."""
    ids = db.session.execute(
        select(Dispute.id).where(Dispute.status == "submitted", Dispute.classification.is_(None))
        .order_by(Dispute.id).limit(limit)
    ).scalars().all()
    done = 0
    for dispute_id in ids:
        done += bool(process_new_filing(db.session.get(Dispute, dispute_id)))
        db.session.commit()
    return done
