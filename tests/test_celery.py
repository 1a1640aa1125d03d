"""Celery: inline in the embedded mode, a real worker on Redis in services mode."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dispute_hub import create_app
from tests.support.worker import real_worker


def test_embedded_mode_runs_tasks_inline_in_an_app_context(app, db, make):
    from dispute_hub.tasks import verify_event_chains

    make.dispute(title="甲")
    db.session.commit()
    celery = app.extensions["celery"]
    assert celery.conf.task_always_eager is True
    result = verify_event_chains.delay()
    assert result.get() == {"checked": 1, "broken": {}}


def test_services_mode_configuration(tmp_path):
    app = create_app({"ENV": "testing", "INSTANCE_DIR": str(tmp_path), "BROKER_URL": "redis://127.0.0.1:6379/15"})
    conf = app.extensions["celery"].conf
    assert conf.task_always_eager is False
    assert conf.broker_url == "redis://127.0.0.1:6379/15"
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert "verify-event-chains-nightly" in conf.beat_schedule


@pytest.mark.redis
@pytest.mark.slow
def test_a_real_worker_runs_a_task_to_completion(app, db, make, redis_url, database_url, tmp_path):
    victim = make.dispute(title="被篡改")
    make.dispute(title="完好")
    db.session.commit()
    db.session.execute(sa.text("UPDATE case_events SET kind = 'forged' WHERE dispute_id = :id"), {"id": victim.id})
    db.session.commit()

    with real_worker(database_url, redis_url, tmp_path) as (celery, queue, output):
        result = celery.send_task("maintenance.verify_event_chains", queue=queue)
        outcome = result.get(timeout=90)
        result.forget()
    assert outcome["checked"] == 2, output
    assert list(outcome["broken"]) == [victim.tracking_no]
