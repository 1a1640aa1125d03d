"""A bounded load run: filing, triage, queue and dashboard traffic at once against gunicorn + PostgreSQL + a
Celery worker on Redis, on this machine over loopback; prints throughput, p50/p95 latency and errors per kind.

    DISPUTE_HUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
    DISPUTE_HUB_BENCH_REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python -m bench.load.run [--seconds 60] [--cases 20000] [--web-workers 2]

A scratch database is made beside the one the URL names (and dropped afterwards), seeded with reference
data, mediators and ``--cases`` cases; gunicorn and the worker run as subprocesses with the services-mode
settings. After the run it waits for the worker to route every filing the API acknowledged.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.load.client import HttpSession, free_port, wait_for_http
from bench.queues.run import PASSWORD, seed_cases, seed_people
from dispute_hub import create_app
from dispute_hub.extensions import db

ROOT = Path(__file__).resolve().parents[2]
TRIAGE_TEXTS = [
    "被申请人在天猫店铺销售的四件套与我司外观设计专利ZL202130123456.X近似，请求停止销售并赔偿。",
    "对方未经许可在抖音直播间使用我方注册商标“锦绣”销售床品，消费者误认。",
    "某公司擅自复制我司计算机软件并在官网提供下载，侵犯软件著作权。",
    "前员工带走客户名单和报价体系到竞争对手处使用，侵害我司经营秘密。",
    "The respondent sells counterfeit handbags bearing our registered trademark on an e-commerce platform.",
]


@dataclass
class Kind:
    """One kind of traffic: how many client threads, and what one request is."""

    name: str
    threads: int
    call: Callable[[HttpSession, int], int]
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def drive(self, session: HttpSession, stop: threading.Event) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            started = time.perf_counter()
            try:
                status = self.call(session, n)
                problem = None if status < 400 else f"HTTP {status}"
            except OSError as exc:
                problem = type(exc).__name__
            elapsed = time.perf_counter() - started
            with self.lock:
                if problem:
                    self.errors.append(problem)
                else:
                    self.latencies.append(elapsed)


def _services_env(database_url: str, redis_url: str, instance: str) -> dict[str, str]:
    return {**os.environ, "DISPUTE_HUB_ENV": "production", "DISPUTE_HUB_SECRET_KEY": secrets.token_hex(32),
            "DISPUTE_HUB_DATABASE_URL": database_url, "DISPUTE_HUB_BROKER_URL": redis_url,
            "DISPUTE_HUB_RATELIMIT_STORAGE_URL": redis_url, "DISPUTE_HUB_INSTANCE_DIR": instance}


def _seed(app, cases: int) -> tuple[str, str, str]:
    """Reference data, people and cases; returns (integrator token, mediator email, liaison email)."""
    from werkzeug.security import generate_password_hash

    from dispute_hub.models import User, issue_token

    mediators = seed_people(app)
    seed_cases(app, random.Random(2026), cases, mediators)
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        integrator = User(email="ipr@platform.bench.example", name="电商平台", role="claimant", password_hash=hashed)
        db.session.add(integrator)
        db.session.add(User(email="liaison@bench.example", name="联络员", role="liaison", password_hash=hashed))
        _row, secret = issue_token(integrator, "load run", ["filings:write", "triage"])
        mediator = db.session.execute(sa.select(User.email).where(User.role == "mediator")
                                      .order_by(User.id)).scalars().first()
        db.session.commit()
    return secret, mediator, "liaison@bench.example"


def _kinds(token: str, dashboard: str | None) -> list[Kind]:
    from tests.support.filings import filing_body

    bearer = {"Authorization": f"Bearer {token}"}

    def file_one(session: HttpSession, n: int) -> int:
        body = filing_body(description=f"被申请人在网店销售侵犯我司外观设计专利权的床品，第{n}次投诉。")
        return session.post_json("/api/v1/filings", body, {**bearer, "Idempotency-Key": secrets.token_hex(16)})

    def triage_one(session: HttpSession, n: int) -> int:
        return session.post_json("/api/v1/triage", {"description": TRIAGE_TEXTS[n % len(TRIAGE_TEXTS)]}, bearer)

    def queue_page(session: HttpSession, n: int) -> int:
        tab = ("mine", "unassigned", "due_soon", "overdue", "waiting")[n % 5]
        return session.get(f"/cases/queue?tab={tab}")

    kinds = [Kind("filing (API)", 2, file_one), Kind("triage (API)", 2, triage_one),
             Kind("queue page", 2, queue_page)]
    if dashboard:
        kinds.append(Kind("dashboard", 1, lambda session, _n: session.get(dashboard)))
    return kinds


def _dashboard_path(app) -> str | None:
    with app.test_request_context():
        from flask import url_for

        try:
            return url_for("stats.dashboard")
        except Exception:  # noqa: BLE001  the statistics package is not installed in this tree
            return None


def _report(kinds: list[Kind], seconds: float) -> None:
    print(f"{'traffic':16s} {'ok':>7s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'errors':>7s}")
    for kind in kinds:
        lat = sorted(kind.latencies)
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else float("nan")
        errors = f"{len(kind.errors)}" + (f" {sorted(set(kind.errors))}" if kind.errors else "")
        print(f"{kind.name:16s} {len(lat):7d} {len(lat) / seconds:8.1f} {p50:8.1f} {p95:8.1f} {errors:>7s}")
    total = sum(len(k.latencies) for k in kinds)
    print(f"{'all':16s} {total:7d} {total / seconds:8.1f}   errors: {sum(len(k.errors) for k in kinds)}")


def _wait_for_routing(app, filed_after, timeout: float) -> None:
    from dispute_hub.models import Dispute

    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            new = sa.select(sa.func.count()).select_from(Dispute).where(Dispute.filed_at >= filed_after)
            total = db.session.execute(new).scalar_one()
            routed = db.session.execute(new.where(Dispute.routing_decision.is_not(None))).scalar_one()
            db.session.remove()
        if routed == total or time.monotonic() > deadline:
            print(f"worker: {routed} of {total} filings of the run classified and routed")
            return
        time.sleep(1)


def run(database_url: str, redis_url: str, args: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": instance})
        token, mediator, liaison = _seed(app, args.cases)
        env = _services_env(database_url, redis_url, instance)
        port = free_port()
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.web_workers), "--threads", "4",
                                "-b", f"127.0.0.1:{port}", "--log-level", "warning", "dispute_hub:create_app()"],
                               env=env, cwd=ROOT)
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "dispute_hub.worker", "worker",
                                   "--concurrency", "1", "-Q", "dispute_hub", "--loglevel=warning"], env=env, cwd=ROOT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_http(base + "/healthz", 60)
            kinds = _kinds(token, _dashboard_path(app))
            sessions = {k.name: [HttpSession(base) for _ in range(k.threads)] for k in kinds}
            for session in sessions["queue page"]:
                session.login(mediator, PASSWORD)
            for session in sessions.get("dashboard", []):
                session.login(liaison, PASSWORD)
            for kind in kinds:  # one untimed request each: imports, segmenter and rule tables load
                kind.call(sessions[kind.name][0], 0)
            stop = threading.Event()
            threads = [threading.Thread(target=k.drive, args=(s, stop)) for k in kinds for s in sessions[k.name]]
            started_at = datetime.now(UTC)
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(args.seconds)
            stop.set()
            for thread in threads:
                thread.join(60)
            elapsed = time.perf_counter() - started
            print(f"load run: {elapsed:.0f} s, gunicorn {args.web_workers} workers x 4 threads, one Celery worker, "
                  f"{args.cases} cases in PostgreSQL, {sum(k.threads for k in kinds)} client threads")
            _report(kinds, elapsed)
            _wait_for_routing(app, started_at, 120)
        finally:
            for process in (web, worker):
                process.terminate()
                process.wait(30)
            with app.app_context():
                db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the traffic runs")
    parser.add_argument("--cases", type=int, default=20_000, help="cases seeded before the run")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args(argv)
    url = os.environ.get("DISPUTE_HUB_BENCH_DATABASE_URL")
    redis_url = os.environ.get("DISPUTE_HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    if not url or not url.startswith("postgresql"):
        print("set DISPUTE_HUB_BENCH_DATABASE_URL to a PostgreSQL server (a scratch database is made beside it)")
        return 2
    from tests.support.databases import create_scratch_database, drop_scratch_database, prepare_schema

    scratch = create_scratch_database(url)
    try:
        prepare_schema(scratch)
        run(scratch, redis_url, args)
    finally:
        drop_scratch_database(url, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
