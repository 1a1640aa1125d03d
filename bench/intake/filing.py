"""Intake benchmark: filings per second and p50/p95 latency through the form and the API, and the
duplicate-check latency with many existing cases.

    .venv/bin/python -m bench.intake.filing [--n 300] [--existing 100000]
    DISPUTE_HUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.intake.filing

Requests go through Flask's test client in this process (no HTTP server), so the figures are the
application's own cost: validation, the transaction, hashing the access code, the duplicate check.
With DISPUTE_HUB_BENCH_DATABASE_URL the run uses a scratch PostgreSQL database created beside it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa

from dispute_hub import create_app
from dispute_hub.extensions import db
from dispute_hub.intake.validators import patent_check_digit, uscc_check_character

COMPANIES = ["锦绣家纺", "云帆纺织", "华韵床品", "美居家具", "恒通机械", "海润电子", "星辰软件", "叠石织绣", "蓝海生物"]
SELLERS = ["佳美日用品", "金羽纺织", "鑫源家纺", "新艺家具", "织梦家纺", "云帛电商", "睿达智能", "尚品皮具"]
# trade-name characters and trades, to give the existing cases many distinct company names
NAME_CHARS = "锦绣云帆华韵美居恒通海润星辰叠石蓝海金羽鑫源新艺织梦睿达尚品宏远嘉禾明德瑞丰永昌盛世天成博雅"
TRADES = ["家纺", "纺织", "家具", "机械", "电子", "科技", "贸易", "日用品", "服饰", "电子商务"]


def company_core(rng: random.Random) -> str:
    return rng.choice(NAME_CHARS) + rng.choice(NAME_CHARS) + rng.choice(TRADES)


def _uscc(rng: random.Random) -> str:
    first = "91320602" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return first + uscc_check_character(first)


def _patent(rng: random.Random) -> str:
    digits = f"{rng.randint(2015, 2025)}{rng.choice('123')}{rng.randrange(10**7):07d}"
    return f"ZL{digits}.{patent_check_digit(digits)}"


def filing_body(rng: random.Random) -> dict:
    return {
        "claimant": {
            "kind": "company",
            "name": f"南通{rng.choice(COMPANIES)}有限公司",
            "id_number": _uscc(rng),
            "country": "CN",
            "phone": f"138{rng.randrange(10**8):08d}",
            "email": "ip@example.com",
        },
        "respondents": [
            {
                "kind": "company",
                "name": f"义乌市{rng.choice(SELLERS)}有限公司",
                "online_store": f"拼多多店铺{rng.randrange(1000)}",
            }
        ],
        "ip_right": {"type": "patent", "number": _patent(rng), "title": "床罩"},
        "description": "被申请人在电商平台销售与申请人外观设计专利相同的床上用品四件套，请求停止销售并赔偿损失。" * 2,
        "discovered_on": "2026-05-01",
        "district": "崇川区",
        "industry": "home_textile",
        "claims": {"stop": True, "damages": rng.choice([20000, 50000, 100000])},
    }


def form_fields(body: dict, key: str) -> dict:
    c, r, ip = body["claimant"], body["respondents"][0], body["ip_right"]
    return {
        "idempotency_key": key,
        "claimant-kind": "company",
        "claimant-name": c["name"],
        "claimant-id_number": c["id_number"],
        "claimant-country": "CN",
        "claimant-phone": c["phone"],
        "claimant-email": c["email"],
        "respondents-0-kind": "company",
        "respondents-0-name": r["name"],
        "respondents-0-online_store": r["online_store"],
        "ip_right-type": "patent",
        "ip_right-number": ip["number"],
        "ip_right-title": ip["title"],
        "description": body["description"],
        "discovered_on": body["discovered_on"],
        "district": body["district"],
        "industry": body["industry"],
        "claim_stop": "y",
        "claim_damages": str(body["claims"]["damages"]),
        "consent_online": "y",
    }


def summary(name: str, latencies: list[float], elapsed: float) -> None:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(
        f"  {name:<28} {len(latencies) / elapsed:8.1f} /s   p50 {statistics.median(ordered) * 1000:7.1f} ms"
        f"   p95 {p95 * 1000:7.1f} ms   (n={len(latencies)})"
    )


@contextmanager
def database(url: str | None):
    """A scratch database: a new SQLite file, or a new PostgreSQL database beside ``url``."""
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3", tmp
        return
    from tests.support.databases import create_scratch_database, drop_scratch_database

    scratch = create_scratch_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            yield scratch, tmp
        finally:
            drop_scratch_database(url, scratch)


def make_app(url: str, tmp: str):
    from flask_migrate import upgrade

    from dispute_hub.reference import load_reference

    app = create_app(
        {
            "ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": tmp,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
    return app


def bench_form(app, rng, n: int) -> None:
    client = app.test_client()
    latencies = []
    start = time.perf_counter()
    for _ in range(n):
        page = client.get("/file").get_data(as_text=True)
        key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page).group(1)
        t = time.perf_counter()
        response = client.post("/file", data=form_fields(filing_body(rng), key))
        latencies.append(time.perf_counter() - t)
        assert response.status_code == 302, re.findall(
            r"(?:class=\"error\"[^>]*>|<li>)([^<]+)<", response.get_data(as_text=True)
        )
    summary("form POST /file", latencies, time.perf_counter() - start)


def bench_api(app, rng, n: int) -> None:
    from dispute_hub.models import User, issue_token

    with app.app_context():
        user = User(email="platform@example.com", name="电商平台", role="claimant", password_hash="!")
        db.session.add(user)
        db.session.flush()
        _row, secret = issue_token(user, "bench", ["filings:write", "filings:read"])
        db.session.commit()
    if not any(r.rule == "/api/v1/filings" for r in app.url_map.iter_rules()):
        print("  API path skipped: POST /api/v1/filings does not exist in this build")
        return
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    latencies = []
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        response = client.post("/api/v1/filings", json=filing_body(rng), headers=headers)
        latencies.append(time.perf_counter() - t)
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
    summary("API POST /api/v1/filings", latencies, time.perf_counter() - start)


def seed_existing(app, rng, count: int) -> None:
    """``count`` cases with parties and rights, written with Core inserts (the service is not the subject)."""
    from dispute_hub.intake.normalize import normalize_party_name
    from dispute_hub.models import Dispute, IPRight, Party

    now = datetime.now(UTC)
    with app.app_context():
        conn = db.session.connection()
        base = db.session.execute(sa.select(sa.func.coalesce(sa.func.max(Dispute.id), 0))).scalar_one()
        for start in range(0, count, 5000):
            ids = range(base + start + 1, base + min(start + 5000, count) + 1)
            conn.execute(
                sa.insert(Dispute.__table__),
                [
                    {
                        "id": i,
                        "tracking_no": f"NTIP-2019-{i:06d}",
                        "title": "历史案件",
                        "description": "历史案件",
                        "status": "closed",
                        "language": "zh",
                        "signals": [],
                        "flags": [],
                        "claims": {},
                        "existing_proceedings": {},
                        "arbitration_agreement": False,
                        "consent_online": True,
                        "filed_at": now,
                        "suspended_days": 0,
                        "event_count": 0,
                        "version": 1,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            parties, rights = [], []
            for i in ids:
                claimant = f"{rng.choice(['南通', '苏州', '无锡'])}{company_core(rng)}有限公司"
                seller = f"{rng.choice(['义乌市', '广州市'])}{company_core(rng)}有限公司"
                parties.append(
                    {
                        "dispute_id": i,
                        "role": "claimant",
                        "kind": "company",
                        "name": claimant,
                        "name_normalized": normalize_party_name(claimant),
                        "country": "CN",
                    }
                )
                parties.append(
                    {
                        "dispute_id": i,
                        "role": "respondent",
                        "kind": "company",
                        "name": seller,
                        "name_normalized": normalize_party_name(seller),
                        "country": "CN",
                    }
                )
                number = _patent(rng)
                rights.append(
                    {
                        "dispute_id": i,
                        "ip_type": "patent",
                        "number": number,
                        "number_normalized": number[2:].replace(".", ""),
                    }
                )
            conn.execute(sa.insert(Party.__table__), parties)
            conn.execute(sa.insert(IPRight.__table__), rights)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # fresh statistics, as autovacuum keeps them in service
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


def bench_duplicates(app, rng, existing: int, n: int) -> None:
    from dispute_hub.intake.duplicates import find_possible_duplicates
    from dispute_hub.intake.schema import parse_filing
    from dispute_hub.intake.services import district_lookup

    t = time.perf_counter()
    seed_existing(app, rng, existing)
    print(f"  seeded {existing} existing cases in {time.perf_counter() - t:.1f} s")
    with app.app_context():
        districts = district_lookup()
        # half the sample are repeat parties of the bench's own filings (many candidates to score),
        # half new companies (the usual filing: a few candidates or none); each half is reported
        for label, fresh in (("repeat parties", False), ("new parties", True)):
            latencies, hits = [], 0
            for _ in range(n // 2):
                body = filing_body(rng)
                if fresh:
                    body["claimant"]["name"] = f"南通{company_core(rng)}有限公司"
                    body["respondents"][0]["name"] = f"义乌市{company_core(rng)}有限公司"
                filing = parse_filing(body, districts=districts)
                t = time.perf_counter()
                hits += bool(find_possible_duplicates(filing))
                latencies.append(time.perf_counter() - t)
            summary(f"duplicate check, {label}", latencies, sum(latencies))
            print(f"    flagged as possible duplicates: {hits} of {n // 2}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="filings per path")
    parser.add_argument("--existing", type=int, default=100_000, help="existing cases for the duplicate check")
    args = parser.parse_args(argv)
    url = os.environ.get("DISPUTE_HUB_BENCH_DATABASE_URL")
    rng = random.Random(2026)
    with database(url) as (db_url, tmp):
        app = make_app(db_url, tmp)
        print(f"intake bench on {'PostgreSQL' if url else 'SQLite (embedded)'}")
        bench_form(app, rng, args.n)
        bench_api(app, rng, args.n)
        bench_duplicates(app, rng, args.existing, 200)
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
