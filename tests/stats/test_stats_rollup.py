"""The daily rollup: reports backed by it equal the live reports, on the hand-computed world (conftest.py),
whatever day the rollup reaches; case changes mark their days dirty and the next refresh rolls them up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from dispute_hub.models import Dispute, StatsDay, StatsDirtyDay, StatsRollupState
from dispute_hub.stats import rolled
from dispute_hub.stats.periods import DIMENSIONS, Period, StatsQuery, today_in_china
from dispute_hub.stats.queries import Scope, stats_report
from dispute_hub.stats.rollup import RollupError, rebuild_rollup, refresh_rollup
from tests.stats.conftest import AS_OF, MARCH, at
from tests.support.worker import real_worker

BYS = [None, *DIMENSIONS]
PERIODS = [MARCH, Period(date(2025, 2, 1), date(2025, 3, 31)), Period(date(2025, 3, 31), date(2025, 3, 31)),
           Period(date(2025, 1, 1), date(2025, 4, 30)), Period(date(2025, 3, 11), date(2025, 3, 28))]
# the rollup reaching: before every case, into the period, the period's last day, after every case
REACHES = [date(2024, 12, 31), date(2025, 3, 10), date(2025, 3, 31), date(2025, 6, 30)]


def _agree(scope: Scope, period: Period, as_of: date = AS_OF) -> None:
    for by in BYS:
        query = StatsQuery(period, as_of, by)
        assert stats_report(scope, query) == stats_report(scope, query, use_rollup=False), (period, by)


def _rolled_up_through(day: date) -> None:
    rebuild_rollup(today=day + timedelta(days=1))


def _serves(scope: Scope, period: Period) -> bool:
    return rolled.rolled_counts(scope.condition, scope.organization_id, StatsQuery(period, AS_OF)) is not None


@pytest.mark.parametrize("through", REACHES)
def test_rollup_backed_reports_equal_the_live_reports(db, world, through):
    _rolled_up_through(through)
    db.session.commit()
    for period in PERIODS:
        if period.first <= through + timedelta(days=1):
            assert _serves(Scope.everything(), period)
        _agree(Scope.everything(), period)


@pytest.mark.parametrize("role", ["liaison", "admin", "org_admin_b"])
def test_each_statistics_role_gets_the_live_figures_from_the_rollup(db, world, role):
    _rolled_up_through(date(2025, 3, 20))
    db.session.commit()
    scope = Scope.of(world["users"][role])
    assert scope.rolled and _serves(scope, MARCH)
    for period in PERIODS[:2]:
        _agree(scope, period)
        _agree(scope, period, as_of=date(2025, 4, 23))


def test_the_hand_computed_figures_come_from_the_rollup_alone(db, world):
    """Rolled up past every case: March's totals are still the hand-computed ones (test_stats_definitions.py),
    though only the first-instance conclusions are read from the case tables."""
    _rolled_up_through(date(2025, 6, 30))
    db.session.commit()
    assert rolled.reach() == (date(2025, 6, 30), [])
    totals = stats_report(Scope.everything(), StatsQuery(MARCH, AS_OF))["totals"]
    assert (totals["received"], totals["open_at_start"], totals["closed"], totals["on_time"]) == (4, 3, 5, 4)
    assert (totals["avg_days"], totals["ratings"], totals["satisfied"], totals["rejected_filings"]) == (25.8, 5, 4, 1)
    assert (totals["mediation_settled"], totals["mediation_failed"], totals["mediation_declined"]) == (1, 2, 1)
    assert (totals["accepted"], totals["appealed"], totals["pending_appeal"]) == (3, 1, 2)


def _total(db, day: date, name: str) -> int:
    """A count of the rollup's all-cases total row of ``day`` (0 when the day has no row)."""
    row = db.session.execute(sa.select(StatsDay).where(
        StatsDay.day == day, StatsDay.dimension == "total", StatsDay.scope_org_id.is_(None))).scalar_one_or_none()
    return 0 if row is None else getattr(row, name)


