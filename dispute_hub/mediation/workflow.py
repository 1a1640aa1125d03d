"""Workflow service: every change of a case's state goes through ``perform`` (never commits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import CaseEvent, Dispute, User, append_event, enqueue_index, utcnow
from .transitions import TERMINAL_STATES, TransitionError, check


class StaleCase(Exception):
    """The case changed since the user loaded it; nothing was saved."""

    message_zh = "案件已被他人更新，请刷新页面后再操作；您的操作未保存。"
    message_en = "Someone else changed this case in the meantime. Reload the page and try again; nothing was saved."


def _state_before_suspension(dispute: Dispute) -> str | None:
    return db.session.execute(
        select(CaseEvent.from_status).where(CaseEvent.dispute_id == dispute.id, CaseEvent.to_status == "suspended")
        .order_by(CaseEvent.seq.desc()).limit(1)
    ).scalar_one_or_none()


def perform(dispute: Dispute, action: str, *, role: str, actor: User | None = None, actor_label: str | None = None,
            reason: str | None = None, data: dict | None = None, expected_version: int | None = None,
            now: datetime | None = None) -> CaseEvent:
    """Apply ``action`` to ``dispute`` as ``role`` and record it as a hash-chained event.

    :param role: the acting role ("claimant" for a portal visitor, "system" for tasks)
    :param expected_version: the version the user saw; a different current version raises StaleCase
    :raises TransitionError: the move is not allowed (message in zh and en)
    :raises StaleCase: the case changed since ``expected_version``
    """
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase()
    resumed_to = _state_before_suspension(dispute) if action == "resume" else None
    row = check(action, status=dispute.status, channel=dispute.channel, role=role, reason=reason,
                resumed_to=resumed_to)
    now = now or utcnow()
    before = dispute.status
    dispute.status = row.to_state
    if row.closure:
        dispute.closure = row.closure
    if row.to_state == "accepted" and dispute.accepted_at is None:
        dispute.accepted_at = now
    if row.to_state in TERMINAL_STATES and dispute.closed_at is None:
        dispute.closed_at = now
    payload = {"action": action, **(data or {})}
    if reason:
        payload["reason"] = reason.strip()
    event = append_event(dispute, "transition", actor=actor, actor_label=actor_label, from_status=before,
                         to_status=row.to_state, data=payload, at=now)
    enqueue_index(dispute.id)
    return event


def record(dispute: Dispute, kind: str, *, actor: User | None = None, actor_label: str | None = None,
           data: dict | None = None) -> CaseEvent:
    """An event that changes no state (a note, more evidence, a rating), in the same chain."""
    return append_event(dispute, kind, actor=actor, actor_label=actor_label, data=data or {})


__all__ = ["StaleCase", "TransitionError", "perform", "record"]
