"""Platform-wide tasks. Feature packages keep theirs in their own tasks.py."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import Dispute, verify_chain

log = logging.getLogger(__name__)


def dispatch(task, *args) -> None:
    """Queue ``task`` after the caller's commit; in the embedded mode it runs here and now.

    A failure is logged and never undoes or blocks what was committed: periodic tasks catch up
    (e.g. routing.process_pending for filings).
    """
    try:
        task.delay(*args)
    except Exception:
        log.exception("task %s%r failed; it will be retried by its periodic catch-up", task.name, args)
        # inline, the task used the request's session: leave it usable for the response
        db.session.rollback()
        if current_app.config.get("TASKS_RAISE"):
            raise


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
