"""Tracking numbers are sequential, gap-free and unique under concurrent filings."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from dispute_hub.tracking import next_tracking_no


def test_numbers_are_sequential_per_year(db):
    assert [next_tracking_no(2026) for _ in range(3)] == ["NTIP-2026-000001", "NTIP-2026-000002", "NTIP-2026-000003"]
    assert next_tracking_no(2027) == "NTIP-2027-000001"
    db.session.commit()
    assert next_tracking_no(2026) == "NTIP-2026-000004"


def test_a_rolled_back_filing_returns_its_number(db):
    next_tracking_no(2026)
    db.session.commit()
    assert next_tracking_no(2026) == "NTIP-2026-000002"
    db.session.rollback()
    assert next_tracking_no(2026) == "NTIP-2026-000002"


@pytest.mark.postgres
def test_concurrent_filings_get_distinct_gap_free_numbers(app, postgresql_url):
    from dispute_hub.extensions import db

    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker():
        try:
            with app.app_context():
                start.wait()
                for _ in range(10):
                    number = next_tracking_no(2030)
                    db.session.commit()
                    with lock:
                        taken.append(number)
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(taken) == [f"NTIP-2030-{n:06d}" for n in range(1, 81)]
    with app.app_context():
        assert db.session.execute(sa.text("SELECT last_value FROM tracking_counters WHERE year = 2030")).scalar() == 80
