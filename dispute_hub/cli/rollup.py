"""`flask --app dispute_hub stats-rollup [--from D] [--to D]`: rebuild the statistics' daily rollup."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..stats.periods import PeriodError, parse_day
from ..stats.rollup import RollupError, rebuild_rollup


@click.command("stats-rollup")
@click.option("--from", "first", help="first day to recompute, YYYY-MM-DD (default: the first case's day)")
@click.option("--to", "last", help="last day to recompute, YYYY-MM-DD (default: yesterday in Shanghai)")
@with_appcontext
def stats_rollup_command(first: str | None, last: str | None) -> None:
    """Recompute the daily rollup of the statistics from the cases: all of it, or the days --from..--to (after
    changes made outside the application, such as SQL fixes). Beat refreshes the recent days by itself."""
    try:
        first_day, last_day = parse_day(first, "from"), parse_day(last, "to")
        started = time.perf_counter()
        result = rebuild_rollup(first_day, last_day)
    except PeriodError as exc:
        raise click.BadParameter(exc.message_en, param_hint=f"--{exc.field}") from None
    except RollupError as exc:
        raise click.UsageError(str(exc)) from None
    db.session.commit()
    click.echo(f"rolled up {result.days} days ({result.rows} rows, {result.dirty} dirty marks) in "
               f"{time.perf_counter() - started:.1f} s; the rollup now reaches {result.through or '-'}")
