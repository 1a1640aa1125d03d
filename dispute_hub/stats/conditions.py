"""The SQL condition of every case set (issue 7's definitions), shared by the counts and the drill-down lists.

A figure is ``SUM(CASE WHEN <its set's condition> ...)`` and its drill-down is ``WHERE <the same
condition>``, so a number and its list cannot disagree. Periods are compared as UTC instants of
Shanghai day boundaries, so no column is converted in a filter and the indexes serve.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Date, Integer, and_, not_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from ..mediation.appeals import FINAL_AT_ONCE
from ..mediation.transitions import MEDIATION
from ..models import CourtProceeding, Dispute
from .periods import Period

D, C = Dispute, CourtProceeding
# a failed mediation goes on to the court by `refer` (DESIGN.md §5: failed → referred), which overwrites the
# closure, so a referred mediation case is a mediation that did not settle
FAILED = ("failed", "referred")
MEDIATION_CLOSURES = ("settled", "declined", *FAILED)


class shanghai_date(FunctionElement):  # noqa: N801  SQL function naming
    """The Shanghai calendar date of a naive-UTC timestamp (the daily rollup's day)."""

    type = Date()
    inherit_cache = True


class shanghai_day(FunctionElement):  # noqa: N801  SQL function naming
    """Days since 1970-01-01 of a naive-UTC timestamp's Shanghai calendar date, for day differences."""

    type = Integer()
    inherit_cache = True


@compiles(shanghai_date, "postgresql")
@compiles(shanghai_day, "postgresql")
def _pg_day(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    day = f"CAST(({column} AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai' AS DATE)"
    return day if isinstance(element, shanghai_date) else f"({day} - DATE '1970-01-01')"


@compiles(shanghai_date, "sqlite")
@compiles(shanghai_day, "sqlite")
def _sqlite_day(element, compiler, **kw):
    # SQLite has no time-zone data; Shanghai has kept UTC+8 without daylight saving since 1991
    day = f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"
    return day if isinstance(element, shanghai_date) else f"CAST(julianday({day}) - 2440587.5 AS INTEGER)"


def within(column, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


# --- cases (the Dispute table) ---------------------------------------------------------------------------------

def is_case() -> ColumnElement[bool]:
    """A case is a filing that was accepted; rejected filings never enter a rate."""
    return D.accepted_at.is_not(None)


def received(p: Period) -> ColumnElement[bool]:
    return within(D.accepted_at, p)


def open_at_start(p: Period) -> ColumnElement[bool]:
    return and_(D.accepted_at < p.start, or_(D.closed_at.is_(None), D.closed_at >= p.start))


def ever_open() -> ColumnElement[bool]:
    """A case that was open for a while: not closed, or closed no earlier than accepted. Such a case is open at
    the start of a day exactly when it was accepted before that day and not closed before it, so the cases open
    at a day's start are those accepted on the days before less those closed on the days before (the rollup)."""
    return and_(is_case(), or_(D.closed_at.is_(None), D.closed_at >= D.accepted_at))


def closure_base(p: Period) -> ColumnElement[bool]:
    return or_(open_at_start(p), received(p))


def closed(p: Period) -> ColumnElement[bool]:
    return and_(is_case(), within(D.closed_at, p))


def closed_on_time() -> ColumnElement[bool]:
    """Closed on or before the deadline's Shanghai day; a case with no deadline cannot be late."""
    return or_(D.deadline_at.is_(None), shanghai_day(D.closed_at) <= shanghai_day(D.deadline_at))


def processing_days():
    """Calendar days from acceptance to closure (Shanghai dates), less the days suspended."""
    return shanghai_day(D.closed_at) - shanghai_day(D.accepted_at) - D.suspended_days


def _mediation(p: Period, closures: tuple[str, ...]) -> ColumnElement[bool]:
    return and_(closed(p), D.channel.in_(sorted(MEDIATION)), D.closure.in_(closures))


# 满意度 counts ratings, not cases: the claimant's and the respondent's each count once
RATINGS = (D.satisfaction, D.respondent_satisfaction)


def rating_counts(p: Period) -> dict[str, list[ColumnElement[bool]]]:
    """Per figure, one condition per rating column: the figure is their sum; its list is their union."""
    return {"ratings": [and_(closed(p), column.is_not(None)) for column in RATINGS],
            "satisfied": [and_(closed(p), column >= 4) for column in RATINGS]}


def rejected_filings(p: Period) -> ColumnElement[bool]:
    return and_(D.accepted_at.is_(None), D.closure == "rejected", within(D.closed_at, p))


DISPUTE_CONDITIONS: dict[str, Callable[[Period], ColumnElement[bool]]] = {
    "received": received,
    "open_at_start": open_at_start,
    "closure_base": closure_base,
    "closed": closed,
    "on_time": lambda p: and_(closed(p), closed_on_time()),
    "mediation_settled": lambda p: _mediation(p, ("settled",)),
    "mediation_failed": lambda p: _mediation(p, FAILED),
    "mediation_declined": lambda p: _mediation(p, ("declined",)),
    "mediation_base": lambda p: _mediation(p, MEDIATION_CLOSURES),
    "ratings": lambda p: and_(closed(p), or_(*(column.is_not(None) for column in RATINGS))),
    "satisfied": lambda p: and_(closed(p), or_(*(column >= 4 for column in RATINGS))),
    "rejected_filings": rejected_filings,
}


# --- first-instance conclusions (CourtProceeding joined to its case) ---------------------------------------------

def concluded(p: Period) -> ColumnElement[bool]:
    return and_(is_case(), C.first_instance_concluded_at >= p.first, C.first_instance_concluded_at <= p.last)


def appealed(as_of: date) -> ColumnElement[bool]:
    """appeals.final_state's "appealed": an appeal filed on or before ``as_of`` against a judgment or ruling."""
    return and_(C.conclusion_type.not_in(sorted(FINAL_AT_ONCE)), C.appeal_filed_at.is_not(None),
                C.appeal_filed_at <= as_of)


def stood(as_of: date) -> ColumnElement[bool]:
    """appeals.final_state's "accepted": final at once, or the last day to appeal (stored by mediation.court
    from appeals.appeal_period_end) is before ``as_of`` with no appeal by then. On the last day itself a party
    may still appeal, so it is pending."""
    lapsed = and_(C.appeal_period_ends_on.is_not(None), C.appeal_period_ends_on < as_of)
    return or_(C.conclusion_type.in_(sorted(FINAL_AT_ONCE)), and_(not_(appealed(as_of)), lapsed))


def court_conditions(p: Period, as_of: date) -> dict[str, ColumnElement[bool]]:
    unknown = C.conclusion_type.is_(None)  # a conclusion date without its kind: nothing is known yet
    accepted = and_(concluded(p), not_(unknown), stood(as_of))
    appeal = and_(concluded(p), not_(unknown), appealed(as_of))
    return {
        "first_instance_concluded": concluded(p),
        "accepted": accepted,
        "appealed": appeal,
        "pending_appeal": and_(concluded(p), or_(unknown, and_(not_(stood(as_of)), not_(appealed(as_of))))),
        "acceptance_base": or_(accepted, appeal),
    }


def condition(name: str, p: Period, as_of: date) -> ColumnElement[bool]:
    """The condition of set ``name`` (a dispute set, or a court set over the proceeding join).

    :raises KeyError: an unknown set
    """
    if name in DISPUTE_CONDITIONS:
        return DISPUTE_CONDITIONS[name](p)
    return court_conditions(p, as_of)[name]