def test_the_rollups_day_is_the_shanghai_day(db, world):
    """in_and_out was accepted at 07:00 on 1 March in Shanghai (28 February in UTC), accepted_after at 00:30 on
    1 April (31 March in UTC), closed_last_day closed at 23:30 on 31 March (15:30 UTC, the same day)."""
    _rolled_up_through(date(2025, 6, 30))
    db.session.flush()
    assert _total(db, date(2025, 3, 1), "received") == 1
    assert (_total(db, date(2025, 2, 28), "received"), _total(db, date(2025, 2, 28), "closed")) == (0, 1)
    assert _total(db, date(2025, 4, 1), "received") == 1
    assert (_total(db, date(2025, 3, 31), "received"), _total(db, date(2025, 3, 31), "closed")) == (0, 1)


def test_a_case_changed_after_a_refresh_is_right_after_the_next_refresh(db, world):
    cases = world["cases"]
    _rolled_up_through(date(2025, 6, 30))
    db.session.commit()
    before = stats_report(Scope.everything(), StatsQuery(MARCH, AS_OF, "channel"))
    moved, rated = cases["in_and_out"], cases["adjudicated"]
    moved.closed_at = at("2025-03-12 09:00")  # a day later
    moved.channel = "arbitration"
    rated.respondent_satisfaction = 2
    db.session.commit()
    dirty = set(db.session.execute(sa.select(StatsDirtyDay.day)).scalars())
    # in_and_out's acceptance (its channel changed) and both closure days; adjudicated's closure day alone (a
    # rating changes nothing its day of acceptance counts)
    assert dirty == {date(2025, 3, 1), date(2025, 3, 11), date(2025, 3, 12), date(2025, 3, 28)}
    # still dirty: those days are counted live, so the report is already right
    _agree(Scope.everything(), MARCH)
    after = stats_report(Scope.everything(), StatsQuery(MARCH, AS_OF, "channel"))
    assert after != before and after["totals"]["ratings"] == before["totals"]["ratings"] + 1

    refresh = refresh_rollup(today=date(2025, 7, 1))
    db.session.commit()
    assert refresh.dirty == 4
    assert db.session.execute(sa.select(sa.func.count()).select_from(StatsDirtyDay)).scalar() == 0
    assert rolled.reach() == (date(2025, 6, 30), [])
    assert stats_report(Scope.everything(), StatsQuery(MARCH, AS_OF, "channel")) == after
    _agree(Scope.everything(), MARCH)
    assert (_total(db, date(2025, 3, 11), "closed"), _total(db, date(2025, 3, 12), "closed")) == (0, 1)


def test_a_change_outside_the_orm_is_right_after_rebuilding_its_days(db, world):
    _rolled_up_through(date(2025, 6, 30))
    db.session.commit()
    case_id = world["cases"]["declined"].id
    db.session.execute(sa.update(Dispute).where(Dispute.id == case_id).values(satisfaction=1))
    db.session.commit()
    query = StatsQuery(MARCH, AS_OF)
    stale = stats_report(Scope.everything(), query)["totals"]
    assert stale["satisfied"] == stats_report(Scope.everything(), query, use_rollup=False)["totals"]["satisfied"] + 1
    rebuild_rollup(date(2025, 3, 20), date(2025, 3, 20), today=date(2025, 7, 1))
    db.session.commit()
    _agree(Scope.everything(), MARCH)


def test_cases_filed_and_closed_today_are_never_marked(db, world, make):
    db.session.execute(sa.delete(StatsDirtyDay))
    now = datetime.now(UTC)
    make.dispute(world["orgs"]["A"], accepted_at=now, closed_at=now, status="closed", closure="settled")
    db.session.commit()
    assert db.session.execute(sa.select(StatsDirtyDay.day)).scalars().all() == []


def test_a_date_set_without_being_loaded_marks_its_old_day(db, world):
    case = world["cases"]["declined"]  # closed 20 March
    db.session.commit()  # expires every attribute
    db.session.execute(sa.delete(StatsDirtyDay))
    case.closed_at = at("2025-03-22 10:00")
    db.session.commit()
    days = set(db.session.execute(sa.select(StatsDirtyDay.day)).scalars())
    assert days == {date(2025, 3, 20), date(2025, 3, 22)}  # its acceptance day counts nothing that changed


