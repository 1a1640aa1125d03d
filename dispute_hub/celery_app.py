"""Celery bound to the Flask app: tasks run in an app context, inline in the embedded mode."""

from __future__ import annotations

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` and keep it in ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    inline = app.config["TASKS_INLINE"]
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["BROKER_URL"] or "memory://localhost/",
        result_backend=app.config["RESULT_BACKEND"] or None,
        task_always_eager=inline,
        task_eager_propagates=inline,
        task_store_eager_result=False,
        # a worker that dies mid-task leaves the message to be redelivered; tasks are idempotent
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # a message taken by a worker that was killed outright (no chance to reject it) comes back after this
        broker_transport_options={"visibility_timeout": int(app.config["BROKER_VISIBILITY_TIMEOUT"])},
        worker_prefetch_multiplier=1,
        task_default_queue="dispute_hub",
        broker_connection_retry_on_startup=True,
        timezone="Asia/Shanghai",
        imports=("dispute_hub.tasks", "dispute_hub.routing.tasks", "dispute_hub.mediation.tasks",
                 "dispute_hub.casesearch.tasks", "dispute_hub.stats.tasks"),
        beat_schedule={
            "route-pending-filings": {"task": "routing.process_pending", "schedule": 300.0},
            "verify-event-chains-nightly": {
                "task": "maintenance.verify_event_chains",
                "schedule": crontab(hour=2, minute=30),
            },
            "sweep-deadlines-hourly": {"task": "mediation.sweep_deadlines", "schedule": crontab(minute=5)},
            "send-pending-notifications": {"task": "mediation.send_pending", "schedule": 600.0},
            "drain-search-outbox": {"task": "search.drain_outbox", "schedule": 60.0},
            "refresh-stats-rollup": {"task": "stats.refresh_rollup", "schedule": 600.0},
        },
    )
    celery.set_default()
    app.extensions["celery"] = celery
    from . import tasks  # noqa: F401  registers the tasks on this Celery app
    from .casesearch import tasks as search_tasks  # noqa: F401
    from .mediation import tasks as mediation_tasks  # noqa: F401
    from .routing import tasks as routing_tasks  # noqa: F401
    from .stats import tasks as stats_tasks  # noqa: F401

    return celery
