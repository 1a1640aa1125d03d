"""Queue pages and case page latency (p50/p95) with many cases in PostgreSQL.

    DISPUTE_HUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.queues.run [--n 100000] [--repeat 40]

A scratch database is created beside the one the URL names and dropped afterwards. Cases are written with
Core inserts across the reference organisations, statuses, mediators and deadlines, then ANALYZEd;
requests go through Flask's test client in this process, logged in as a mediator (and an org admin).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dispute_hub import create_app
from dispute_hub.extensions import db
from dispute_hub.labels import IP_TYPES

# the queue routes join the mediation blueprint before any app is built (until views.py imports them)
from dispute_hub.mediation import queue_views  # noqa: F401, E402  isort: skip

PASSWORD = "bench-password-2026"
MEDIATORS_PER_ORG = 8
BATCH = 5000
# (status, weight): most of several years' cases are finished; the open ones are recent
STATUS_WEIGHTS = [
    ("closed", 70), ("rejected", 5), ("withdrawn", 4), ("settled", 2), ("failed", 1),
    ("submitted", 2), ("screening", 2), ("more_info", 1.5), ("accepted", 3), ("assigned", 3),
    ("in_mediation", 5), ("suspended", 1), ("hearing", 0.5),
]
WITH_MEDIATOR = {"assigned", "in_mediation", "suspended", "hearing", "closed", "settled", "failed"}
WITH_DEADLINE = {"accepted", "assigned", "in_mediation", "suspended", "hearing", "closed", "settled", "failed"}
OPEN = {"submitted", "screening", "more_info", "accepted", "assigned", "in_mediation", "suspended", "hearing"}


def seed_people(app) -> dict[int, list[int]]:
    """Reference organisations, each with mediators and an org admin; returns org id -> mediator ids."""
    from werkzeug.security import generate_password_hash

    from dispute_hub.models import MediatorProfile, Organization, User
    from dispute_hub.reference import load_reference

    hashed = generate_password_hash(PASSWORD)
    with app.app_context():
        load_reference()
        orgs = db.session.execute(sa.select(Organization).order_by(Organization.id)).scalars().all()
        for org in orgs:
            db.session.add(User(email=f"admin-{org.id}@bench.example", name=f"管理员{org.id}", role="org_admin",
                                organization_id=org.id, password_hash=hashed))
            for k in range(MEDIATORS_PER_ORG):
                db.session.add(User(email=f"m{org.id}-{k}@bench.example", name=f"调解员{org.id}-{k}",
                                    role="mediator", organization_id=org.id, password_hash=hashed,
                                    mediator_profile=MediatorProfile(specialties=[], languages=["zh"])))
        db.session.commit()
        rows = db.session.execute(sa.select(User.organization_id, User.id).where(User.role == "mediator")).all()
    mediators: dict[int, list[int]] = {}
    for org_id, user_id in rows:
        mediators.setdefault(org_id, []).append(user_id)
    return mediators


def _case_row(i: int, rng: random.Random, now: datetime, org_id: int, channel: str, mediators: list[int]) -> dict:
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
    filed = now - timedelta(days=rng.uniform(0, 90) if status in OPEN else rng.uniform(90, 1100))
    deadline = filed + timedelta(days=rng.choice((15, 30, 30, 60, 90))) if status in WITH_DEADLINE else None
    assigned = status in WITH_MEDIATOR or (status == "accepted" and rng.random() < 0.3)
    return {
        "id": i, "tracking_no": f"NTIP-{filed.year}-{i:07d}", "title": f"知识产权纠纷{i}",
        "description": "被申请人在网店销售侵权产品。", "status": status, "language": "zh", "channel": channel,
        "organization_id": org_id, "mediator_id": rng.choice(mediators) if assigned else None,
        "ip_type": rng.choice(IP_TYPES), "signals": [], "flags": [], "claims": {}, "existing_proceedings": {},
        "arbitration_agreement": False, "consent_online": True, "filed_at": filed,
        "accepted_at": filed if deadline else None,
        "deadline_at": deadline if deadline else None,
        "closed_at": (filed + timedelta(days=40)) if status not in OPEN else None,
        "suspended_days": 0, "event_count": 0, "version": 1, "updated_at": now,
    }


def _party_rows(case: dict, rng: random.Random, now: datetime) -> list[dict]:
    invited = case["status"] in ("assigned", "in_mediation", "closed") and rng.random() < 0.8
    answered = invited and (case["status"] != "assigned" or rng.random() < 0.5)
    base = {"dispute_id": case["id"], "kind": "company", "country": "CN"}
    return [
        {**base, "role": "claimant", "name": f"南通申请人{case['id']}有限公司",
         "name_normalized": f"南通申请人{case['id']}"},
        {**base, "role": "respondent", "name": f"被申请人{case['id']}有限公司",
         "name_normalized": f"被申请人{case['id']}",
         "invited_at": (now - timedelta(days=rng.uniform(1, 20))) if invited else None,
         "response": "consented" if answered else None},
    ]


def seed_cases(app, rng: random.Random, n: int, mediators: dict[int, list[int]]) -> None:
    """``n`` cases with a claimant and a respondent each, by Core inserts in batches, then ANALYZE."""
    from dispute_hub.models import Dispute, Organization, Party

    now = datetime.now(UTC)
    with app.app_context():
        channels = dict(db.session.execute(sa.select(Organization.id, Organization.channels)).all())
        orgs = sorted(mediators)
        conn = db.session.connection()
        for start in range(1, n + 1, BATCH):
            cases = []
            for i in range(start, min(start + BATCH, n + 1)):
                org_id = rng.choice(orgs)
                cases.append(_case_row(i, rng, now, org_id, (channels[org_id] or ["people_mediation"])[0],
                                       mediators[org_id]))
            conn.execute(sa.insert(Dispute.__table__), cases)
            conn.execute(sa.insert(Party.__table__), [p for c in cases for p in _party_rows(c, rng, now)])
        conn.execute(sa.text("SELECT setval('disputes_id_seq', (SELECT max(id) FROM disputes))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
            raw.execute(sa.text("ANALYZE"))


def timed(label: str, call: Callable[[], object], repeat: int) -> None:
    for _ in range(3):  # warm the caches and the template
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    print(f"  {label:<44} p50 {cuts[49] * 1000:7.1f} ms   p95 {cuts[94] * 1000:7.1f} ms   (n={repeat})")


def _get(client, url: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return call


def bench_pages(app, rng: random.Random, mediators: dict[int, list[int]], repeat: int) -> None:
    from dispute_hub.mediation.queues import QUEUES
    from dispute_hub.models import Dispute, User

    org_id = max(mediators, key=lambda o: len(mediators[o]))
    with app.app_context():
        mediator = db.session.get(User, mediators[org_id][0])
        admin = db.session.execute(sa.select(User).where(User.role == "org_admin", User.organization_id == org_id)
                                   ).scalar_one()
        numbers = db.session.execute(sa.select(Dispute.tracking_no).where(Dispute.organization_id == org_id)
                                     .order_by(Dispute.id).limit(2000)).scalars().all()
        in_org = db.session.execute(sa.select(sa.func.count()).where(Dispute.organization_id == org_id)).scalar_one()
    print(f"  organisation {org_id}: {in_org} cases; logged in as {mediator.email}")
    for who, user in (("mediator", mediator), ("org admin", admin)):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        for tab in QUEUES if who == "mediator" else ("unassigned", "overdue"):
            timed(f"{who}: GET /cases/queue?tab={tab}", _get(client, f"/cases/queue?tab={tab}"), repeat)
        if who == "mediator":
            timed("mediator: queue, filtered + sorted by filing",
                  _get(client, "/cases/queue?tab=overdue&status=in_mediation&ip_type=patent&sort=filed"), repeat)
            pick = (lambda c: lambda: _get(c, f"/cases/{rng.choice(numbers)}")())(client)
            timed("mediator: GET /cases/<no>", pick, repeat)


def explain(app, mediators: dict[int, list[int]]) -> None:
    """EXPLAIN ANALYZE of the counts query and of each queue's page query, as the mediator runs them."""
    from dispute_hub.mediation.queues import QUEUES, _open_cases, queue_conditions, queue_query
    from dispute_hub.models import User

    org_id = max(mediators, key=lambda o: len(mediators[o]))
    with app.app_context():
        user = db.session.get(User, mediators[org_id][0])
        conditions = queue_conditions(user)
        counts = _open_cases(user).with_only_columns(
            *[sa.func.count(sa.case((c, 1))).label(n) for n, c in conditions.items()])
        statements = {"counts": counts, **{q: queue_query(user, q).limit(50) for q in QUEUES}}
        for name, statement in statements.items():
            compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
            plan = db.session.connection().exec_driver_sql(f"EXPLAIN ANALYZE {compiled}", compiled.params)
            print(f"--- {name}")
            print("\n".join(row[0] for row in plan))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="cases to create")
    parser.add_argument("--repeat", type=int, default=40, help="timed requests per page")
    parser.add_argument("--explain", action="store_true", help="print the query plans too")
    args = parser.parse_args(argv)
    url = os.environ.get("DISPUTE_HUB_BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        print("set DISPUTE_HUB_BENCH_DATABASE_URL to a PostgreSQL server (a scratch database is made beside it)")
        return 2
    from tests.support.databases import create_scratch_database, drop_scratch_database, prepare_schema

    rng = random.Random(2026)
    scratch = create_scratch_database(url)
    try:
        prepare_schema(scratch)
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch, "INSTANCE_DIR": tmp,
                              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
            started = time.perf_counter()
            mediators = seed_people(app)
            seed_cases(app, rng, args.n, mediators)
            print(f"queues bench on PostgreSQL: {args.n} cases, {len(mediators)} organisations, "
                  f"seeded in {time.perf_counter() - started:.0f} s")
            bench_pages(app, rng, mediators, args.repeat)
            if args.explain:
                explain(app, mediators)
            with app.app_context():
                db.engine.dispose()
    finally:
        drop_scratch_database(url, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
