"""Statistics tasks: the daily rollup's periodic refresh (beat), committed here at the task boundary."""

from __future__ import annotations

from celery import shared_task

from ..extensions import db
from .rollup import refresh_rollup as refresh


@shared_task(name="stats.refresh_rollup")
def refresh_rollup() -> dict:
    """Roll up the days since the last refresh and the days case changes made dirty (the whole rollup the
    first time).

    :return: ``{"through": "YYYY-MM-DD", "days": n, "rows": n, "dirty": n}``
    """
    result = refresh()
    db.session.commit()
    return result.as_dict()
