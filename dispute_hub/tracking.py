"""Tracking numbers NTIP-YYYY-NNNNNN: gap-free per year and unique under concurrent filings."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import TrackingCounter


def reserve_tracking_numbers(year: int, count: int) -> list[str]:
    """Take the next ``count`` numbers of ``year`` inside the caller's transaction, in order.

    An atomic ``UPDATE … RETURNING`` row-locks the year's counter (PostgreSQL) or takes the write
    lock (SQLite) until the transaction ends, so a rolled-back filing or import batch returns its
    numbers and two transactions never get the same one.
    """
    stmt = (
        update(TrackingCounter).where(TrackingCounter.year == year)
        .values(last_value=TrackingCounter.last_value + count).returning(TrackingCounter.last_value)
    )
    last = db.session.execute(stmt).scalar_one_or_none()
    if last is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(TrackingCounter).values(year=year, last_value=0))
        except IntegrityError:
            pass  # another transaction created the year's row first
        last = db.session.execute(stmt).scalar_one()
    return [f"NTIP-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_tracking_no(year: int) -> str:
    """Take the next number of ``year`` (see ``reserve_tracking_numbers``)."""
    return reserve_tracking_numbers(year, 1)[0]
