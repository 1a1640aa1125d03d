"""Statistics pages: dashboard, drill-down lists, exports and the monthly report (thin: parse, query, render)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..extensions import db
from ..permissions import require_roles
from .dashboard import KPIS, build_dashboard, group_name
from .definitions import COURT_SETS, FIELDS, RATES, SETS, STATS_ROLES, TARGETS, links
from .exports import CSV_TYPE, XLSX_TYPE, csv_stream, file_chunks, write_xlsx
from .labels import dimension_labels, field_labels, set_labels
from .periods import DIMENSIONS, PeriodError, StatsQuery, parse_query, today_in_china
from .queries import (
    NULL_KEY,
    Scope,
    UnknownGroup,
    drilldown,
    drilldown_count,
    group_labels,
    next_page,
    stats_report,
)
from .rows import case_header, case_rows

bp = Blueprint("stats", __name__, url_prefix="/stats")
PER_PAGE = 100
STREAM_ROWS = 2000


def _query(default_by: str | None = None) -> StatsQuery:
    args = dict(request.args.items())
    args.setdefault("by", default_by)
    try:
        return parse_query(args)
    except PeriodError as exc:
        abort(400, description=exc.message_en)


def _params(query: StatsQuery) -> dict:
    return {"from": query.period.first.isoformat(), "to": query.period.last.isoformat(),
            "as_of": query.as_of.isoformat(), "by": query.by or ""}


def _common(query: StatsQuery) -> dict:
    return {"params": _params(query), "fields": field_labels(), "sets": set_labels(), "dims": dimension_labels(),
            "dimensions": DIMENSIONS, "targets": TARGETS, "rates": RATES, "links": links, "null_key": NULL_KEY,
            "divisor": lambda values, rate: sum(values[name] for name in rate.divisor)}


@bp.get("/")
@require_roles(*STATS_ROLES)
def dashboard():
    query = _query("channel")
    board = build_dashboard(Scope.of(current_user), query)
    return render_template("stats/dashboard.html", board=board, kpis=KPIS, group_name=group_name, all_fields=FIELDS,
                           **_common(query))


def _drill() -> tuple[StatsQuery, str, str | None, object]:
    query = _query()
    name, key = request.args.get("set", ""), request.args.get("key") or None
    if name not in SETS or (key is not None and query.by is None):
        abort(404)
    try:
        return query, name, key, drilldown(Scope.of(current_user), name, query, key)
    except UnknownGroup:
        abort(404)


@bp.get("/cases")
@require_roles(*STATS_ROLES)
def cases():
    query, name, key, stmt = _drill()
    page = max(1, request.args.get("page", 1, type=int))
    total = drilldown_count(stmt)
    rows = db.session.execute(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("stats/cases.html", name=name, key=key, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), court=name in COURT_SETS, query=query,
                           **_common(query))


def _all_rows(stmt, court: bool):
    """Every row of a drill-down, a keyset page at a time, each read in an app context of its own: the rows
    go on being read while the response is sent, after the request's session has ended."""
    app = current_app._get_current_object()

    def pages():
        after = None
        while True:
            with app.app_context():
                page = db.session.execute(next_page(stmt, court, after, STREAM_ROWS)).all()
            if not page:
                return
            yield from page
            after = (page[-1].id, page[-1].proceeding_id if court else None)

    return pages()


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cases.<any(csv, xlsx):fmt>")
@require_roles(*STATS_ROLES)
def cases_export(fmt: str):
    query, name, key, stmt = _drill()
    court = name in COURT_SETS
    header, filename = case_header(court), f"{name}-{query.period.first}-{query.period.last}.{fmt}"
    locale = str(get_locale() or "zh")
    if fmt == "csv":
        return _download(csv_stream(header, case_rows(_all_rows(stmt, court), court, locale)), CSV_TYPE, filename)
    handle = write_xlsx(header, case_rows(_all_rows(stmt, court), court, locale), sheet=name[:31])
    return _download(file_chunks(handle), XLSX_TYPE, filename)


def breakdown_rows(report: dict, by: str | None):
    names = group_labels(by, [g["key"] for g in report["groups"]])
    yield ["total", "", *(report["totals"][f] for f in FIELDS)]
    for group in report["groups"]:
        yield [group["key"], group_name(by, group["key"], names), *(group[f] for f in FIELDS)]


@bp.get("/breakdown.<any(csv, xlsx):fmt>")
@require_roles(*STATS_ROLES)
def breakdown_export(fmt: str):
    query = _query("channel")
    report = stats_report(Scope.of(current_user), query)
    header = [dimension_labels().get(query.by or "", ""), "", *(field_labels()[f] for f in FIELDS)]
    filename = f"stats-{query.by or 'totals'}-{query.period.first}-{query.period.last}.{fmt}"
    if fmt == "csv":
        return _download(csv_stream(header, breakdown_rows(report, query.by)), CSV_TYPE, filename)
    return _download(file_chunks(write_xlsx(header, breakdown_rows(report, query.by), sheet="stats")),
                     XLSX_TYPE, filename)


def _month() -> date:
    text = request.args.get("month") or ""
    try:
        return date.fromisoformat(f"{text}-01") if text else today_in_china().replace(day=1)
    except ValueError:
        abort(400, description="month must be YYYY-MM")


@bp.get("/report")
@require_roles(*STATS_ROLES)
def monthly_report():
    from .report import report_html

    return report_html(Scope.of(current_user), _month(), request.args.get("as_of"))


@bp.get("/report.pdf")
@require_roles(*STATS_ROLES)
def monthly_report_pdf():
    from .report import report_pdf

    month = _month()
    pdf = report_pdf(Scope.of(current_user), month, request.args.get("as_of"))
    return _download(pdf, "application/pdf", f"stats-report-{month:%Y-%m}.pdf")
