"""Refresh the daily rollup (``stats_daily``) from the case tables, in SQL; flushes, never commits.

A day's rows are recomputed whole: deleted, then one INSERT … SELECT aggregates the day's acceptances and
closures per (organisation, channel, district, IP type, cause) and sums those into the rows of each
breakdown, for all cases and per organisation. Refreshes take the state row's lock, so two never interleave.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import Integer, String, cast, delete, func, insert, literal, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Dispute, StatsDay, StatsDirtyDay, StatsRollupState, utcnow
from ..models.rollup import ROLLUP_COUNTS, local_date
from . import conditions as cond
from . import live
from .periods import Period, runs, today_in_china

D = Dispute
RECENT_DAYS = 7  # recomputed on every refresh besides the dirty days: a net for changes made outside the ORM
RUNS_PER_STATEMENT = 200  # runs of days recomputed by one statement (a bulk import may dirty thousands)
CUBE = {"organization_id": D.organization_id, "channel": D.channel, "district_code": D.district_code,
        "ip_type": D.ip_type, "cause_code": D.cause_code}
# the breakdowns kept for all cases (with the organisation's) and for each organisation's own cases
BREAKDOWNS = {"channel": "channel", "organization": "organization_id", "district": "district_code",
              "ip_type": "ip_type", "cause": "cause_code"}
PER_ORGANIZATION = ("channel", "district", "ip_type", "cause")


class RollupError(ValueError):
    """A refresh that cannot be done as asked (a partial one before the first full build, a day not past)."""


@dataclass(frozen=True)
class Refresh:
    through: date | None  # the rollup now holds every day up to this one
    days: int  # days recomputed
    rows: int  # rows written
    dirty: int  # dirty marks consumed

    def as_dict(self) -> dict:
        out = asdict(self)
        out["through"] = self.through.isoformat() if self.through else None
        return out


def _locked_state() -> StatsRollupState:
    stmt = (select(StatsRollupState).where(StatsRollupState.id == 1).with_for_update()
            .execution_options(populate_existing=True))
    state = db.session.execute(stmt).scalar_one_or_none()
    if state is None:
        try:
            with db.session.begin_nested():
                db.session.add(StatsRollupState(id=1))
        except IntegrityError:
            pass  # another refresh made it first; the lock below waits for it
        state = db.session.execute(stmt).scalar_one()
    return state


def _cube(days: list[Period]):
    """Per day and (organisation, channel, district, IP type, cause): the counts of the cases accepted and of
    the filings closed on ``days``, with the same aggregates as the live report."""
    span = Period(days[0].first, days[-1].last)  # the aggregates' own period; the rows are only those of days
    ever_open = live.count_of(cond.ever_open())
    parts = []
    for column, counts in ((D.accepted_at, {"received": func.count(), "open_in": ever_open}),
                           (D.closed_at, {**live.closed_counts(span), "filings_closed": func.count(),
                                          "open_out": ever_open})):
        day = cond.shanghai_date(column).label("day")
        values = [counts.get(name, literal(0, Integer)).label(name) for name in ROLLUP_COUNTS]
        parts.append(select(day, *[c.label(n) for n, c in CUBE.items()], *values)
                     .where(or_(*[cond.within(column, run) for run in days])).group_by(day, *CUBE.values()))
    return union_all(*parts).cte("cube")


def _breakdown_rows(days: list[Period]):
    """The cube summed into the rows of ``stats_daily``: totals and each breakdown, for all cases and for each
    organisation."""
    cube = _cube(days)
    sets = [(False, "total", None), *[(False, dim, col) for dim, col in BREAKDOWNS.items()],
            (True, "total", None), *[(True, dim, BREAKDOWNS[dim]) for dim in PER_ORGANIZATION]]
    selects = []
    for per_org, dimension, column in sets:
        scope = cube.c.organization_id if per_org else cast(null(), Integer)
        key = cast(cube.c[column], String(32)) if column else cast(null(), String(32))
        stmt = select(cube.c.day, scope.label("scope_org_id"), literal(dimension).label("dimension"),
                      key.label("key"), *[func.sum(cube.c[name]).label(name) for name in ROLLUP_COUNTS])
        groups = [cube.c.day, *([cube.c.organization_id] if per_org else []), *([cube.c[column]] if column else [])]
        if per_org:
            stmt = stmt.where(cube.c.organization_id.is_not(None))
        selects.append(stmt.group_by(*groups))
    return union_all(*selects)


def _recompute(days: list[Period]) -> int:
    """Replace the rows of ``days`` (runs of days, in order) by freshly computed ones; returns their number."""
    table = StatsDay.__table__
    rows = 0
    for start in range(0, len(days), RUNS_PER_STATEMENT):
        chunk = days[start:start + RUNS_PER_STATEMENT]
        on_days = or_(*[table.c.day.between(run.first, run.last) for run in chunk])
        db.session.execute(delete(table).where(on_days))
        names = ["day", "scope_org_id", "dimension", "key", *ROLLUP_COUNTS]
        db.session.execute(insert(table).from_select(names, _breakdown_rows(chunk)))
        # counted, as drivers give no row count for an INSERT that starts with its WITH clause
        rows += db.session.execute(select(func.count()).select_from(table).where(on_days)).scalar_one()
    return rows


def _consume(marks: list, state: StatsRollupState, through: date | None) -> None:
    """Delete exactly the dirty marks read before recomputing (a mark committed since stays for next time)."""
    ids = [mark_id for mark_id, _day in marks]
    for start in range(0, len(ids), 500):
        db.session.execute(delete(StatsDirtyDay).where(StatsDirtyDay.id.in_(ids[start:start + 500])))
    state.rolled_through, state.refreshed_at = through, utcnow()
    db.session.flush()


def _apply(runs: list[Period], marks: list, state: StatsRollupState, through: date | None) -> Refresh:
    rows = _recompute(runs)
    _consume(marks, state, through)
    return Refresh(through, sum((r.last - r.first).days + 1 for r in runs), rows, len(marks))


def _marks(first: date | None, last: date) -> list:
    stmt = select(StatsDirtyDay.id, StatsDirtyDay.day).where(StatsDirtyDay.day <= last)
    if first is not None:
        stmt = stmt.where(StatsDirtyDay.day >= first)
    return list(db.session.execute(stmt))


def _first_day() -> date | None:
    firsts = db.session.execute(select(func.min(D.accepted_at), func.min(D.closed_at))).one()
    days = [local_date(value) for value in firsts if value is not None]
    return min(days) if days else None


def rebuild_rollup(first: date | None = None, last: date | None = None, *, today: date | None = None) -> Refresh:
    """Recompute the days ``first``..``last`` (default: from the first case's day to yesterday, the whole rollup).

    :param today: the Shanghai date now (default: the real one); today is never rolled up
    :raises RollupError: ``last`` not before today, ``first`` after ``last``, or a partial rebuild before the
        rollup was built whole once
    """
    yesterday = (today or today_in_china()) - timedelta(days=1)
    last = last or yesterday
    if last > yesterday:
        raise RollupError(f"--to must be before today ({yesterday + timedelta(days=1)}): today is always counted live")
    if first is not None and first > last:
        raise RollupError("--from must not be after --to")
    state = _locked_state()
    if first is None:
        db.session.execute(delete(StatsDay.__table__))
        start = _first_day()
        runs = [Period(start, last)] if start is not None and start <= last else []
        return _apply(runs, _marks(None, last), state, last)
    if state.rolled_through is None:
        raise RollupError("the rollup was never built: run stats-rollup without --from first")
    first = min(first, state.rolled_through + timedelta(days=1))  # leave no day unrolled in between
    return _apply([Period(first, last)], _marks(first, last), state, max(state.rolled_through, last))


def refresh_rollup(*, today: date | None = None, recent_days: int = RECENT_DAYS) -> Refresh:
    """Roll up the days since the last refresh, the days case changes made dirty, and the last ``recent_days``
    (the whole rollup the first time). The beat task ``stats.refresh_rollup`` calls this."""
    today = today or today_in_china()
    yesterday = today - timedelta(days=1)
    state = _locked_state()
    if state.rolled_through is None:
        return rebuild_rollup(today=today)
    marks = _marks(None, yesterday)
    since = min(state.rolled_through + timedelta(days=1), yesterday - timedelta(days=recent_days - 1))
    days = {day for _id, day in marks}
    days |= {since + timedelta(days=n) for n in range((yesterday - since).days + 1)}
    return _apply(runs(days), marks, state, max(state.rolled_through, yesterday))
