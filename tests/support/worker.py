"""A real Celery worker on Redis for the tests that must see a task cross the broker."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispute_hub import create_app

ROOT = Path(__file__).resolve().parents[2]


def worker_env(database_url: str, redis_url: str, instance: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DISPUTE_HUB_ENV": "testing", "DISPUTE_HUB_DATABASE_URL": database_url,
            "DISPUTE_HUB_BROKER_URL": redis_url, "DISPUTE_HUB_INSTANCE_DIR": str(instance), **extra}


def start_worker(env: dict[str, str], queue: str) -> subprocess.Popen:
    """A solo-pool worker consuming ``queue`` only (one task at a time, in the worker's own process)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dispute_hub.worker", "worker", "--pool=solo", "-Q", queue,
         "--loglevel=warning", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    """Stop ``worker`` (if it still runs) and return what it printed."""
    if worker.poll() is None:
        worker.terminate()
    out, _ = worker.communicate(timeout=30)
    return out.decode(errors="replace") if out else ""


def client_celery(database_url: str, redis_url: str, instance: Path, **config: object):
    """The Celery app of a second app instance, as the web process would use it to send tasks."""
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "BROKER_URL": redis_url,
                      "INSTANCE_DIR": str(instance), **config})
    return app.extensions["celery"]


@contextmanager
def real_worker(database_url: str, redis_url: str, tmp_path: Path, **env_extra: str) -> Iterator[tuple]:
    """Start a solo worker on a queue of its own; yield (celery app, queue, output list).

    The worker's output is appended to the list once it has stopped, for assertion messages.
    """
    queue = f"dispute_hub_test_{uuid.uuid4().hex[:8]}"
    worker = start_worker(worker_env(database_url, redis_url, tmp_path / "worker", **env_extra), queue)
    celery = client_celery(database_url, redis_url, tmp_path / "client")
    output: list[str] = []
    try:
        yield celery, queue, output
    finally:
        output.append(stop_worker(worker))
        celery.close()
