"""Mediation tasks: send notifications (retried with backoff) and sweep deadlines. Ids in, reload, commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Dispute, Notification, utcnow
from ..tasks import dispatch
from .notifications import cases_near_deadline, china_today, notify_deadline
from .senders import deliver

MAX_RETRIES = 5  # Celery retries of one send: 1, 2, 4, 8, 16 minutes apart
MAX_ATTEMPTS = 20  # after that, send_pending leaves a failed notification alone
PENDING_GRACE_SECONDS = 300  # a pending row younger than this is still on its way from the after-commit dispatch


def _locking() -> bool:
    return db.engine.dialect.name == "postgresql"


def backoff(retries: int) -> int:
    """Seconds to wait before retry number ``retries + 1``."""
    return min(60 * 2**retries, 3600)


def dispatch_notifications(ids: Iterable[int]) -> None:
    """Queue the sending of notifications created by ``notify`` — call after the transaction commits."""
    for notification_id in ids:
        dispatch(send_notification, notification_id)


def _send_one(notification_id: int) -> str:
    """Send one notification under a row lock, so two workers never both send it; commits."""
    notification = db.session.get(Notification, notification_id, with_for_update=_locking())
    if notification is None:
        db.session.rollback()
        return "missing"
    if notification.status == "sent":
        db.session.rollback()
        return "already_sent"
    ok = deliver(notification)
    db.session.commit()
    return "sent" if ok else "failed"


@shared_task(name="mediation.send_notification", bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_notification(self, notification_id: int) -> str:
    """Send one notification (idempotent: a sent one is skipped); a failure is retried with backoff.

    Run inline (embedded mode), a failure is not retried on the spot, which would hold up the request:
    the row stays ``failed`` for ``mediation.send_pending``.

    :return: "sent", "already_sent", "missing" or "failed"
    """
    outcome = _send_one(notification_id)
    if outcome == "failed" and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(countdown=backoff(self.request.retries))
    return outcome


@shared_task(name="mediation.send_pending")
def send_pending(limit: int = 200, grace_seconds: int = PENDING_GRACE_SECONDS) -> dict[str, int]:
    """Send notifications whose dispatch was lost (pending) or that failed, oldest first.

    :return: counts ``{"sent": n, "failed": n}``
    """
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    ids = db.session.execute(
        select(Notification.id).where(or_(
            and_(Notification.status == "pending", Notification.created_at <= cutoff),
            and_(Notification.status == "failed", Notification.attempts < MAX_ATTEMPTS),
        )).order_by(Notification.id).limit(limit)
    ).scalars().all()
    db.session.rollback()
    counts = {"sent": 0, "failed": 0}
    for notification_id in ids:
        outcome = _send_one(notification_id)
        if outcome in counts:
            counts[outcome] += 1
    return counts


@shared_task(name="mediation.sweep_deadlines")
def sweep_deadlines(today: str | None = None) -> dict[str, int]:
    """Warn before and escalate after each open case's deadline; running it again sends nothing twice.

    :param today: ISO date to sweep as of (default: today in Beijing)
    :return: counts ``{"checked", "warned", "escalated", "notifications"}``; warned and escalated count cases
        notified by this run
    """
    day = date.fromisoformat(today) if today else china_today()
    warn_days = int(current_app.config.get("DEADLINE_WARN_DAYS", 3))
    counts = {"checked": 0, "warned": 0, "escalated": 0, "notifications": 0}
    ids = cases_near_deadline(day, warn_days)
    db.session.rollback()
    for dispute_id in ids:
        dispute = db.session.get(Dispute, dispute_id, with_for_update=_locking())
        if dispute is None:
            db.session.rollback()
            continue
        counts["checked"] += 1
        state, rows = notify_deadline(dispute, day, warn_days)
        new_ids = [row.id for row in rows]
        db.session.commit()
        if new_ids:
            counts["warned" if state == "due_soon" else "escalated"] += 1
            counts["notifications"] += len(new_ids)
            dispatch_notifications(new_ids)
    return counts
