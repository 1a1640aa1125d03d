"""A Celery worker killed in the middle of a task: the task is redone by the next worker, and done once."""

from __future__ import annotations

import signal
import time
import uuid

import pytest
import sqlalchemy as sa

from dispute_hub.mediation.notifications import notify
from dispute_hub.models import Notification
from tests.support.smtp import SmtpServer, StallingCollector, free_port
from tests.support.worker import client_celery, start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.slow]
VISIBILITY = 3  # seconds before Redis hands an unacknowledged task to another worker


@pytest.fixture
def stalling_smtp():
    server = SmtpServer(free_port(), StallingCollector()).start()
    yield server
    server.stop()


def test_a_worker_killed_mid_send_leaves_the_task_to_the_next_worker(db, make, stalling_smtp, redis_url,
                                                                     database_url, tmp_path):
    org = make.org()
    mediator = make.user("mediator", org, email="mediator@example.com")
    dispute = make.dispute(org, status="accepted", mediator_id=mediator.id)
    (row,) = notify(dispute, "deadline_warning", recipients=["mediator"],
                    context={"due_date": "2026-03-12", "days_left": 2}, dedupe="fault")
    db.session.commit()

    queue = f"dispute_hub_fault_{uuid.uuid4().hex[:8]}"
    env = worker_env(database_url, redis_url, tmp_path / "worker",
                     DISPUTE_HUB_SMTP_HOST="127.0.0.1", DISPUTE_HUB_SMTP_PORT=str(stalling_smtp.port),
                     DISPUTE_HUB_SMTP_STARTTLS="0", DISPUTE_HUB_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY))
    celery = client_celery(database_url, redis_url, tmp_path / "client", BROKER_VISIBILITY_TIMEOUT=VISIBILITY)
    first = start_worker(env, queue)
    second = None
    try:
        result = celery.send_task("mediation.send_notification", args=[row.id], queue=queue)
        assert stalling_smtp.handler.first_arrived.wait(60), stop_worker(first)
        first.send_signal(signal.SIGKILL)  # no chance to reject or acknowledge the message
        first.wait(10)
        time.sleep(VISIBILITY + 1)
        second = start_worker(env, queue)
        outcome = result.get(timeout=90)
    finally:
        output = stop_worker(first) + (stop_worker(second) if second else "")
        celery.close()

    assert outcome == "sent", output
    assert len(stalling_smtp.handler.envelopes) == 1, output  # redone, and sent once
    db.session.expire_all()
    sent = db.session.execute(sa.select(Notification).where(Notification.id == row.id)).scalar_one()
    assert sent.status == "sent"
