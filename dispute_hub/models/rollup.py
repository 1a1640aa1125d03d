"""The statistics' daily rollup: per Shanghai day and group, the counts of the case-based figures.

Rows are derived data, rebuilt from the cases by ``stats.rollup``. A change to a case marks the days it
counted in (before and after the change) as dirty in the same transaction, so a report counts those days
from the live tables until the next refresh has rolled them up again, and figures are never stale.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Index, Integer, String, event, select
from sqlalchemy import inspect as inspect_state
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .cases import Dispute
from .types import UTCDateTime, utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")  # stats/periods.py's zone; models import nothing of stats
# the rollup's counts, in the order of its columns
ROLLUP_COUNTS = (
    "received", "open_in", "filings_closed", "closed", "open_out", "on_time", "days_total",
    "mediation_settled", "mediation_failed", "mediation_declined", "ratings", "satisfied", "rejected_filings",
)
# the case columns a rolled-up day depends on; the day of a case's acceptance only on the first ones
ACCEPTANCE = ("accepted_at", "channel", "organization_id", "district_code", "ip_type", "cause_code")
TRACKED = (*ACCEPTANCE, "closed_at", "closure", "deadline_at", "suspended_days", "satisfaction",
           "respondent_satisfaction")


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0)


class StatsDay(db.Model):
    """One day's counts of one group of one breakdown, for all cases or for one organisation's.

    ``dimension`` is ``total`` (key NULL) or a breakdown of stats.periods.DIMENSIONS other than month;
    ``key`` is the group's value (an organisation's id as text), NULL for the cases without one.
    ``open_in`` / ``open_out`` count the cases that were open for a while (closed, if at all, not before
    they were accepted) by their day of acceptance and of closure: the cases open at the start of a day
    are the ``open_in`` of every day before it less their ``open_out``.
    """

    __tablename__ = "stats_daily"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # Asia/Shanghai calendar date
    scope_org_id: Mapped[int | None] = mapped_column(Integer)  # None: every case; else that organisation's
    dimension: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(32))
    received: Mapped[int] = _count()
    open_in: Mapped[int] = _count()
    filings_closed: Mapped[int] = _count()  # every filing closed that day, accepted or not
    closed: Mapped[int] = _count()
    open_out: Mapped[int] = _count()
    on_time: Mapped[int] = _count()
    days_total: Mapped[int] = _count()
    mediation_settled: Mapped[int] = _count()
    mediation_failed: Mapped[int] = _count()
    mediation_declined: Mapped[int] = _count()
    ratings: Mapped[int] = _count()
    satisfied: Mapped[int] = _count()
    rejected_filings: Mapped[int] = _count()

    __table_args__ = (Index("ix_stats_daily_dimension_scope_day", "dimension", "scope_org_id", "day"),)


class StatsRollupState(db.Model):
    """The one row (id 1) saying how far the rollup reaches: every day up to ``rolled_through``."""

    __tablename__ = "stats_rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    rolled_through: Mapped[date | None] = mapped_column(Date)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatsDirtyDay(db.Model):
    """A day whose rolled-up counts a case change made stale; the next refresh recomputes and deletes it."""

    __tablename__ = "stats_dirty_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def local_date(value: datetime | None) -> date | None:
    """The Shanghai calendar date of an instant."""
    return None if value is None else value.astimezone(SHANGHAI).date()


def _old_instants(session: Session, dispute: Dispute) -> tuple[datetime | None, datetime | None]:
    """accepted_at and closed_at as they were before this flush."""
    state = inspect_state(dispute)
    histories = [state.attrs[name].load_history() for name in ("accepted_at", "closed_at")]
    if state.key is not None and any(h.added and not (h.deleted or h.unchanged) for h in histories):
        # set without having been loaded: the row still holds the old values
        row = session.execute(select(Dispute.accepted_at, Dispute.closed_at)
                              .where(Dispute.id == dispute.id)).one_or_none()
        return (row[0], row[1]) if row is not None else (None, None)
    accepted, closed = ((*h.deleted, *h.unchanged, None)[0] for h in histories)
    return accepted, closed


def _ever_open(accepted: datetime | None, closed: datetime | None) -> bool:
    """stats.conditions.ever_open of these two instants."""
    return accepted is not None and (closed is None or closed >= accepted)


def _changed_days(session: Session, dispute: Dispute) -> list[datetime | None]:
    """The instants whose days a change of ``dispute`` alters: its closure's day, old and new, whenever a tracked
    column changed; its acceptance's day, old and new, when what that day counts of it changed (the acceptance,
    a breakdown column, or whether it was ever open)."""
    state = inspect_state(dispute)
    changed = {name for name in TRACKED if state.attrs[name].history.has_changes()}
    if not changed:
        return []
    old, new = _old_instants(session, dispute), (dispute.accepted_at, dispute.closed_at)
    instants = [old[1], new[1]]
    if changed & set(ACCEPTANCE) or _ever_open(*old) != _ever_open(*new):
        instants += [old[0], new[0]]
    return instants


@event.listens_for(Session, "before_flush")
def _mark_dirty_days(session: Session, _context, _instances) -> None:
    """Days before today that a new, changed or deleted case counted in become dirty (today is never rolled
    up, so it needs no mark)."""
    instants: list[datetime | None] = []
    with session.no_autoflush:  # reading a case's unloaded dates must not flush from inside the flush
        for dispute in session.new:
            if isinstance(dispute, Dispute):
                instants += [dispute.accepted_at, dispute.closed_at]
        for dispute in session.dirty:
            if isinstance(dispute, Dispute):
                instants += _changed_days(session, dispute)
        for dispute in session.deleted:
            if isinstance(dispute, Dispute):
                instants += _old_instants(session, dispute)
    days = {day for day in map(local_date, instants) if day is not None}
    today = datetime.now(UTC).astimezone(SHANGHAI).date()
    session.add_all(StatsDirtyDay(day=day) for day in sorted(days) if day < today)
