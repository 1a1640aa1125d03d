"""Platform-wide tasks. Feature packages keep theirs in their own tasks.py."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy import select

from .extensions import db
from .models import Dispute, verify_chain


@shared_task(name="maintenance.verify_event_chains")
def verify_event_chains(dispute_ids: list[int] | None = None) -> dict:
    """Recompute the hash chain of the given cases (all when None) and report broken ones.

    :return: ``{"checked": n, "broken": {tracking_no: [problem, ...]}}``
    """
    query = select(Dispute).order_by(Dispute.id)
    if dispute_ids is not None:
        query = query.where(Dispute.id.in_(dispute_ids))
    broken: dict[str, list[str]] = {}
    checked = 0
    for dispute in db.session.execute(query.execution_options(yield_per=500)).scalars():
        checked += 1
        report = verify_chain(dispute)
        if not report.ok:
            broken[dispute.tracking_no] = report.problems
    return {"checked": checked, "broken": broken}
