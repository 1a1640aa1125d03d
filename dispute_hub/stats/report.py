"""The printable monthly report: the month's figures against the targets, its breakdowns, the year's trend."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import current_app, render_template

from ..mediation.pdf import html_to_pdf
from .dashboard import KPIS, group_name, trend_charts
from .definitions import FIELDS, TARGETS
from .labels import dimension_labels, field_labels
from .periods import Period, PeriodError, StatsQuery, parse_day, today_in_china
from .queries import Scope, group_labels, stats_report

BREAKDOWNS = ("channel", "organization")


def report_context(scope: Scope, month: date, as_of_text: str | None) -> dict:
    try:
        as_of = parse_day(as_of_text, "as_of") or today_in_china()
    except PeriodError:
        as_of = today_in_china()
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    period = Period(month, date.fromordinal(following.toordinal() - 1))
    totals = stats_report(scope, StatsQuery(period, as_of))["totals"]
    breakdowns = []
    for by in BREAKDOWNS:
        groups = stats_report(scope, StatsQuery(period, as_of, by), totals=False)["groups"]
        names = group_labels(by, [g["key"] for g in groups])
        breakdowns.append((by, [(group_name(by, g["key"], names), g) for g in groups]))
    # the twelve months up to and including this one
    start = date(month.year, 1, 1) if month.month == 12 else date(month.year - 1, month.month + 1, 1)
    trend = stats_report(scope, StatsQuery(Period(start, period.last), as_of, "month"), totals=False)["groups"]
    return {"month": month, "period": period, "as_of": as_of, "totals": totals, "breakdowns": breakdowns,
            "charts": trend_charts(trend), "kpis": KPIS, "targets": TARGETS, "fields": field_labels(),
            "all_fields": FIELDS, "dims": dimension_labels(), "generated": today_in_china()}


def report_html(scope: Scope, month: date, as_of_text: str | None) -> str:
    return render_template("stats/report.html", **report_context(scope, month, as_of_text))


def report_pdf(scope: Scope, month: date, as_of_text: str | None) -> bytes:
    css = (Path(current_app.static_folder) / "css" / "report.css").read_text(encoding="utf-8")
    html = render_template("stats/report.html", pdf=True, report_css=css, **report_context(scope, month, as_of_text))
    return html_to_pdf(html, title=f"dispute_hub {month:%Y-%m}")
