"""Tracking numbers NTIP-YYYY-NNNNNN: gap-free per year and unique under concurrent filings."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import TrackingCounter


def next_tracking_no(year: int) -> str:
    """Take the next number of ``year`` inside the caller's transaction.

    An atomic ``UPDATE … RETURNING`` row-locks the year's counter (PostgreSQL) or takes the write
    lock (SQLite) until the transaction ends, so a rolled-back filing returns its number and two
    filings never get the same one.
    """
    stmt = (
        update(TrackingCounter).where(TrackingCounter.year == year)
        .values(last_value=TrackingCounter.last_value + 1).returning(TrackingCounter.last_value)
    )
    value = db.session.execute(stmt).scalar_one_or_none()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(TrackingCounter).values(year=year, last_value=0))
        except IntegrityError:
            pass  # another filing created the year's row first
        value = db.session.execute(stmt).scalar_one()
    return f"NTIP-{year}-{value:06d}"
