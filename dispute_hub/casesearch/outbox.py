"""Draining the search outbox: the cases changed since the last drain go to the backend. Never commits."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from search import SearchBackend

from ..extensions import db
from ..models import SearchOutbox, utcnow
from .documents import document_for, load_disputes
from .entities import link_respondents

log = logging.getLogger(__name__)
BATCH = 200
ERROR_CHARS = 2000


@dataclass
class DrainReport:
    """What one drain did: rows handled, documents indexed and deleted, and the backend error if any."""

    rows: int = 0
    indexed: int = 0
    deleted: int = 0
    failed: int = 0
    error: str | None = None

    def add(self, other: DrainReport) -> None:
        self.rows += other.rows
        self.indexed += other.indexed
        self.deleted += other.deleted
        self.failed += other.failed
        self.error = other.error or self.error

    def as_dict(self) -> dict:
        return asdict(self)


def pending_rows(limit: int = BATCH) -> list[SearchOutbox]:
    """The oldest unprocessed rows; on PostgreSQL locked, skipping rows another drain holds."""
    query = select(SearchOutbox).where(SearchOutbox.processed_at.is_(None)).order_by(SearchOutbox.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.execute(query).scalars())


def pending_count() -> int:
    return db.session.execute(
        select(func.count()).select_from(SearchOutbox).where(SearchOutbox.processed_at.is_(None))).scalar_one()


def _fail(rows: list[SearchOutbox], error: str) -> None:
    for row in rows:
        row.attempts = (row.attempts or 0) + 1
        row.last_error = error[:ERROR_CHARS]


def drain_batch(backend: SearchBackend, limit: int = BATCH) -> DrainReport:
    """Send one batch of outbox rows to the backend and mark them processed; flushes.

    The latest row of a case decides: it is indexed as it is now in the database, or deleted from the
    index when the row says so or the case is gone. When the backend fails, every row of the batch keeps
    its place with ``attempts`` raised and ``last_error`` set, so a later drain sends it again.
    """
    rows = pending_rows(limit)
    if not rows:
        return DrainReport()
    report = DrainReport(rows=len(rows))
    latest = {row.entity_id: row.op for row in rows if row.entity == "dispute"}
    disputes = load_disputes([i for i, op in latest.items() if op == "index"])
    gone = [i for i in latest if i not in disputes]
    try:
        documents = [document_for(dispute) for dispute in disputes.values()]
        link_respondents(disputes.values())
        if documents:
            backend.bulk_index(documents)
        for dispute_id in gone:
            backend.delete(str(dispute_id))
    except Exception as exc:  # any backend failure: the rows stay for the next drain
        log.warning("search outbox: %d rows not indexed: %s", len(rows), exc)
        _fail(rows, f"{type(exc).__name__}: {exc}")
        report.failed, report.error = len(rows), f"{type(exc).__name__}: {exc}"
        db.session.flush()
        return report
    now = utcnow()
    for row in rows:
        row.attempts = (row.attempts or 0) + 1
        row.processed_at = now
    report.indexed, report.deleted = len(documents), len(gone)
    db.session.flush()
    return report
