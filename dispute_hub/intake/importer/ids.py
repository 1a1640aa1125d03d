"""Primary keys taken before the INSERT, so that a batch is written with executemany, not row by row.

Without them the ORM must read each new id back (``RETURNING``), which SQLite can only do one row at a
time, and the case's chain head (known only once its id is) would need a second UPDATE per case.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from ...extensions import db


def reserve_ids(model: type, count: int) -> list[int]:
    """``count`` unused ids of ``model``'s table, valid until the caller's transaction ends.

    PostgreSQL: taken from the column's sequence, safe under concurrency. SQLite: the ids after the
    current maximum; SQLite admits one writer at a time, so call this only after the transaction has
    written something (the import first takes its tracking numbers), which holds the write lock until
    commit.
    """
    if count <= 0:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        query = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return list(db.session.execute(query).scalars())
    last = db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(last + 1, last + 1 + count))


def assign_ids(model: type, rows: Sequence) -> None:
    """Give each of ``rows`` (new instances of ``model``) a reserved id."""
    for row, new_id in zip(rows, reserve_ids(model, len(rows)), strict=True):
        row.id = new_id
