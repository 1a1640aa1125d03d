"""What the dashboard and the monthly report show: figures, trend charts and group names, from the queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _

from ..labels import label
from . import charts
from .definitions import TARGETS
from .periods import StatsQuery
from .queries import Scope, group_labels, stats_report

KPIS = ("closure_rate", "acceptance_rate", "satisfaction_rate", "mediation_success_rate", "on_time_rate",
        "avg_days")


@dataclass(frozen=True)
class Dashboard:
    query: StatsQuery
    report: dict
    months: list[dict]
    names: dict
    charts: list[str]


def _english() -> bool:
    return str(get_locale() or "zh").startswith("en")


def group_name(by: str | None, key, names: dict) -> str:
    if key is None:
        return _("(none)")
    if by in ("channel", "ip_type"):
        return label(by, key)
    if key in names:
        zh, en = names[key]
        return en if _english() else zh
    return str(key)


def trend_charts(months: list[dict]) -> list[str]:
    keys = [g["key"] for g in months]
    column = lambda field: [g[field] for g in months]  # noqa: E731
    target = _("Target")
    return [
        charts.line_chart(_("Closure rate by month"), keys, [charts.Series(_("Closure rate"), column("closure_rate"))],
                          target=TARGETS["closure_rate"].threshold, target_label=target),
        charts.line_chart(_("Acceptance of judgments by month"), keys,
                          [charts.Series(_("Acceptance of judgments rate"), column("acceptance_rate"))],
                          target=TARGETS["acceptance_rate"].threshold, target_label=target),
        charts.line_chart(_("Satisfaction by month"), keys,
                          [charts.Series(_("Satisfaction rate"), column("satisfaction_rate")),
                           charts.Series(_("Mediation success rate"), column("mediation_success_rate"))],
                          target=TARGETS["satisfaction_rate"].threshold, target_label=target),
        charts.line_chart(_("Cases received and closed by month"), keys,
                          [charts.Series(_("Received"), column("received")),
                           charts.Series(_("Closed"), column("closed"))], percent=False),
    ]


def build_dashboard(scope: Scope, query: StatsQuery) -> Dashboard:
    """The figures of ``query`` with its breakdown, and the monthly trend of the same period."""
    report = stats_report(scope, query)
    months = report["groups"] if query.by == "month" else stats_report(
        scope, StatsQuery(query.period, query.as_of, "month"), totals=False)["groups"]
    names = group_labels(query.by, [g["key"] for g in report["groups"]])
    return Dashboard(query, report, months, names, trend_charts(months))
