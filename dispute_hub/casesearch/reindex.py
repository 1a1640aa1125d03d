"""Rebuild the whole search index from the database; a batch job that commits as it goes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import func, select, update

from search import SearchBackend, SearchDocument

from ..extensions import db
from ..models import Dispute, SearchOutbox, utcnow
from .documents import document_for, iter_dispute_batches
from .entities import link_respondents

_CHUNK = 1000


def count_cases() -> int:
    return db.session.execute(select(func.count()).select_from(Dispute)).scalar_one()


def reindex_all(backend: SearchBackend, progress: Callable[[int], object] = lambda _n: None) -> int:
    """Replace the index with every case, link every respondent, and settle the outbox; return the count.

    Idempotent: running it again gives the same index. Readers keep the old index until the new one is
    complete (Elasticsearch swaps an alias; the embedded index commits once). Outbox rows that were
    already waiting when the reindex began are covered by it and marked processed; rows written meanwhile
    are left for the next drain.

    :param progress: called with the number of cases of each batch done
    """
    waiting = list(db.session.execute(
        select(SearchOutbox.id).where(SearchOutbox.processed_at.is_(None))).scalars())
    db.session.commit()  # end the read transaction: what is committed from now on is read batch by batch

    def documents() -> Iterator[SearchDocument]:
        for batch in iter_dispute_batches():
            built = [document_for(dispute) for dispute in batch]
            link_respondents(batch)
            db.session.commit()
            progress(len(batch))
            yield from built

    count = backend.reindex(documents())
    now = utcnow()
    for start in range(0, len(waiting), _CHUNK):
        chunk = waiting[start:start + _CHUNK]
        db.session.execute(update(SearchOutbox).where(SearchOutbox.id.in_(chunk), SearchOutbox.processed_at.is_(None))
                           .values(processed_at=now))
    db.session.commit()
    return count
