"""Statistics queries at a national scale: N cases (default 1,000,000) in PostgreSQL, dashboard p50/p95.

    DISPUTE_HUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.stats.run [--n 1000000] [--repeat 20] [--explain] [--keep | --database URL]

A scratch database is created beside the one the URL names and dropped afterwards (kept with --keep, for
--database). Cases over five years are written with COPY (under a minute for a million), a court proceeding
for one in twelve, then ANALYZEd. Timed, first from the case tables alone, then with the daily rollup: the
reports of the last full year by channel, month, organisation and cause and of this year by channel, the
dashboard page, the API and a drill-down page through Flask's test client as a liaison officer; then the
rollup's whole build and the beat refresh, and a check that both give the same reports.
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
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from dispute_hub import create_app
from dispute_hub.extensions import db
from dispute_hub.labels import IP_TYPES

PASSWORD = "bench-password-2026"
YEARS = 5
CLOSURES = [("settled", 45), ("failed", 12), ("declined", 8), ("withdrawn", 8), ("referred", 10), ("adjudicated", 5)]
CAUSES = [("0160", "侵害外观设计专利权纠纷"), ("0159", "侵害实用新型专利权纠纷"), ("0162", "侵害商标权纠纷"),
          ("0153", "侵害作品信息网络传播权纠纷"), ("0170", "擅自使用他人有一定影响的商品名称、包装、装潢纠纷")]
CASE_COLUMNS = ("id", "tracking_no", "title", "description", "status", "closure", "language", "channel",
                "organization_id", "district_code", "ip_type", "cause_code", "cause_name", "signals", "flags", "claims",
                "existing_proceedings", "arbitration_agreement", "consent_online", "filed_at", "accepted_at",
                "closed_at", "deadline_at", "suspended_days", "satisfaction", "respondent_satisfaction", "event_count",
                "version", "updated_at")
COURT_COLUMNS = ("dispute_id", "court_case_no", "first_instance_concluded_at", "conclusion_type", "served_at",
                 "party_abroad", "appeal_filed_at", "appeal_period_ends_on")


def _case(i: int, rng: random.Random, start: datetime, span: float, orgs: list[tuple[int, str, str | None]]):
    """One case row (naive UTC, as UTCDateTime stores), and its court proceeding row or None."""
    org_id, channel, district = rng.choice(orgs)
    filed = start + timedelta(seconds=rng.uniform(0, span))
    rejected = rng.random() < 0.06
    accepted = None if rejected else filed + timedelta(hours=rng.uniform(1, 120))
    closed = filed + timedelta(days=rng.uniform(1, 3)) if rejected else None
    closure = "rejected" if rejected else None
    if accepted is not None and rng.random() < 0.93:
        closed = accepted + timedelta(days=rng.expovariate(1 / 28))
        closure = rng.choices([c for c, _ in CLOSURES], [w for _, w in CLOSURES])[0]
    now = start + timedelta(seconds=span)
    if closed is not None and closed > now:
        closed, closure = None, None
    deadline = accepted + timedelta(days=rng.choice((30, 30, 15, 90))) if accepted else None
    cause = rng.choice(CAUSES)
    rated = closed is not None and not rejected
    rating = rng.choices([None, 5, 4, 3, 2, 1], [40, 33, 18, 5, 2, 2])[0] if rated else None
    respondent_rating = rng.choices([None, 5, 4, 3, 2, 1], [60, 15, 12, 7, 3, 3])[0] if rated else None
    row = (i, f"NTIP-{filed.year}-{i:07d}", f"知识产权纠纷{i}", "被申请人在网店销售侵权产品。",
           "rejected" if rejected else ("closed" if closed else "in_mediation"), closure, "zh", channel, org_id,
           district, rng.choice(IP_TYPES), cause[0], cause[1], "[]", "[]", "{}", "{}", False, True, filed, accepted,
           closed, deadline, rng.choice((0, 0, 0, 5)), rating, respondent_rating, 0, 1, now)
    court = None
    if closure == "referred" or (accepted and rng.random() < 0.03):
        concluded = (closed or accepted) + timedelta(days=rng.uniform(30, 200))
        if concluded < now:
            kind = rng.choices(["judgment", "ruling", "mediation", "withdrawal"], [50, 15, 25, 10])[0]
            served = concluded.date() + timedelta(days=rng.randint(1, 10))
            days = None if kind in ("mediation", "withdrawal") else (15 if kind == "judgment" else 10)
            appeal = served + timedelta(days=rng.randint(1, 12)) if days and rng.random() < 0.12 else None
            court = (i, f"（{concluded.year}）苏06知民初{i}号", concluded.date(), kind, served, False, appeal,
                     served + timedelta(days=days) if days else None)
    return row, court


def seed(app, rng: random.Random, n: int) -> None:
    from dispute_hub.models import Organization, User
    from dispute_hub.reference import load_reference

    end = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=365 * YEARS)
    with app.app_context():
        load_reference()
        from werkzeug.security import generate_password_hash

        db.session.add(User(email="liaison@bench.example", name="联络员", role="liaison",
                            password_hash=generate_password_hash(PASSWORD)))
        db.session.commit()
        orgs = [(o.id, (o.channels or ["people_mediation"])[0], o.district_code)
                for o in db.session.execute(sa.select(Organization)).scalars()]
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cursor:
                courts = []
                with cursor.copy(f"COPY disputes ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                    for i in range(1, n + 1):
                        row, court = _case(i, rng, start, (end - start).total_seconds(), orgs)
                        copy.write_row(row)
                        if court:
                            courts.append(court)
                with cursor.copy(f"COPY court_proceedings ({', '.join(COURT_COLUMNS)}) FROM STDIN") as copy:
                    for court in courts:
                        copy.write_row(court)
                cursor.execute("SELECT setval('disputes_id_seq', (SELECT max(id) FROM disputes))")
            raw.commit()
        finally:
            raw.close()
    _analyze(app)
    with app.app_context():
        print(f"  {n} cases, {len(courts)} first-instance proceedings, {len(orgs)} organisations")


def _analyze(app) -> None:
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def timed(label: str, call: Callable[[], object], repeat: int) -> None:
    for _ in range(2):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    print(f"  {label:<52} p50 {cuts[49] * 1000:8.1f} ms   p95 {cuts[94] * 1000:8.1f} ms   (n={repeat})")


def _login(app):
    client = app.test_client()
    response = client.post("/login", data={"email": "liaison@bench.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _page(client, url: str) -> Callable[[], object]:
    def call() -> object:
        got = client.get(url)
        assert got.status_code == 200, (url, got.status_code)
        return got

    return call


def _periods():
    from dispute_hub.stats.periods import Period, today_in_china

    today = today_in_china()
    year = today.year - 1
    return Period(date(year, 1, 1), date(year, 12, 31)), Period(date(today.year, 1, 1), today), today


def _measure(app, client, repeat: int, use_rollup: bool) -> None:
    """The year's reports, this year's up to today (today always counted live) and the pages."""
    from dispute_hub.stats.periods import StatsQuery
    from dispute_hub.stats.queries import Scope, stats_report

    last_year, this_year, as_of = _periods()
    print(f"-- {'rollup + live for the days it lacks' if use_rollup else 'live (case tables only)'}")
    with app.app_context():
        runs = [(last_year, by) for by in ("channel", "month", "organization", "cause")] + [(this_year, "channel")]
        for period, by in runs:
            query = StatsQuery(period, as_of, by)
            label = f"stats_report {period.first}..{period.last} by {by}"
            timed(label, lambda q=query: stats_report(Scope.everything(), q, use_rollup=use_rollup), repeat)
            db.session.rollback()
    params = f"from={last_year.first}&to={last_year.last}&as_of={as_of}"
    timed(f"GET /stats/?by=channel ({last_year.first.year}, dashboard + trend)",
          _page(client, f"/stats/?{params}&by=channel"), repeat)
    timed("GET /stats/ (default: this year to today by channel)", _page(client, "/stats/"), repeat)
    timed(f"GET /api/v1/stats?by=month ({last_year.first.year})", _page(client, f"/api/v1/stats?{params}&by=month"),
          repeat)
    timed("GET /stats/cases?set=closed (first page of the list)", _page(client, f"/stats/cases?set=closed&{params}"),
          repeat)


def _reset_rollup(app) -> None:
    from dispute_hub.models import StatsDay, StatsDirtyDay, StatsRollupState

    with app.app_context():
        for model in (StatsDay, StatsDirtyDay, StatsRollupState):
            db.session.execute(sa.delete(model))
        db.session.commit()


def _once(label: str, call: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = call()
    db.session.commit()
    print(f"  {label:<52} {(time.perf_counter() - started) * 1000:8.0f} ms   {result}")
    return result


def _touch(rng: random.Random, count: int, days: int | None) -> None:
    """Rate ``count`` random cases closed before today (within the last ``days``, or any time), through the ORM
    as the platform would, which marks their days dirty."""
    from dispute_hub.models import Dispute

    since = datetime.now(UTC) - timedelta(days=days or 365 * YEARS)
    ids = db.session.execute(sa.select(Dispute.id).where(Dispute.closed_at >= since)
                             .order_by(sa.func.random()).limit(count)).scalars().all()
    for dispute in db.session.execute(sa.select(Dispute).where(Dispute.id.in_(ids))).scalars():
        dispute.respondent_satisfaction = rng.randint(1, 5)
    db.session.commit()


def _build(app, repeat: int) -> None:
    from dispute_hub.stats.periods import StatsQuery
    from dispute_hub.stats.queries import Scope, stats_report
    from dispute_hub.stats.rollup import rebuild_rollup, refresh_rollup

    print("-- rollup refresh")
    with app.app_context():
        _once("stats-rollup (whole rollup, from the first case)", rebuild_rollup)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE stats_daily"))  # as autovacuum would after so many rows
        size = db.session.execute(sa.text("SELECT pg_size_pretty(pg_total_relation_size('stats_daily'))")).scalar()
        print(f"  stats_daily: {size}")
        _once("refresh_rollup (beat: the last 7 days, nothing dirty)", refresh_rollup)
        _, this_year, as_of = _periods()
        query = StatsQuery(this_year, as_of, "channel")
        for count, days, what in ((50, 30, "closed in the last 30 days"), (200, None, "closed any time")):
            _touch(random.Random(count), count, days)
            timed(f"stats_report this year, {count} cases rated ({what})",
                  lambda: stats_report(Scope.everything(), query), repeat)
            db.session.rollback()
            _once(f"refresh_rollup (beat: 7 days + those {count} cases' days)", refresh_rollup)


def _agreement(app) -> None:
    from dispute_hub.stats.periods import DIMENSIONS, StatsQuery
    from dispute_hub.stats.queries import Scope, stats_report

    last_year, this_year, as_of = _periods()
    with app.app_context():
        for period in (last_year, this_year):
            same = []
            for by in (None, *DIMENSIONS):
                query = StatsQuery(period, as_of, by)
                rolled = stats_report(Scope.everything(), query)
                same.append(rolled == stats_report(Scope.everything(), query, use_rollup=False))
            print(f"  rollup and live reports of {period.first}..{period.last} agree for every breakdown: "
                  f"{'yes' if all(same) else 'NO'}")


def _explain(app) -> None:
    """EXPLAIN ANALYZE of every statement of the default dashboard's report and month trend (this year)."""
    from dispute_hub.stats.dashboard import build_dashboard
    from dispute_hub.stats.periods import StatsQuery
    from dispute_hub.stats.queries import Scope

    _, this_year, as_of = _periods()
    with app.app_context(), app.test_request_context():
        seen: list[tuple[str, object]] = []

        def grab(_conn, _cursor, statement, parameters, _context, _many):
            seen.append((statement, parameters))

        sa.event.listen(db.engine, "before_cursor_execute", grab)
        build_dashboard(Scope.everything(), StatsQuery(this_year, as_of, "channel"))
        sa.event.remove(db.engine, "before_cursor_execute", grab)
        connection = db.session.connection()
        for statement, parameters in seen:
            if statement.lstrip().upper().startswith("EXPLAIN"):
                continue
            print("---", " ".join(statement.split())[:150])
            for row in connection.exec_driver_sql(f"EXPLAIN ANALYZE {statement}", parameters):
                print("   ", row[0])


