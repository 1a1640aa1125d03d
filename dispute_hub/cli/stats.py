"""`flask --app dispute_hub stats --from … --to … [--by …] [--as-of …] [--json]`: the API's figures on stdout."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from ..stats.definitions import FIELDS
from ..stats.periods import DIMENSIONS, PeriodError, parse_query
from ..stats.queries import Scope, stats_report


def _table(report: dict) -> str:
    rows = [("", *FIELDS), ("total", *(report["totals"][f] for f in FIELDS))]
    rows += [(str(g["key"]), *(g[f] for f in FIELDS)) for g in report["groups"]]

    def show(value: object) -> str:
        return "-" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)

    lines = [f"{report['from']} .. {report['to']} (as of {report['as_of']})"]
    for field_index in range(len(FIELDS) + 1):
        lines.append("  ".join(f"{show(row[field_index]):>24}" for row in rows))
    return "\n".join(lines)


@click.command("stats")
@click.option("--from", "first", help="first day, YYYY-MM-DD (default: 1 January of --to's year)")
@click.option("--to", "last", help="last day, YYYY-MM-DD (default: today in Shanghai)")
@click.option("--by", type=click.Choice(DIMENSIONS), help="break the figures down by this dimension")
@click.option("--as-of", "as_of", help="day on which appeal periods are judged (default: today)")
@click.option("--json", "as_json", is_flag=True, help="print only the JSON of GET /api/v1/stats")
@with_appcontext
def stats_command(first: str | None, last: str | None, by: str | None, as_of: str | None, as_json: bool) -> None:
    """Closure, acceptance, mediation, deadline and satisfaction figures of a period, for all organisations."""
    try:
        query = parse_query({"from": first, "to": last, "by": by, "as_of": as_of})
    except PeriodError as exc:
        raise click.BadParameter(exc.message_en, param_hint=f"--{exc.field.replace('_', '-')}") from None
    report = stats_report(Scope.everything(), query)
    click.echo(json.dumps(report, ensure_ascii=False) if as_json else _table(report))
