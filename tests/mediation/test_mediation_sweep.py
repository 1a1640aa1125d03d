"""The deadline sweep warns the mediator before a deadline and escalates to the org admins after it, once."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from dispute_hub.mediation.notifications import CHINA_TZ, china_today
from dispute_hub.mediation.tasks import sweep_deadlines
from dispute_hub.models import CaseEvent, Notification, verify_chain

TODAY = date(2026, 3, 10)


def _deadline(day: int) -> datetime:
    """End of 2026-03-<day> in Beijing time, as the deadline services store it."""
    return datetime.combine(date(2026, 3, day), time(23, 59, 59), CHINA_TZ)


@pytest.fixture
def org_people(db, make):
    org = make.org()
    people = {
        "mediator": make.user("mediator", org, email="mediator@example.com"),
        "admin": make.user("org_admin", org, email="admin@example.com"),
        "admin2": make.user("org_admin", org, email="admin2@example.com"),
        "other_admin": make.user("org_admin", make.org(), email="other-admin@example.com"),
    }
    db.session.commit()
    return org, people


def _case(db, make, org, mediator, deadline_day: int, status: str = "in_mediation"):
    dispute = make.dispute(org, status=status, mediator_id=mediator.id if mediator else None,
                           deadline_at=_deadline(deadline_day), deadline_rule="people_mediation.conclude")
    db.session.commit()
    return dispute


def _sweep(today: date = TODAY) -> dict:
    return sweep_deadlines.delay(today.isoformat()).get()


def _notifications(db, dispute=None) -> list[tuple[str, str]]:
    db.session.expire_all()
    query = sa.select(Notification.kind, Notification.address).order_by(Notification.id)
    if dispute is not None:
        query = query.where(Notification.dispute_id == dispute.id)
    return [tuple(row) for row in db.session.execute(query)]


def test_a_case_due_in_two_days_warns_its_mediator_once(db, make, org_people):
    org, people = org_people
    dispute = _case(db, make, org, people["mediator"], 12)
    first = _sweep()
    assert first == {"checked": 1, "warned": 1, "escalated": 0, "notifications": 1}
    assert _notifications(db) == [("deadline_warning", "mediator@example.com")]
    assert _sweep() == {"checked": 1, "warned": 0, "escalated": 0, "notifications": 0}
    assert _sweep(date(2026, 3, 11)) == {"checked": 1, "warned": 0, "escalated": 0, "notifications": 0}
    assert len(_notifications(db)) == 1
    assert db.session.execute(sa.select(Notification.status)).scalar_one() == "sent"  # the logging sender
    events = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id,
                                                           CaseEvent.kind == "notified")).scalars().all()
    assert len(events) == 1
    assert events[0].data["kind"] == "deadline_warning"
    assert events[0].data["recipients"][0]["role"] == "mediator"
    assert verify_chain(dispute).ok


def test_the_last_day_itself_warns_and_the_body_says_so(db, make, org_people, caplog):
    org, people = org_people
    dispute = _case(db, make, org, people["mediator"], 10)
    with caplog.at_level(logging.INFO):
        assert _sweep()["warned"] == 1
    body = db.session.execute(sa.select(Notification.body)).scalar_one()
    assert "今天是最后一天" in body and "today is the last day" in body and dispute.tracking_no in body


def test_an_overdue_case_escalates_to_the_mediator_and_its_org_admins(db, make, org_people):
    org, people = org_people
    dispute = _case(db, make, org, people["mediator"], 8)
    assert _sweep() == {"checked": 1, "warned": 0, "escalated": 1, "notifications": 3}
    assert sorted(_notifications(db, dispute)) == [
        ("deadline_escalation", "admin2@example.com"), ("deadline_escalation", "admin@example.com"),
        ("deadline_escalation", "mediator@example.com")]
    assert _sweep(date(2026, 3, 12))["notifications"] == 0
    subject = db.session.execute(sa.select(Notification.subject).limit(1)).scalar_one()
    assert "已超过期限 2 天" in subject and "2 day(s) overdue" in subject
    assert verify_chain(dispute).ok


def test_a_warned_case_that_becomes_overdue_is_then_escalated(db, make, org_people):
    org, people = org_people
    dispute = _case(db, make, org, people["mediator"], 12)
    _sweep()
    assert _sweep(date(2026, 3, 13))["escalated"] == 1
    kinds = [kind for kind, _address in _notifications(db, dispute)]
    assert kinds.count("deadline_warning") == 1 and kinds.count("deadline_escalation") == 3


def test_an_extended_deadline_is_warned_again(db, make, org_people):
    org, people = org_people
    dispute = _case(db, make, org, people["mediator"], 12)
    _sweep()
    dispute.deadline_at = _deadline(20)
    db.session.commit()
    assert _sweep(date(2026, 3, 18))["warned"] == 1
    assert len(_notifications(db, dispute)) == 2


@pytest.mark.parametrize("status", ["closed", "withdrawn", "rejected", "suspended"])
def test_closed_and_suspended_cases_are_ignored(db, make, org_people, status):
    org, people = org_people
    _case(db, make, org, people["mediator"], 5, status=status)
    _case(db, make, org, people["mediator"], 11, status=status)
    assert _sweep() == {"checked": 0, "warned": 0, "escalated": 0, "notifications": 0}
    assert _notifications(db) == []


def test_cases_far_from_their_deadline_or_without_one_are_left_alone(db, make, org_people):
    org, people = org_people
    _case(db, make, org, people["mediator"], 20)
    make.dispute(org, status="in_mediation", mediator_id=people["mediator"].id)
    db.session.commit()
    assert _sweep()["checked"] == 0
    assert _notifications(db) == []


def test_without_a_mediator_the_warning_goes_to_the_org_admins(db, make, org_people):
    org, _people = org_people
    _case(db, make, org, None, 11, status="accepted")
    assert _sweep()["warned"] == 1
    assert sorted(address for _kind, address in _notifications(db)) == ["admin2@example.com", "admin@example.com"]


def test_the_warning_window_is_a_setting(app, db, make, org_people):
    org, people = org_people
    app.config["DEADLINE_WARN_DAYS"] = 1
    _case(db, make, org, people["mediator"], 12)
    assert _sweep()["warned"] == 0
    assert _sweep(date(2026, 3, 11))["warned"] == 1


def test_today_is_a_beijing_date():
    # 17:00 UTC on 10 March is already 11 March in Beijing
    assert china_today(datetime(2026, 3, 10, 15, 59, tzinfo=UTC)) == date(2026, 3, 10)
    assert china_today(datetime(2026, 3, 10, 17, 0, tzinfo=UTC)) == date(2026, 3, 11)


def test_beat_runs_the_sweep_and_the_catch_up(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"mediation.sweep_deadlines", "mediation.send_pending"} <= tasks
    assert "mediation.send_notification" in app.extensions["celery"].tasks


def test_the_sweep_command_runs_the_sweep_and_sends(app, db):
    import json as _json

    result = app.test_cli_runner().invoke(args=["sweep-deadlines"])
    assert result.exit_code == 0, result.output
    report = _json.loads(result.output)
    assert set(report["sweep"]) == {"checked", "warned", "escalated", "notifications"}
    assert report["sweep"]["checked"] == 0