def bench(app, repeat: int, explain: bool) -> None:
    _reset_rollup(app)
    client = _login(app)
    _measure(app, client, repeat, use_rollup=False)
    _build(app, repeat)
    _measure(app, client, repeat, use_rollup=True)
    _agreement(app)
    if explain:
        _explain(app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="cases to create")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query or page")
    parser.add_argument("--explain", action="store_true", help="print the plans of the report's statements")
    parser.add_argument("--keep", action="store_true", help="keep the seeded scratch database and print its URL")
    parser.add_argument("--database", help="a database seeded by an earlier --keep run: migrate it to the head "
                                           "and measure again without seeding")
    args = parser.parse_args(argv)
    url = os.environ.get("DISPUTE_HUB_BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        print("set DISPUTE_HUB_BENCH_DATABASE_URL to a PostgreSQL server (a scratch database is made beside it)")
        return 2
    from tests.support.databases import create_scratch_database, drop_scratch_database, prepare_schema

    scratch = args.database or create_scratch_database(url)
    try:
        prepare_schema(scratch)
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch, "INSTANCE_DIR": tmp,
                              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
            started = time.perf_counter()
            if args.database:
                _analyze(app)
            else:
                seed(app, random.Random(2026), args.n)
            print(f"stats bench on PostgreSQL: ready in {time.perf_counter() - started:.0f} s")
            bench(app, args.repeat, args.explain)
            with app.app_context():
                db.engine.dispose()
    finally:
        if args.keep or args.database:
            print(f"kept: --database {scratch}")
        else:
            drop_scratch_database(url, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
