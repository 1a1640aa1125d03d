"""Read-only metric and drill-down queries (SQLAlchemy Core): every figure is a SQL sum, never a loop over cases.

A report's counts come from the daily rollup where it has them (``rolled.py``: the days rolled up, and the
live tables for the rest) and otherwise straight from the case tables (``live.py``); both give the same
figures. Drill-down lists always read the case tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..labels import CHANNELS, IP_TYPES
from ..models import CourtProceeding, Dispute, District, Organization
from ..permissions import case_scope
from . import conditions as cond
from . import live, rolled
from .definitions import COURT_SETS, figures
from .live import COLUMNS
from .periods import Period, StatsQuery

D, C = Dispute, CourtProceeding
NULL_KEY = "~"  # the group of cases without a value (no channel yet, no cause...), in URLs and forms
# roles whose case_scope is every case, or exactly their organisation's: the scopes the rollup keeps
ROLLED_ROLES = ("admin", "liaison", "org_admin")


@dataclass(frozen=True)
class Scope:
    """Whose cases a report counts: the permission function's condition, and the organisation it is tied to."""

    condition: ColumnElement[bool]
    organization_id: int | None = None
    # the condition is every case (organization_id None) or exactly organization_id's cases, which the daily
    # rollup keeps counts for; any other scope is counted from the case tables
    rolled: bool = False

    @classmethod
    def of(cls, user) -> Scope:
        org = user.organization_id if user.role == "org_admin" else None
        whole = user.role in ROLLED_ROLES and (user.role != "org_admin" or org is not None)
        return cls(case_scope(user), org, whole)

    @classmethod
    def everything(cls) -> Scope:
        return cls(true(), None, True)


def report_counts(scope: Scope, query: StatsQuery, *, use_rollup: bool = True) -> dict[object, dict[str, int]]:
    """key -> counts of ``query`` (key None for the totals when ``query.by`` is None); only the groups that
    have a case, the same from the rollup as from the case tables."""
    if use_rollup and scope.rolled:
        counts = rolled.rolled_counts(scope.condition, scope.organization_id, query)
        if counts is not None:
            return counts
    return live.grouped(scope.condition, query)


def _keys(scope: Scope, query: StatsQuery, found: set) -> list:
    """The groups to show: every month, channel and IP type (empty ones too), the organisations and districts
    in scope, and whatever else was found (None, the cases without a value, last)."""
    listed: list = []
    if query.by == "month":
        listed = [key for key, _sub in query.period.months()]
    elif query.by == "channel":
        listed = list(CHANNELS)
    elif query.by == "ip_type":
        listed = list(IP_TYPES)
    elif query.by == "organization":
        stmt = select(Organization.id).order_by(Organization.code)
        if scope.organization_id is not None:
            stmt = stmt.where(Organization.id == scope.organization_id)
        listed = list(db.session.execute(stmt).scalars())
    elif query.by == "district":
        listed = list(db.session.execute(select(District.code).order_by(District.code)).scalars())
    extra = sorted((k for k in found if k is not None and k not in listed), key=str)
    return listed + extra + ([None] if None in found else [])


def org_codes() -> dict[int, str]:
    return dict(db.session.execute(select(Organization.id, Organization.code)).all())


def stats_report(scope: Scope, query: StatsQuery, *, totals: bool = True, use_rollup: bool = True) -> dict:
    """The report in the API's and the CLI's one JSON shape (issue 7): totals and, with ``by``, groups.

    :param totals: False skips the totals' statements (the dashboard's month trend, whose totals it has)
    :param use_rollup: False counts everything from the case tables (to check the rollup against them)
    """
    grouped = report_counts(scope, query, use_rollup=use_rollup) if query.by is not None else {}
    counts: dict[str, int] = {}
    if query.by not in (None, "month"):
        # every case falls in exactly one group (None included), so the totals are the groups' sums
        for group in grouped.values():
            for name, value in group.items():
                counts[name] = counts.get(name, 0) + value
    elif totals:
        counts = report_counts(scope, StatsQuery(query.period, query.as_of, None), use_rollup=use_rollup).get(None, {})
    body = {"from": query.period.first.isoformat(), "to": query.period.last.isoformat(),
            "as_of": query.as_of.isoformat(), "totals": figures(counts), "groups": []}
    if query.by is None:
        return body
    codes = org_codes() if query.by == "organization" else {}
    for key in _keys(scope, query, set(grouped)):
        shown = codes.get(key, key) if query.by == "organization" else key
        body["groups"].append({"key": shown, **figures(grouped.get(key, {}))})
    return body


