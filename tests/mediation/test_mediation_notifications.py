"""Notifications: created once per event and address, sent by a task through a real local SMTP server."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from celery.exceptions import Retry

from dispute_hub.mediation.notifications import KINDS, Recipient, add_once, notify, recipients_for, render
from dispute_hub.mediation.senders import SmtpEmailSender, sms_gateway
from dispute_hub.mediation.tasks import dispatch_notifications, send_notification, send_pending
from dispute_hub.models import CaseEvent, Notification, verify_chain
from tests.support.smtp import SmtpServer, free_port
from tests.support.worker import real_worker


@pytest.fixture
def smtp(app):
    server = SmtpServer(free_port()).start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False,
                      SMTP_FROM="调解平台 <noreply@dispute-hub.test>")
    yield server
    server.stop()


@pytest.fixture
def case(db, make):
    org = make.org()
    mediator = make.user("mediator", org, name="王调解", email="mediator@example.com")
    admin = make.user("org_admin", org, name="机构管理员", email="admin@example.com")
    make.user("org_admin", make.org(), email="elsewhere@example.com")
    make.user("org_admin", org, email="retired-admin@example.com", active=False)
    dispute = make.dispute(org, status="accepted", mediator_id=mediator.id, title="外观设计专利侵权纠纷")
    claimant = dispute.parties_in("claimant")[0]
    claimant.name, claimant.email, claimant.phone = "张三", "Zhang.San@Example.com", "138 0013 8000"
    dispute.parties_in("respondent")[0].email = "respondent@example.com"
    db.session.commit()
    return dispute, mediator, admin


def _rows(db) -> list[Notification]:
    db.session.expire_all()
    return db.session.execute(sa.select(Notification).order_by(Notification.id)).scalars().all()


def _notified_events(db, dispute) -> list[CaseEvent]:
    return db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id,
                                                         CaseEvent.kind == "notified")).scalars().all()


def test_recipients_for_each_audience(db, case, make):
    dispute, mediator, admin = case
    (claimant,) = recipients_for(dispute, "claimant")
    assert (claimant.name, claimant.email, claimant.role) == ("张三", "Zhang.San@Example.com", "claimant")
    assert [r.email for r in recipients_for(dispute, "respondents")] == ["respondent@example.com"]
    assert [r.user_id for r in recipients_for(dispute, "mediator")] == [mediator.id]
    assert [r.email for r in recipients_for(dispute, "org_admins")] == [admin.email]
    with pytest.raises(ValueError, match="unknown audience"):
        recipients_for(dispute, "everyone")


def test_claimant_without_an_email_of_its_own_gets_the_account_email(db, make):
    user = make.user("claimant", email="account@example.com")
    dispute = make.dispute(claimant=user)
    assert [r.email for r in recipients_for(dispute, "claimant")] == ["account@example.com"]


def test_notify_then_send_delivers_a_utf8_email_and_an_sms(app, db, case, smtp, caplog):
    dispute, _mediator, _admin = case
    rows = notify(dispute, "accepted", recipients=["claimant"], context={"organization": "测试调解委员会"},
                  dedupe="accepted")
    db.session.commit()
    assert sorted(r.channel for r in rows) == ["email", "sms"]
    with caplog.at_level(logging.INFO):
        dispatch_notifications([r.id for r in rows])

    (envelope,) = smtp.handler.envelopes
    assert envelope.rcpt_tos == ["zhang.san@example.com"]
    (message,) = smtp.handler.messages()
    assert message["Subject"] == f"案件 {dispute.tracking_no} 已受理 | Case {dispute.tracking_no} accepted"
    assert "zhang.san@example.com" in message["To"] and "张三" in message["To"]
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "张三，您好" in body and "由测试调解委员会办理" in body
    assert body.index("已被受理") < body.index("has been accepted")  # Chinese first, then English
    assert f"SMS to 13800138000: 案件 {dispute.tracking_no} 已受理" in caplog.text
    assert {(r.channel, r.status, r.attempts) for r in _rows(db)} == {("email", "sent", 1), ("sms", "sent", 1)}
    assert all(r.sent_at is not None for r in _rows(db))


def test_the_same_event_notifies_once_and_shows_in_the_timeline(db, case):
    dispute, _mediator, _admin = case
    first = notify(dispute, "session_scheduled", recipients=["claimant", "respondents", "mediator"],
                   context={"starts_at": "2026-12-01 09:30", "mode": "online", "location": "https://meet.test/1"},
                   dedupe="session:1")
    db.session.commit()
    again = notify(dispute, "session_scheduled", recipients=["claimant", "respondents", "mediator"],
                   context={"starts_at": "2026-12-01 09:30"}, dedupe="session:1")
    db.session.commit()
    assert len(first) == 4 and again == []  # claimant email + SMS, respondent, mediator
    assert len(_rows(db)) == 4
    (event,) = _notified_events(db, dispute)
    assert event.data["kind"] == "session_scheduled"
    assert sorted((r["role"], r["channel"]) for r in event.data["recipients"]) == [
        ("claimant", "email"), ("claimant", "sms"), ("mediator", "email"), ("respondent", "email")]
    assert "address" not in event.data["recipients"][0]
    assert verify_chain(dispute).ok
    # another session is another event
    assert len(notify(dispute, "session_scheduled", recipients=["mediator"], dedupe="session:2")) == 1


def test_one_address_named_twice_gets_one_message(db, case):
    dispute, mediator, _admin = case
    same = Recipient("王调解", "MEDIATOR@example.com", role="mediator")
    assert len(notify(dispute, "document_issued", recipients=["mediator", same],
                      context={"document_title": "受理通知书"}, dedupe="document:7")) == 1


def test_a_duplicate_inserted_concurrently_is_a_no_op(db, case):
    dispute, _mediator, _admin = case
    (row,) = notify(dispute, "accepted", recipients=["mediator"], dedupe="accepted")
    db.session.commit()
    twin = Notification(dispute_id=dispute.id, address=row.address, channel="email", kind="accepted", subject="s",
                        body="b", dedupe_key=row.dedupe_key, status="pending", attempts=0)
    assert add_once(twin) is False
    notify(dispute, "info_requested", recipients=["claimant"], context={"reason": "请补充权属证明"}, dedupe="1")
    db.session.commit()  # the session is still usable after the rolled-back savepoint
    assert len(_rows(db)) == 3
    assert verify_chain(dispute).ok


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_bilingual_template(app, kind):
    subject, body = render(kind, {"tracking_no": "NT2026000001", "title": "商标侵权", "name": "李四"})
    assert "NT2026000001" in subject and " | " in subject and "\n" not in subject
    assert body.startswith("李四，您好") and "Dear 李四," in body
    assert body.index("您好") < body.index("Dear")


def test_unknown_kind_and_recipients_without_address(db, case):
    dispute, _mediator, _admin = case
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(dispute, "party", recipients=["claimant"], dedupe="x")
    assert notify(dispute, "accepted", recipients=[Recipient("无地址")], dedupe="x") == []
    assert _notified_events(db, dispute) == []


def test_smtp_down_fails_the_attempt_and_send_pending_delivers_later(app, db, case):
    dispute, _mediator, _admin = case
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    (row,) = notify(dispute, "accepted", recipients=["respondents"], dedupe="accepted")
    db.session.commit()
    assert send_notification.delay(row.id).get() == "failed"  # inline: no retry on the spot
    (failed,) = _rows(db)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "ConnectionRefused" in failed.last_error

    # in a worker the task asks Celery to retry it later
    with pytest.raises(Retry):
        send_notification.run(row.id)
    assert _rows(db)[0].attempts == 2

    server = SmtpServer(port).start()
    try:
        assert send_pending.delay().get() == {"sent": 1, "failed": 0}
        assert send_pending.delay().get() == {"sent": 0, "failed": 0}
    finally:
        server.stop()
    (sent,) = _rows(db)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, None)
    assert len(server.handler.envelopes) == 1
    assert send_notification.delay(row.id).get() == "already_sent"
    assert len(server.handler.envelopes) == 1


def test_send_pending_picks_up_a_lost_dispatch_after_the_grace_period(db, case, caplog):
    dispute, _mediator, _admin = case
    notify(dispute, "accepted", recipients=["claimant"], dedupe="accepted")
    db.session.commit()
    assert send_pending.delay().get() == {"sent": 0, "failed": 0}  # still within the grace period
    with caplog.at_level(logging.INFO):
        assert send_pending.delay(grace_seconds=0).get() == {"sent": 2, "failed": 0}
    assert "email (not sent: no SMTP host)" in caplog.text  # no SMTP host: the logging sender
    assert {r.status for r in _rows(db)} == {"sent"}


def test_email_message_is_utf8_plain_text():
    sender = SmtpEmailSender("127.0.0.1", 25, sender="noreply@dispute-hub.test", starttls=False)
    message = sender.message("li@example.com", "李四", "期限提醒 | Deadline", "请于三日内处理。\n")
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message.get_content() == "请于三日内处理。\n"


class RecordingGateway:
    sent: list[tuple[str, str]] = []

    def __init__(self, config) -> None:
        self.config = config

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def test_sms_gateway_is_pluggable_by_dotted_path(app, db, case):
    app.config["SMS_GATEWAY"] = f"{__name__}:RecordingGateway"
    assert isinstance(sms_gateway(app.config), RecordingGateway)
    dispute, _mediator, _admin = case
    rows = notify(dispute, "accepted", recipients=["claimant"], dedupe="accepted")
    db.session.commit()
    dispatch_notifications([r.id for r in rows if r.channel == "sms"])
    assert RecordingGateway.sent[-1][0] == "13800138000"
    app.config["SMS_GATEWAY"] = "no_dots_here"
    with pytest.raises(ValueError, match="DISPUTE_HUB_SMS_GATEWAY"):
        sms_gateway(app.config)



@pytest.mark.redis
@pytest.mark.slow
def test_a_real_worker_sends_through_smtp(db, case, smtp, redis_url, database_url, tmp_path):
    dispute, _mediator, _admin = case
    (row,) = notify(dispute, "deadline_warning", recipients=["mediator"], context={"due_date": "2026-03-12",
                                                                                   "days_left": 2}, dedupe="x")
    db.session.commit()  # not dispatched: the worker's catch-up finds it
    smtp_env = {"DISPUTE_HUB_SMTP_HOST": "127.0.0.1", "DISPUTE_HUB_SMTP_PORT": str(smtp.port),
                "DISPUTE_HUB_SMTP_STARTTLS": "0", "DISPUTE_HUB_SMTP_FROM": "noreply@dispute-hub.test"}
    with real_worker(database_url, redis_url, tmp_path, **smtp_env) as (celery, queue, output):
        counts = celery.send_task("mediation.send_pending", args=[200, 0], queue=queue).get(timeout=90)
        again = celery.send_task("mediation.send_notification", args=[row.id], queue=queue).get(timeout=90)
    assert counts == {"sent": 1, "failed": 0}, output
    assert again == "already_sent", output
    (envelope,) = smtp.handler.envelopes
    assert envelope.rcpt_tos == ["mediator@example.com"]
    assert "期限将于 2026-03-12 届满" in smtp.handler.messages()[0]["Subject"]
