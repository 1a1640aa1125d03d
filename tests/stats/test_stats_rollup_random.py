"""Random worlds (a seeded generator): the rollup-backed report equals the live one for every breakdown, group
and figure, with the rollup reaching a random day, after random changes (dirty days) and after the refresh.

Times cluster around Shanghai midnight and 08:00 (UTC midnight), so a UTC date differs from the Shanghai date
in many cases; some cases are closed before they were accepted, have no channel, cause or organisation, or
were never accepted.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from dispute_hub.labels import CHANNELS, IP_TYPES
from dispute_hub.models import CourtProceeding, Dispute, District, Organization
from dispute_hub.reference import load_reference
from dispute_hub.stats import rolled
from dispute_hub.stats.periods import DIMENSIONS, Period, StatsQuery
from dispute_hub.stats.queries import Scope, stats_report
from dispute_hub.stats.rollup import rebuild_rollup, refresh_rollup

SH = ZoneInfo("Asia/Shanghai")
START, DAYS = date(2024, 11, 1), 240
CAUSES = ["0160", "0162", "0153", None]
CLOSURES = ["settled", "failed", "referred", "declined", "withdrawn", "adjudicated", "rejected"]
KINDS = ["judgment", "ruling", "mediation", "withdrawal", None]


def _instant(rng: random.Random) -> datetime:
    day = START + timedelta(days=rng.randrange(DAYS))
    hour, minute = rng.choice([(0, 0), (0, 30), (7, 59), (8, 0), (12, 0), (23, 30), (23, 59)])
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


def _maybe(rng: random.Random, value, chance: float = 0.1):
    return None if rng.random() < chance else value


def _case(rng: random.Random, n: int, orgs: list, districts: list) -> Dispute:
    filed = _instant(rng)
    accepted = _maybe(rng, filed + timedelta(hours=rng.choice([0, 2, 30])), 0.15)
    closure = _maybe(rng, rng.choice(CLOSURES), 0.3)
    closed = None
    if closure is not None:
        base = accepted or filed
        closed = _instant(rng) if rng.random() < 0.1 else base + timedelta(days=rng.randrange(0, 80),
                                                                          minutes=rng.choice([0, 45, 600]))
    ratings = [_maybe(rng, rng.randint(1, 5), 0.5) if closed else None for _ in range(2)]
    return Dispute(
        tracking_no=f"NTIP-R-{n:06d}", title=f"随机案件{n}", description="随机生成", status="closed" if closed else
        "in_mediation", closure=closure, channel=_maybe(rng, rng.choice(CHANNELS)), organization_id=_maybe(
            rng, rng.choice(orgs)), district_code=_maybe(rng, rng.choice(districts)), ip_type=_maybe(
            rng, rng.choice(IP_TYPES)), cause_code=rng.choice(CAUSES), filed_at=filed, accepted_at=accepted,
        closed_at=closed, deadline_at=_maybe(rng, (accepted or filed) + timedelta(days=rng.choice([7, 30, 60])), 0.2),
        suspended_days=rng.choice([0, 0, 3]), satisfaction=ratings[0], respondent_satisfaction=ratings[1])


def _proceeding(rng: random.Random, dispute: Dispute) -> CourtProceeding:
    concluded = START + timedelta(days=rng.randrange(DAYS))
    served = _maybe(rng, concluded + timedelta(days=rng.randrange(0, 10)), 0.2)
    ends = served + timedelta(days=rng.choice([10, 15, 30])) if served else None
    appeal = _maybe(rng, concluded + timedelta(days=rng.randrange(1, 40)), 0.7)
    return CourtProceeding(dispute=dispute, court_case_no=f"（2025）苏06知民初R{dispute.tracking_no}号",
                           first_instance_concluded_at=_maybe(rng, concluded, 0.1), conclusion_type=rng.choice(KINDS),
                           served_at=served, appeal_filed_at=appeal, appeal_period_ends_on=ends)


def _world(db, rng: random.Random, n: int) -> list[Dispute]:
    load_reference()
    orgs = list(db.session.execute(sa.select(Organization.id).order_by(Organization.id)).scalars())[:4]
    districts = list(db.session.execute(sa.select(District.code).order_by(District.code)).scalars())[:4]
    cases = [_case(rng, i, orgs, districts) for i in range(n)]
    db.session.add_all(cases)
    db.session.add_all(_proceeding(rng, case) for case in cases if rng.random() < 0.25)
    db.session.commit()
    return cases


def _period(rng: random.Random, latest_first: date, days: list[date]) -> Period:
    """A period starting on or before ``latest_first``, often on a day a case was accepted or closed on, where
    the Shanghai and the UTC dates of cases differ most."""
    near = [day for day in days if day <= latest_first]
    if near and rng.random() < 0.7:
        first = rng.choice(near)
    else:
        first = START + timedelta(days=rng.randrange((latest_first - START).days + 1))
    return Period(first, min(START + timedelta(days=DAYS), first + timedelta(days=rng.choice([0, 6, 30, 95]))))


def _agree(rng: random.Random, periods: list[Period]) -> int:
    """Compares every breakdown of each period; returns how many reports the rollup served."""
    served = 0
    for period in periods:
        as_of = period.last + timedelta(days=rng.choice([0, 10, 25]))
        for by in (None, *DIMENSIONS):
            query = StatsQuery(period, as_of, by)
            served += rolled.rolled_counts(sa.true(), None, query) is not None
            assert stats_report(Scope.everything(), query) == stats_report(Scope.everything(), query,
                                                                           use_rollup=False), (period, by)
    return served


def _change(rng: random.Random, cases: list[Dispute]) -> None:
    """Random edits of the kinds the platform makes: closures, re-routing, ratings, reclassification."""
    for case in rng.sample(cases, 12):
        edit = rng.randrange(4)
        if edit == 0:
            case.closed_at = _instant(rng) if case.closed_at is None or rng.random() < 0.5 else None
            case.closure = rng.choice(CLOSURES) if case.closed_at else None
        elif edit == 1:
            case.channel = rng.choice(CHANNELS)
        elif edit == 2:
            case.respondent_satisfaction = rng.randint(1, 5)
        else:
            case.cause_code, case.accepted_at = rng.choice(CAUSES), _maybe(rng, _instant(rng), 0.2)


@pytest.mark.parametrize("seed", [7, 2026, 31337])
def test_random_worlds_agree_before_and_after_changes_and_refreshes(db, seed):
    rng = random.Random(seed)
    cases = _world(db, rng, 90)
    through = START + timedelta(days=rng.randrange(DAYS))
    rebuild_rollup(today=through + timedelta(days=1))
    db.session.commit()
    days = sorted({t.astimezone(SH).date() for c in cases for t in (c.accepted_at, c.closed_at) if t is not None})
    # periods the rollup serves (starting on or before the day after its reach), and one anywhere
    periods = [_period(rng, through + timedelta(days=1), days) for _ in range(4)]
    periods.append(_period(rng, START + timedelta(days=DAYS - 1), days))
    assert _agree(rng, periods) > 0
    _change(rng, cases)
    db.session.commit()
    assert rolled.reach()[1], "the changes marked days dirty"
    _agree(rng, periods)
    refresh_rollup(today=through + timedelta(days=rng.choice([1, 9])))
    db.session.commit()
    _agree(rng, periods)
