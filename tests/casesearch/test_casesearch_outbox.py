"""The outbox: drained right after the commit, and a failing backend never fails a filing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dispute_hub.casesearch.tasks import backoff, drain
from dispute_hub.intake.schema import parse_filing
from dispute_hub.intake.services import submit_filing
from dispute_hub.models import Dispute, SearchOutbox, enqueue_index, issue_token
from tests.support.filings import filing_body


def outbox(db) -> list[SearchOutbox]:
    return db.session.execute(sa.select(SearchOutbox).order_by(SearchOutbox.id)).scalars().all()


def file_complaint(db, districts, description: str) -> Dispute:
    filing = parse_filing(filing_body(description=description), districts=districts, today=date(2026, 11, 25))
    receipt = submit_filing(filing)
    db.session.commit()
    return receipt.dispute


def test_a_filing_is_searchable_once_committed(db, districts, search):
    case = file_complaint(db, districts, "被申请人在拼多多销售假冒我方注册商标的蚕丝被。")

    assert [hit.id for hit in search.search("蚕丝被").hits] == [str(case.id)]
    row = outbox(db)[0]
    assert row.processed_at is not None and row.attempts == 1 and row.last_error is None
    assert search.search("蚕丝被").hits[0].extra["tracking_no"] == case.tracking_no


def test_a_failing_backend_never_fails_a_filing_and_a_later_drain_catches_up(db, districts, failing_search, client):
    case = file_complaint(db, districts, "被申请人在拼多多销售假冒我方注册商标的蚕丝被。")

    assert db.session.get(Dispute, case.id) is not None
    row = outbox(db)[0]
    assert row.processed_at is None
    assert row.attempts == 1 and "search server unreachable" in row.last_error

    failing_search.replace(None)  # the server is back
    report = drain()

    assert report.indexed == 1 and report.failed == 0
    db.session.expire_all()
    row = outbox(db)[0]
    assert row.processed_at is not None and row.attempts == 2
    assert failing_search.backend.search("蚕丝被").total == 1


def test_a_filing_through_the_api_succeeds_while_search_is_down(db, make, districts, failing_search, client):
    _row, secret = issue_token(make.user("claimant"), "平台", ["filings:write"])
    db.session.commit()
    body = filing_body(description="被申请人在抖音直播间销售假冒我方注册商标的羽绒被。")

    response = client.post("/api/v1/filings", json=body, headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 201, response.get_json()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 1
    assert "search server unreachable" in outbox(db)[0].last_error


def test_after_a_failure_inline_drains_pause_instead_of_slowing_every_commit(db, make, failing_search):
    first = make.dispute()
    enqueue_index(first.id)
    db.session.commit()
    assert failing_search.paused()

    second = make.dispute()
    enqueue_index(second.id)
    db.session.commit()

    attempts = {row.entity_id: row.attempts for row in outbox(db)}
    assert attempts == {first.id: 1, second.id: 0}


def test_the_latest_row_of_a_case_decides_and_a_deleted_case_leaves_the_index(db, make, search):
    case = make.dispute(description="被申请人销售假冒注册商标的枕套。")
    enqueue_index(case.id)
    db.session.commit()
    assert search.search("枕套").total == 1

    case_id = case.id
    db.session.delete(case)
    enqueue_index(case_id)
    db.session.commit()

    assert search.search("枕套").total == 0
    assert all(row.processed_at is not None for row in outbox(db))


def test_a_change_of_status_reaches_the_index(db, make, search):
    case = make.dispute(description="被申请人销售假冒注册商标的枕套。", status="accepted")
    enqueue_index(case.id)
    db.session.commit()
    case.status, case.closure = "settled", "settled"
    enqueue_index(case.id)
    db.session.commit()

    assert search.count({"closure": "settled"}) == 1
    assert search.search("枕套").hits[0].extra["status"] == "settled"


def test_commits_without_outbox_rows_do_not_drain(db, make, search):
    make.dispute(description="被申请人销售假冒注册商标的枕套。")
    db.session.commit()

    assert search.count() == 0


def test_backoff_grows_exponentially_and_is_capped():
    assert [backoff(n) for n in range(4)] == [10, 20, 40, 80]
    assert backoff(20) == 900


def test_beat_drains_the_outbox_every_minute(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["drain-search-outbox"] == {"task": "search.drain_outbox", "schedule": 60.0}


def test_on_a_worker_a_failed_drain_retries_with_backoff(db, make, failing_search, monkeypatch):
    from celery.exceptions import Retry

    from dispute_hub.casesearch.tasks import drain_outbox

    case = make.dispute()
    enqueue_index(case.id)
    db.session.flush()
    db.session.info.pop("search_outbox_written", None)  # committed without the inline drain
    db.session.commit()
    asked = []
    monkeypatch.setattr(drain_outbox, "retry", lambda countdown: asked.append(countdown) or Retry())

    drain_outbox.push_request(is_eager=False, retries=2)
    try:
        with pytest.raises(Retry):
            drain_outbox.run()
    finally:
        drain_outbox.pop_request()

    assert asked == [backoff(2)] == [40]
    assert outbox(db)[0].attempts == 1 and outbox(db)[0].processed_at is None
