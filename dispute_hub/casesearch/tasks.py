"""Search tasks: drain the outbox, retried with exponential backoff while the backend is down."""

from __future__ import annotations

from celery import shared_task

from ..extensions import db
from .backend import search_state
from .outbox import BATCH, DrainReport, drain_batch

MAX_RETRIES = 8  # 10 s, 20 s, 40 s … about 40 minutes in all; beat drains every minute meanwhile
MAX_BATCHES = 50  # one run handles at most this many batches; the rest is the next run's


def backoff(retries: int) -> int:
    """Seconds before retry number ``retries + 1``."""
    return min(10 * 2**retries, 900)


def drain(batches: int = MAX_BATCHES, batch: int = BATCH) -> DrainReport:
    """Drain batch after batch, committing each, until the outbox is empty or the backend fails."""
    state = search_state()
    total = DrainReport()
    for _ in range(batches):
        report = drain_batch(state.backend, batch)
        db.session.commit()
        total.add(report)
        if report.failed:
            state.record_failure()
            break
        if report.rows < batch:
            state.record_success()
            break
    return total


@shared_task(name="search.drain_outbox", bind=True, max_retries=MAX_RETRIES)
def drain_outbox(self, batches: int = MAX_BATCHES) -> dict:
    """Index the cases queued in the search outbox; idempotent.

    Run inline (embedded mode) a failure is not retried on the spot, which would hold up the request:
    the rows wait for the next drain. On a worker the task retries with backoff.

    :return: counts ``{"rows", "indexed", "deleted", "failed", "error"}``
    """
    report = drain(batches)
    if report.failed and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(countdown=backoff(self.request.retries))
    return report.as_dict()
