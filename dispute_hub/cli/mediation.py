"""Mediation chores for the embedded mode, where no Celery beat runs: sweep deadlines, send what is pending."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


@click.command("sweep-deadlines")
@with_appcontext
def sweep_deadlines_command():
    """Warn before and escalate after deadlines (what beat runs hourly in services mode); idempotent.

    In the embedded mode, schedule it with cron, e.g. ``5 * * * * flask --app dispute_hub sweep-deadlines``.
    """
    from ..mediation.tasks import send_pending, sweep_deadlines

    swept = sweep_deadlines.run()
    sent = send_pending.run()
    click.echo(json.dumps({"sweep": swept, "sent": sent}, ensure_ascii=False, default=str))
