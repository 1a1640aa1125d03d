"""Import speed: N synthetic historical cases through `import-cases`' loop into a fresh database.

    python -m bench.intake.import_speed --n 100000 [--batch-size 500] [--seed 1]

Always runs on a fresh SQLite file; also on a scratch PostgreSQL database (created beside the one
DISPUTE_HUB_BENCH_DATABASE_URL names, dropped afterwards) when that variable is set.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from tqdm import tqdm

from dispute_hub.demo import texts
from dispute_hub.demo.cases import patent_number
from dispute_hub.intake.validators import uscc_check_character
from tests.support.databases import create_scratch_database, drop_scratch_database

# (template, ip_type, cause_name, weight)
SCENARIOS = [
    ("design", "patent", "侵害外观设计专利权纠纷", 18),
    ("utility_model", "patent", "侵害实用新型专利权纠纷", 8),
    ("invention", "patent", "侵害发明专利权纠纷", 5),
    ("trademark", "trademark", "侵害商标权纠纷", 25),
    ("copyright", "copyright", "侵害作品信息网络传播权纠纷", 14),
    ("software", "copyright", "侵害计算机软件著作权纠纷", 4),
    ("trade_secret", "trade_secret", "侵害经营秘密纠纷", 4),
    ("unfair_competition", "unfair_competition", "仿冒纠纷", 8),
    ("ip_contract", "ip_contract", "商标使用许可合同纠纷", 5),
]
# (channel, organisation, closures it ends with, weight)
ROUTES = [
    ("people_mediation", "南通市知识产权纠纷人民调解委员会",
     ["settled", "settled", "failed", "declined", "withdrawn"], 35),
    ("industry_mediation", "nt-hometextile-center", ["settled", "settled", "failed", "declined"], 20),
    ("litigation_mediation", "tzw-court", ["settled", "settled", "referred", "withdrawn"], 25),
    ("administrative_adjudication", "nt-amr", ["adjudicated", "settled", "withdrawn"], 10),
    ("arbitration", "nt-arbitration", ["adjudicated", "settled"], 7),
    ("enforcement_referral", "nt-amr", ["referred"], 3),
]
NOT_MEDIATED = ("administrative_adjudication", "enforcement_referral")
DISTRICTS = ["崇川区", "通州区", "海门区", "海安市", "如皋市", "启东市", "如东县", "南通经济技术开发区", "通州湾示范区"]


def _uscc(rng: random.Random) -> str:
    first17 = f"913206{rng.randrange(10**11):011d}"
    return first17 + uscc_check_character(first17)


def _right(rng: random.Random, template: str, ip_type: str, filed: datetime) -> dict:
    brand, product = rng.choice(texts.BRANDS), rng.choice(texts.PRODUCTS["home_textile"])
    right: dict = {"type": ip_type, "title": f"{brand}{product}", "owner": None}
    if ip_type == "patent":
        right["number"] = patent_number(rng, filed.year - rng.randint(1, 6), template)
    elif ip_type == "trademark":
        right["number"] = f"第{rng.randint(1_000_000, 69_999_999)}号"
    return right


def _outcome(rng: random.Random, line: dict, closures: list[str], filed: datetime, now: datetime) -> None:
    roll = rng.random()
    if roll < 0.04:
        line.update(closure="rejected", closed_at=(filed + timedelta(days=rng.randint(1, 6))).isoformat())
        return
    accepted = filed + timedelta(hours=rng.randint(4, 120))
    line["accepted_at"] = accepted.isoformat()
    closed = accepted + timedelta(days=rng.randint(5, 90), hours=rng.randint(0, 23))
    if roll < 0.10 or closed > now:
        line["status"] = "accepted" if line["channel"] in NOT_MEDIATED else rng.choice(["in_mediation", "suspended"])
        return
    closure = rng.choice(closures)
    line.update(closure=closure, closed_at=closed.isoformat(), suspended_days=rng.choice([0, 0, 0, 3, 4]))
    if rng.random() < 0.7:
        line["satisfaction"] = rng.choices([5, 4, 3, 2, 1], weights=[55, 30, 8, 4, 3])[0]
    if closure == "referred" and line["channel"] == "litigation_mediation":
        court_filed = closed.date() + timedelta(days=rng.randint(1, 10))
        concluded = court_filed + timedelta(days=rng.randint(30, 120))
        court = {"court_case_no": f"（{court_filed.year}）苏0691民初{rng.randint(100, 9999)}号",
                 "filed_at": court_filed.isoformat()}
        if concluded < now.date():
            kind = rng.choices(["judgment", "ruling", "mediation", "withdrawal"], weights=[50, 10, 30, 10])[0]
            served = concluded + timedelta(days=rng.randint(1, 10))
            court.update(first_instance_concluded_at=concluded.isoformat(), conclusion_type=kind,
                         served_at=served.isoformat())
            if kind == "judgment" and rng.random() < 0.12:
                court["appeal_filed_at"] = (served + timedelta(days=rng.randint(2, 9))).isoformat()
        line["court"] = court


def synthetic_line(rng: random.Random, i: int, now: datetime) -> dict:
    """One realistic historical case as an import line (all fields, Chinese text)."""
    template, ip_type, cause, _w = rng.choices(SCENARIOS, weights=[s[-1] for s in SCENARIOS])[0]
    channel, org, closures, _w = rng.choices(ROUTES, weights=[r[-1] for r in ROUTES])[0]
    if channel == "administrative_adjudication" and ip_type != "patent":
        channel, org, closures = ROUTES[0][:3]
    filed = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(7 * 365 * 86400))
    right = _right(rng, template, ip_type, filed)
    claimant = rng.choice(texts.CLAIMANT_COMPANIES)
    respondent = rng.choice(texts.RESPONDENT_COMPANIES)
    damages = rng.choice([20000, 30000, 50000, 80000, 100000, 200000])
    description = texts.TEMPLATES[template].format(
        product=right["title"][-4:], number=right.get("number", ""), brand=rng.choice(texts.BRANDS),
        platform=rng.choice(texts.PLATFORMS), damages=damages)
    line = {
        "external_id": f"NT-HIST-{i:07d}",
        "description": description,
        "claimant": {"kind": "company", "name": claimant, "id_number": _uscc(rng), "phone": "0513-85123456"},
        "respondents": [{"kind": "company", "name": respondent,
                         "online_store": f"{rng.choice(texts.PLATFORMS)}“{respondent[-6:-4]}旗舰店”"}],
        "ip_right": right,
        "district": rng.choice(DISTRICTS),
        "industry": "home_textile",
        "claims": {"stop": True, "damages": damages},
        "filed_at": filed.isoformat(),
        "channel": channel,
        "organization": org,
        "cause_name": cause,
    }
    _outcome(rng, line, closures, filed, now)
    return line


def write_file(path: Path, n: int, seed: int) -> None:
    rng, now = random.Random(seed), datetime.now(UTC) - timedelta(days=1)
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, n + 1):
            out.write(json.dumps(synthetic_line(rng, i, now), ensure_ascii=False) + "\n")


def bench_database(url: str, path: Path, n: int, batch_size: int, instance: Path) -> None:
    from dispute_hub import create_app
    from dispute_hub.cli.setup import init_database
    from dispute_hub.extensions import db
    from dispute_hub.intake.importer import run_import
    from dispute_hub.models import Dispute, verify_chain

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance)})
    with app.app_context():
        init_database()
        problems: list[str] = []
        started = time.perf_counter()
        with path.open("rb") as lines:
            report = run_import(tqdm(lines, total=n, unit=" lines", file=sys.stderr, mininterval=2),
                                batch_size=batch_size, emit=problems.append)
        took = time.perf_counter() - started
        sample = db.session.execute(sa.select(Dispute).order_by(sa.func.random()).limit(200)).scalars().all()
        broken = sum(not verify_chain(d).ok for d in sample)
        print(f"{db.engine.dialect.name}: {report.imported} imported, {report.bad_lines} bad, "
              f"{report.notes} notes in {took:.1f} s = {report.imported / took:,.0f} lines/s; "
              f"chains broken in a sample of {len(sample)}: {broken}")
        for message in problems[:5]:
            print("  ", message)
        db.session.remove()
        db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="lines to generate and import")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dh-import-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "cases.jsonl"
        started = time.perf_counter()
        write_file(path, args.n, args.seed)
        size, took = path.stat().st_size / 1e6, time.perf_counter() - started
        print(f"generated {args.n:,} lines ({size:.1f} MB) in {took:.1f} s")
        bench_database(f"sqlite:///{folder / 'bench.sqlite3'}", path, args.n, args.batch_size, folder / "instance")
        server = os.environ.get("DISPUTE_HUB_BENCH_DATABASE_URL")
        if server:
            from dispute_hub.config import normalise_database_url

            server = normalise_database_url(server)
            scratch = create_scratch_database(server)
            try:
                bench_database(scratch, path, args.n, args.batch_size, folder / "instance-pg")
            finally:
                drop_scratch_database(server, scratch)


if __name__ == "__main__":
    main()
