"""Triage over HTTP: requests per second and p50/p95/p99 latency of ``POST /api/v1/triage``, then the pure figures.

    .venv/bin/python -m bench.triage.http [--n 2000] [--pure-repeat 20] [--no-pure]
    DISPUTE_HUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.triage.http

Requests go through Flask's test client in this process (no HTTP server, one process), with a token of
scope ``triage``, against a fresh database holding only the reference data (a new SQLite file, or a
scratch PostgreSQL database beside DISPUTE_HUB_BENCH_DATABASE_URL). Bodies are the labelled cases of
tests/data/classifier/cases.jsonl (description plus their structured fields), taken in turn. The
figures are the application's own cost: JSON parsing, validation, token look-up, classification,
routing, the organisation look-up and the response.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence

from bench.intake.filing import database, make_app
from bench.triage import pure
from dispute_hub.extensions import db
from dispute_hub.routing.evaluate import DEFAULT_CASES, load_cases

URL = "/api/v1/triage"


def bodies(path: str) -> list[dict]:
    """Request bodies from labelled cases: the description and the case's structured filing fields."""
    return [{"description": case["description"], **(case.get("structured") or {})} for case in load_cases(path)]


def issue_bench_token(app) -> dict:
    from dispute_hub.models import User, issue_token

    with app.app_context():
        user = User(email="bench-triage@example.com", name="分流基准", role="claimant", password_hash="!")
        db.session.add(user)
        db.session.flush()
        _row, secret = issue_token(user, "bench", ["triage"])
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def report(label: str, latencies: list[float], elapsed: float) -> None:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    print(f"  {label:<26} {len(latencies) / elapsed:8.1f} req/s   p50 {cuts[49] * 1e3:6.2f} ms"
          f"   p95 {cuts[94] * 1e3:6.2f} ms   p99 {cuts[98] * 1e3:6.2f} ms   (n={len(latencies)})")


def bench_http(app, work: Sequence[dict], n: int) -> Counter:
    """Warm up on every body once (the first request loads the segmenter), then time ``n`` requests."""
    client = app.test_client()
    headers = issue_bench_token(app)
    started = time.perf_counter()
    client.post(URL, json=work[0], headers=headers)
    print(f"  first request (segmenter, weights, taxonomy, rules load): {time.perf_counter() - started:.2f} s")
    statuses: Counter = Counter(client.post(URL, json=body, headers=headers).status_code for body in work)
    if statuses[200] == 0:
        raise SystemExit(f"no body was accepted: {dict(statuses)}")
    latencies = []
    started = time.perf_counter()
    for i in range(n):
        body = work[i % len(work)]
        t = time.perf_counter()
        response = client.post(URL, json=body, headers=headers)
        latencies.append(time.perf_counter() - t)
        assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
    report("API POST /api/v1/triage", latencies, time.perf_counter() - started)
    return statuses


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="timed requests")
    parser.add_argument("--cases", default=str(DEFAULT_CASES), help="JSON-lines file of labelled cases")
    parser.add_argument("--pure-repeat", type=int, default=20, help="times bench.triage.pure repeats the cases")
    parser.add_argument("--no-pure", action="store_true", help="skip the pure (no HTTP) figures")
    args = parser.parse_args(argv)
    work = bodies(args.cases)
    url = os.environ.get("DISPUTE_HUB_BENCH_DATABASE_URL")
    with database(url) as (db_url, tmp):
        app = make_app(db_url, tmp)
        print(f"triage HTTP bench on {'PostgreSQL' if url else 'SQLite (embedded)'}, single process, "
              f"{len(work)} distinct bodies")
        statuses = bench_http(app, work, args.n)
        print(f"  bodies answered 200: {statuses[200]} of {len(work)}"
              + (f"; refused as invalid (422, still timed): {statuses[422]}" if statuses[422] else ""))
        with app.app_context():
            db.engine.dispose()
    if not args.no_pure:
        print("pure steps (bench.triage.pure, single process; loaded already by the HTTP run):")
        pure.main(["--repeat", str(args.pure_repeat), "--cases", args.cases])
    return 0


if __name__ == "__main__":
    sys.exit(main())
