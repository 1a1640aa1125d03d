"""Report counts straight from the case tables (SQLAlchemy Core, read-only): every figure is a SQL sum.

Four statements make a report: closures (and rejections), acceptances, cases open at the start, and
first-instance conclusions. Each is grouped by the breakdown's column, or for ``month`` by the month its
own date falls in, so a month's group is exactly the report of that month.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import CourtProceeding, Dispute
from . import conditions as cond
from .definitions import COURT_SETS
from .periods import Period, StatsQuery

D, C = Dispute, CourtProceeding
COLUMNS = {"channel": D.channel, "organization": D.organization_id, "district": D.district_code,
           "ip_type": D.ip_type, "cause": D.cause_code}
# the statements' date columns: the closures', the acceptances', none for the open cases, the conclusions'
CLOSED, RECEIVED, OPEN, CONCLUDED = "closed", "received", "open", "concluded"


def count_of(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def closed_counts(p: Period) -> dict:
    """{count: aggregate} of the figures counted on the filings closed in ``p`` (the daily rollup's too)."""
    sets = cond.DISPUTE_CONDITIONS
    closed = {name: count_of(sets[name](p)) for name in (
        "closed", "on_time", "mediation_settled", "mediation_failed", "mediation_declined", "rejected_filings")}
    for name, parts in cond.rating_counts(p).items():
        closed[name] = sum((count_of(part) for part in parts[1:]), count_of(parts[0]))
    closed["days_total"] = func.coalesce(func.sum(case((cond.closed(p), cond.processing_days()), else_=0)), 0)
    return closed


def court_counts(p: Period, as_of: date) -> dict:
    court = cond.court_conditions(p, as_of)
    return {name: count_of(court[name]) for name in COURT_SETS if name != "acceptance_base"}


def _families(p: Period, as_of: date) -> list[tuple[str, ColumnElement[bool], dict]]:
    """(date column, where, {count: aggregate}) of each statement."""
    return [
        (CLOSED, cond.within(D.closed_at, p), closed_counts(p)),
        (RECEIVED, cond.received(p), {"received": func.count()}),
        (OPEN, cond.open_at_start(p), {"open_at_start": func.count()}),
        (CONCLUDED, cond.concluded(p), court_counts(p, as_of)),
    ]


def month_bucket(family: str, months: list[tuple[str, Period]]):
    """The month key of a statement's date (a UTC instant, or a conclusion's date) by comparison with the
    months' bounds."""
    if family == CONCLUDED:
        return case(*[(C.first_instance_concluded_at <= sub.last, literal(key)) for key, sub in months])
    column = D.closed_at if family == CLOSED else D.accepted_at
    return case(*[(column < sub.end, literal(key)) for key, sub in months])


def grouped(scope_condition: ColumnElement[bool], query: StatsQuery, *, court_only: bool = False) -> dict:
    """key -> counts (key None for the totals when ``query.by`` is None); ``court_only``: only the
    first-instance conclusions' counts."""
    p, months = query.period, query.period.months()
    out: dict[object, dict[str, int]] = {}
    for family, where, aggregates in _families(p, query.as_of):
        if court_only and family != CONCLUDED:
            continue
        if family == OPEN and query.by == "month":
            _open_by_month(scope_condition, months, out)
            continue
        key = None
        if query.by == "month":
            key = month_bucket(family, months)
        elif query.by is not None:
            key = COLUMNS[query.by]
        group = (literal(None) if key is None else key).label("group_key")
        stmt = select(group, *[a.label(n) for n, a in aggregates.items()]).select_from(D)
        if family == CONCLUDED:
            stmt = stmt.join(C, C.dispute_id == D.id)
        stmt = stmt.where(where, scope_condition)
        if key is not None:
            stmt = stmt.group_by(group)
        for row in db.session.execute(stmt).mappings():
            out.setdefault(row["group_key"], {}).update({n: int(row[n] or 0) for n in aggregates})
    return out


def _open_by_month(scope_condition: ColumnElement[bool], months: list[tuple[str, Period]], out: dict) -> None:
    """Cases open at the start of each month, in one pass over the cases open at some month's start."""
    first, last = months[0][1], months[-1][1]
    stmt = select(*[count_of(cond.open_at_start(sub)).label(f"m{i}") for i, (_key, sub) in enumerate(months)]).where(
        D.accepted_at < last.start, or_(D.closed_at.is_(None), D.closed_at >= first.start), scope_condition)
    row = db.session.execute(stmt).one()
    for i, (key, _sub) in enumerate(months):
        out.setdefault(key, {})["open_at_start"] = int(row[i] or 0)