# --- drill-down ------------------------------------------------------------------------------------------------

# the organisation's code by a subquery rather than a join, so that counting a list reads an index alone
ORG_CODE = select(Organization.code).where(Organization.id == D.organization_id).scalar_subquery()
CASE_COLUMNS = (
    D.id, D.tracking_no, D.title, D.status, D.closure, D.channel, ORG_CODE.label("organization"),
    D.district_code, D.ip_type, D.cause_code, D.cause_name, D.filed_at, D.accepted_at, D.closed_at, D.deadline_at,
    D.suspended_days, D.satisfaction, D.respondent_satisfaction,
)
COURT_COLUMNS = (
    C.id.label("proceeding_id"), C.court_case_no, C.conclusion_type, C.first_instance_concluded_at, C.served_at,
    C.party_abroad, C.appeal_filed_at, C.appeal_period_ends_on,
)


class UnknownGroup(LookupError):
    """A drill-down key that names no group of the breakdown (an unknown month or organisation)."""


def group_period(query: StatsQuery, key: str) -> Period:
    for month, sub in query.period.months():
        if month == key:
            return sub
    raise UnknownGroup(key)


def _key_condition(by: str, key: str) -> ColumnElement[bool]:
    column = COLUMNS[by]
    if key == NULL_KEY:
        return column.is_(None)
    if by == "organization":
        org_id = db.session.execute(select(Organization.id).where(Organization.code == key)).scalar_one_or_none()
        if org_id is None:
            raise UnknownGroup(key)
        return column == org_id
    return column == key


def drilldown(scope: Scope, name: str, query: StatsQuery, key: str | None = None) -> Select:
    """The cases (for court sets: the conclusions, with their case) behind set ``name``, in scope.

    :param key: a group of ``query.by`` (a month narrows the period; ``NULL_KEY`` the cases without a value)
    :raises KeyError: unknown set; :raises UnknownGroup: unknown month or organisation
    """
    p = query.period
    extra: list[ColumnElement[bool]] = []
    if key is not None and query.by == "month":
        p = group_period(query, key)
    elif key is not None and query.by is not None:
        extra.append(_key_condition(query.by, key))
    condition = cond.condition(name, p, query.as_of)
    court = name in COURT_SETS
    stmt = select(*CASE_COLUMNS, *(COURT_COLUMNS if court else ())).select_from(D)
    if court:
        stmt = stmt.join(C, C.dispute_id == D.id)
    stmt = stmt.where(scope.condition, condition, and_(true(), *extra))
    return stmt.order_by(D.id, C.id) if court else stmt.order_by(D.id)


def next_page(stmt: Select, court: bool, after: tuple | None, size: int) -> Select:
    """The ``size`` rows of a drill-down after ``after`` (the last row's ``id``, and ``proceeding_id`` for court
    sets): keyset pages, so an export of any length reads short queries and holds no cursor open."""
    if after is not None:
        stmt = stmt.where(or_(D.id > after[0], and_(D.id == after[0], C.id > after[1])) if court
                          else D.id > after[0])
    return stmt.limit(size)


def drilldown_count(stmt: Select) -> int:
    return db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def group_labels(by: str | None, keys: list) -> dict:
    """Display names of group keys that are not codes of ``labels.py``: organisations, districts, causes."""
    present = [k for k in keys if k is not None]
    if by == "organization":
        rows = select(Organization.code, Organization.name_zh, Organization.name_en)
    elif by == "district":
        rows = select(District.code, District.name_zh, District.name_en)
    elif by == "cause" and present:
        name = func.max(D.cause_name)
        rows = select(D.cause_code, name, name).where(D.cause_code.in_(present)).group_by(D.cause_code)
    else:
        return {}
    return {code: (zh, en) for code, zh, en in db.session.execute(rows)}
