"""Append-only case event log, hash-chained per case so that tampering is detectable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .cases import Dispute
from .types import UTCDateTime, utcnow

GENESIS = "0" * 64


class CaseEvent(db.Model):
    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("dispute_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # who acted, as shown in the timeline: a user's name, "claimant (portal)", "system"...
    actor_label: Mapped[str] = mapped_column(String(128), default="system")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise PermissionError("case events are append-only")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise PermissionError("case events are append-only")


def event_hash(dispute_id: int, seq: int, kind: str, from_status: str | None, to_status: str | None,
               actor_id: int | None, actor_label: str, data: dict, created_at: datetime,
               prev_hash: str) -> str:
    """SHA-256 of the event's canonical JSON, including the previous event's hash."""
    payload = {
        "dispute_id": dispute_id, "seq": seq, "kind": kind, "from": from_status, "to": to_status,
        "actor_id": actor_id, "actor": actor_label, "data": data,
        "at": created_at.isoformat(timespec="microseconds"), "prev": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_of(ev: CaseEvent) -> str:
    return event_hash(ev.dispute_id, ev.seq, ev.kind, ev.from_status, ev.to_status, ev.actor_id,
                      ev.actor_label, ev.data or {}, ev.created_at, ev.prev_hash)


def append_event(dispute: Dispute, kind: str, *, actor=None, actor_label: str | None = None,
                 from_status: str | None = None, to_status: str | None = None,
                 data: dict | None = None, at: datetime | None = None) -> CaseEvent:
    """Append the next event of ``dispute``'s chain to the session (flushes, never commits).

    :param actor: the acting ``User`` or None for the system
    :param actor_label: shown in the timeline; defaults to the actor's name or "system"
    :param at: when it happened (aware); now by default, earlier for imported history
    :return: the new event; the dispute's chain head is moved to it
    """
    if dispute.id is None:
        db.session.flush()
    created = at or utcnow()
    ev = CaseEvent(
        dispute_id=dispute.id,
        seq=(dispute.event_count or 0) + 1,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.name if actor is not None else "system"),
        data=data or {},
        created_at=created,
        prev_hash=dispute.last_event_hash or GENESIS,
    )
    ev.hash = _hash_of(ev)
    db.session.add(ev)
    dispute.event_count = ev.seq
    dispute.last_event_hash = ev.hash
    return ev


@dataclass
class ChainReport:
    """Outcome of ``verify_chain``: ``ok`` and, when not, each problem found."""

    dispute_id: int
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(dispute: Dispute) -> ChainReport:
    """Recompute the chain of ``dispute`` from the database and report any edit, gap or deletion."""
    report = ChainReport(dispute.id)
    rows = db.session.execute(
        select(CaseEvent).where(CaseEvent.dispute_id == dispute.id).order_by(CaseEvent.seq)
        .execution_options(populate_existing=True)
    ).scalars().all()
    prev = GENESIS
    for expected_seq, ev in enumerate(rows, start=1):
        report.checked += 1
        if ev.seq != expected_seq:
            report.problems.append(f"event {expected_seq} is missing (next found: {ev.seq})")
            break
        if ev.prev_hash != prev:
            report.problems.append(f"event {ev.seq} does not link to the event before it")
        if _hash_of(ev) != ev.hash:
            report.problems.append(f"event {ev.seq} was altered after it was written")
        prev = ev.hash
    if len(rows) != (dispute.event_count or 0):
        report.problems.append(
            f"the case records {dispute.event_count} events but {len(rows)} are stored"
        )
    elif rows and rows[-1].hash != dispute.last_event_hash:
        report.problems.append("the newest event is not the one the case records")
    return report