def test_a_closure_dated_before_the_acceptance_marks_the_acceptance_day(db, world):
    """Such a case was never open, so what its day of acceptance counts (open_in) changes too."""
    case = world["cases"]["received_open"]  # accepted 15 March, open
    db.session.execute(sa.delete(StatsDirtyDay))
    case.closed_at, case.closure, case.status = at("2025-03-14 10:00"), "withdrawn", "withdrawn"
    db.session.commit()
    days = set(db.session.execute(sa.select(StatsDirtyDay.day)).scalars())
    assert days == {date(2025, 3, 14), date(2025, 3, 15)}


def test_refresh_builds_the_whole_rollup_first_and_then_the_new_days(db, world):
    first = refresh_rollup(today=date(2025, 3, 20))
    assert first.through == date(2025, 3, 19) and first.days == (date(2025, 3, 19) - date(2025, 1, 5)).days + 1
    assert first.dirty > 0  # the world's own cases, created with past dates, marked their days
    marks = db.session.execute(sa.select(sa.func.count()).select_from(StatsDirtyDay).where(
        StatsDirtyDay.day.between(date(2025, 3, 20), date(2025, 3, 22)))).scalar()
    assert marks == 1  # declined, closed on 20 March
    second = refresh_rollup(today=date(2025, 3, 23), recent_days=2)
    assert (second.through, second.days, second.dirty) == (date(2025, 3, 22), 3, 1)
    db.session.commit()
    assert db.session.get(StatsRollupState, 1).refreshed_at is not None
    _agree(Scope.everything(), MARCH)


def test_partial_rebuilds_are_refused_before_a_whole_one_and_today_never_rolls_up(db, world):
    with pytest.raises(RollupError):
        rebuild_rollup(date(2025, 3, 1), date(2025, 3, 5), today=date(2025, 4, 1))
    with pytest.raises(RollupError):
        rebuild_rollup(today=date(2025, 4, 1), last=date(2025, 4, 1))


def test_the_command_builds_the_rollup_and_rebuilds_chosen_days(app, db, world):
    runner = app.test_cli_runner()
    yesterday = today_in_china() - timedelta(days=1)
    refused = runner.invoke(args=["stats-rollup", "--from", "2025-03-01", "--to", "2025-03-31"])
    assert refused.exit_code == 2 and "never built" in refused.output
    built = runner.invoke(args=["stats-rollup"])
    assert built.exit_code == 0, built.output
    assert f"reaches {yesterday}" in built.output
    assert rolled.reach() == (yesterday, [])
    _agree(Scope.everything(), MARCH)
    again = runner.invoke(args=["stats-rollup", "--from", "2025-03-01", "--to", "2025-03-31"])
    assert again.exit_code == 0 and "rolled up 31 days" in again.output, again.output
    today = runner.invoke(args=["stats-rollup", "--from", "2025-03-01", "--to", str(yesterday + timedelta(days=1))])
    assert today.exit_code == 2 and "today is always counted live" in today.output
    bad = runner.invoke(args=["stats-rollup", "--from", "2025-13-01"])
    assert bad.exit_code == 2 and "--from" in bad.output


def test_beat_refreshes_the_rollup_with_the_task(app, db, world):
    from dispute_hub.stats.tasks import refresh_rollup as task

    entry = app.extensions["celery"].conf.beat_schedule["refresh-stats-rollup"]
    assert entry["task"] == task.name == "stats.refresh_rollup"
    result = task.delay().get()
    assert result["through"] == str(today_in_china() - timedelta(days=1)) and result["rows"] > 0
    db.session.rollback()  # the task committed in its own session
    assert rolled.reach()[0] == today_in_china() - timedelta(days=1)


@pytest.mark.redis
@pytest.mark.slow
def test_a_real_worker_refreshes_the_rollup(app, db, world, redis_url, database_url, tmp_path):
    with real_worker(database_url, redis_url, tmp_path) as (celery, queue, output):
        result = celery.send_task("stats.refresh_rollup", queue=queue)
        outcome = result.get(timeout=90)
        result.forget()
    assert outcome["through"] == str(today_in_china() - timedelta(days=1)), output
    db.session.rollback()
    _agree(Scope.everything(), MARCH)
