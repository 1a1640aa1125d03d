"""Report counts from the daily rollup for the days it holds, and from the case tables for the others.

The days rolled up and clean are summed from ``stats_daily``; the others (today and any later day past the
rollup's reach, and the days a case change made dirty since the last refresh) are counted live with the
same aggregates, so a report is always current. The cases open at a day's start are the ``open_in`` of the
days before it less their ``open_out`` (``conditions.ever_open``). First-instance conclusions depend on
``as_of`` and are always counted live.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Dispute, StatsDay, StatsDirtyDay, StatsRollupState
from ..models.rollup import ROLLUP_COUNTS
from . import conditions as cond
from . import live
from .definitions import COUNTS
from .periods import Period, StatsQuery, runs

D, T = Dispute, StatsDay
BEFORE, IN = "<", "="  # buckets: the days before the period, and the period itself when not by month
FIGURE_COUNTS = tuple(name for name in ROLLUP_COUNTS if name in COUNTS)  # without the rollup's own counts


def reach() -> tuple[date, list[date]] | None:
    """The last day rolled up and the dirty days up to it; None when the rollup was never built."""
    through = db.session.execute(select(StatsRollupState.rolled_through)
                                 .where(StatsRollupState.id == 1)).scalar_one_or_none()
    if through is None:
        return None
    dirty = db.session.execute(select(StatsDirtyDay.day).where(StatsDirtyDay.day <= through).distinct()).scalars()
    return through, sorted(dirty)


def live_periods(through: date, dirty: list[date], last: date) -> list[Period]:
    """The runs of days up to ``last`` that the rollup does not hold: dirty days, and the days after it."""
    out = runs(d for d in dirty if d <= last)
    if last > through:
        out.append(Period(through + timedelta(days=1), last))
    return out


def _rolled_dimension(scope_org: int | None, by: str | None) -> str:
    if by in (None, "month") or (by == "organization" and scope_org is not None):
        return "total"
    return by


def _group_key(scope_org: int | None, by: str | None, key: str | None):
    """A rollup key as the case tables' group key: an organisation's id as a number, None for the totals."""
    if by in (None, "month"):
        return None
    if by == "organization":
        return scope_org if scope_org is not None else (None if key is None else int(key))
    return key


def _rollup_sums(scope_org: int | None, query: StatsQuery, through: date, dirty: list[date]) -> list:
    p, months = query.period, query.period.months() if query.by == "month" else []
    whens = [(T.day < p.first, literal(BEFORE)), *[(T.day <= sub.last, literal(key)) for key, sub in months]]
    bucket = case(*whens, else_=literal(IN)).label("bucket")
    scope = T.scope_org_id.is_(None) if scope_org is None else T.scope_org_id == scope_org
    stmt = select(bucket, T.key, *[func.sum(getattr(T, name)).label(name) for name in ROLLUP_COUNTS]).where(
        T.dimension == _rolled_dimension(scope_org, query.by), scope, T.day <= min(p.last, through))
    if dirty:
        stmt = stmt.where(T.day.not_in(dirty))
    rows = db.session.execute(stmt.group_by(bucket, T.key)).mappings()
    return [(row["bucket"], _group_key(scope_org, query.by, row["key"]), row) for row in rows]


def _live_sums(scope_condition: ColumnElement[bool], query: StatsQuery, runs: list[Period]) -> list:
    p, months = query.period, query.period.months() if query.by == "month" else []
    key = live.COLUMNS[query.by] if query.by not in (None, "month") else literal(None)
    ever_open = live.count_of(cond.ever_open())
    out = []
    for column, counts in ((D.accepted_at, {"received": func.count(), "open_in": ever_open}),
                           (D.closed_at, {**live.closed_counts(p), "filings_closed": func.count(),
                                          "open_out": ever_open})):
        whens = [(column < p.start, literal(BEFORE)), *[(column < sub.end, literal(k)) for k, sub in months]]
        bucket = case(*whens, else_=literal(IN)).label("bucket")
        group = key.label("group_key")
        stmt = select(bucket, group, *[a.label(n) for n, a in counts.items()]).where(
            or_(*[cond.within(column, run) for run in runs]), scope_condition).group_by(bucket, group)
        out += [(row["bucket"], row["group_key"], row) for row in db.session.execute(stmt).mappings()]
    return out


def _sum(rows: list) -> dict:
    sums: dict = {}
    for bucket, key, row in rows:
        into = sums.setdefault((bucket, key), dict.fromkeys(ROLLUP_COUNTS, 0))
        for name in ROLLUP_COUNTS:
            into[name] += int(row.get(name) or 0)
    return sums


def _assemble(sums: dict, query: StatsQuery) -> dict[object, dict[str, int]]:
    """key -> counts, with the cases open at the start; a group only when a case counts in it, as live."""
    zero = dict.fromkeys(ROLLUP_COUNTS, 0)
    out: dict[object, dict[str, int]] = {}
    if query.by == "month":
        before = sums.get((BEFORE, None), zero)
        open_now = before["open_in"] - before["open_out"]
        for key, _sub in query.period.months():
            month = sums.get((key, None), zero)
            out[key] = {**{n: month[n] for n in FIGURE_COUNTS}, "open_at_start": open_now}
            open_now += month["open_in"] - month["open_out"]
        return out
    for key in {key for _bucket, key in sums}:
        before, inside = sums.get((BEFORE, key), zero), sums.get((IN, key), zero)
        counts = {**{n: inside[n] for n in FIGURE_COUNTS}, "open_at_start": before["open_in"] - before["open_out"]}
        if inside["received"] or inside["filings_closed"] or counts["open_at_start"] or query.by is None:
            out[key] = counts
    return out


def rolled_counts(scope_condition: ColumnElement[bool], scope_org: int | None,
                  query: StatsQuery) -> dict[object, dict[str, int]] | None:
    """The counts of ``query`` for every case (``scope_org`` None) or one organisation's, as ``live.grouped``
    returns them; None when the rollup cannot serve it (never built, or not reaching the period's start)."""
    found = reach()
    if found is None or query.period.first > found[0] + timedelta(days=1):
        return None
    through, dirty = found
    rows = _rollup_sums(scope_org, query, through, dirty)
    runs = live_periods(through, dirty, query.period.last)
    if runs:
        rows += _live_sums(scope_condition, query, runs)
    out = _assemble(_sum(rows), query)
    for key, counts in live.grouped(scope_condition, query, court_only=True).items():
        out.setdefault(key, {}).update(counts)
    return out
