"""Notifications of parties and staff: who gets what, rendered once per recipient, deduplicated (never commits)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Dispute, Notification, User
from .deadlines import days_remaining
from .deadlines import status as deadline_status
from .transitions import TERMINAL_STATES
from .workflow import record

# one template per kind in templates/notifications/<kind>.txt
KINDS = ("accepted", "info_requested", "session_scheduled", "document_issued", "deadline_warning",
         "deadline_escalation")
AUDIENCES = ("claimant", "respondents", "mediator", "org_admins")
# China keeps no daylight saving time: deadlines are calendar dates in Beijing time
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
# the deadline clock does not run while a case is suspended, and a closed case has none
NOT_WATCHED = TERMINAL_STATES | {"suspended"}


@dataclass(frozen=True)
class Recipient:
    """Someone to notify and where; a recipient without email and phone is skipped."""

    name: str
    email: str | None = None
    phone: str | None = None
    user_id: int | None = None
    role: str | None = None  # claimant, respondent, mediator, org_admin; shown in the timeline


def _party_recipient(dispute: Dispute, party) -> Recipient:
    user_id = party.user_id or (dispute.claimant_user_id if party.role == "claimant" else None)
    user = db.session.get(User, user_id) if user_id else None
    return Recipient(party.name, party.email or (user.email if user else None), party.phone, user_id, party.role)


def _user_recipient(user: User, role: str) -> Recipient:
    return Recipient(user.name, user.email, None, user.id, role)


def recipients_for(dispute: Dispute, who: str) -> list[Recipient]:
    """The people of ``dispute`` in one audience: "claimant", "respondents", "mediator" or "org_admins".

    Inactive accounts are left out; the mediator and org admins are notified by email.
    """
    if who == "claimant":
        return [_party_recipient(dispute, p) for p in dispute.parties_in("claimant")]
    if who == "respondents":
        return [_party_recipient(dispute, p) for p in dispute.parties_in("respondent")]
    if who == "mediator":
        mediator = dispute.mediator
        return [_user_recipient(mediator, "mediator")] if mediator is not None and mediator.active else []
    if who == "org_admins":
        if dispute.organization_id is None:
            return []
        admins = db.session.execute(
            select(User).where(User.role == "org_admin", User.organization_id == dispute.organization_id,
                               User.active.is_(True)).order_by(User.id)
        ).scalars()
        return [_user_recipient(user, "org_admin") for user in admins]
    raise ValueError(f"unknown audience {who!r}; expected one of {', '.join(AUDIENCES)}")


def render(kind: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """``(subject, body)`` of ``kind``: the template's first line is the subject, the rest the body (zh, then en)."""
    text = current_app.jinja_env.get_template(f"notifications/{kind}.txt").render(**context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip()[:256], body.strip() + "\n"


def _key(dispute: Dispute, kind: str, dedupe: str, channel: str, address: str) -> str:
    if len(dedupe) > 64:
        dedupe = hashlib.sha256(dedupe.encode()).hexdigest()[:32]
    digest = hashlib.sha256(address.encode()).hexdigest()[:12]
    return f"{kind}:{dispute.id}:{dedupe}:{channel}:{digest}"


def _addresses(recipient: Recipient) -> list[tuple[str, str]]:
    found = []
    if recipient.email and recipient.email.strip():
        found.append(("email", recipient.email.strip().lower()))
    if recipient.phone and recipient.phone.strip():
        found.append(("sms", "".join(recipient.phone.split())))
    return found


def _insert(row: Notification) -> bool:
    """Add ``row`` unless its dedupe key exists."""
    exists = db.session.execute(select(Notification.id).where(Notification.dedupe_key == row.dedupe_key)).first()
    return not exists and add_once(row)


def add_once(row: Notification) -> bool:
    """Insert ``row`` in a savepoint: a duplicate written meanwhile by another transaction rolls back only that."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def _expand(dispute: Dispute, recipients: Iterable[Recipient | str]) -> list[Recipient]:
    found: list[Recipient] = []
    for item in recipients:
        found.extend(recipients_for(dispute, item) if isinstance(item, str) else [item])
    return found


def notify(dispute: Dispute, kind: str, *, recipients: Iterable[Recipient | str],
           context: Mapping[str, Any] | None = None, dedupe: str) -> list[Notification]:
    """Create the email and SMS notifications of one event for each recipient with an address (never commits).

    :param kind: one of ``KINDS``; names the template ``templates/notifications/<kind>.txt``
    :param recipients: ``Recipient`` objects and/or audiences of ``recipients_for`` ("claimant", "respondents",
        "mediator", "org_admins")
    :param context: template values besides ``tracking_no``, ``title`` and ``name`` (the recipient's)
    :param dedupe: what makes this event unique within the case and kind (e.g. ``f"session:{session.id}"``);
        notifying the same event to the same address again creates nothing
    An email carries the subject and the bilingual body; an SMS carries the subject line only.

    :return: the new pending rows (flushed); after committing, send them with
        ``mediation.tasks.dispatch_notifications``. When any row is new, a ``notified`` event is recorded.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; expected one of {', '.join(KINDS)}")
    if dispute.id is None:
        db.session.flush()
    # the subject is the template's first line: keep a title on one line
    base = {"tracking_no": dispute.tracking_no, "title": " ".join(dispute.title.split()), **(context or {})}
    created: list[tuple[Notification, Recipient]] = []
    for recipient in _expand(dispute, recipients):
        subject, body = render(kind, {**base, "name": recipient.name})
        for channel, address in _addresses(recipient):
            row = Notification(dispute_id=dispute.id, recipient_user_id=recipient.user_id,
                               recipient_name=recipient.name[:256], address=address[:254], channel=channel,
                               kind=kind, subject=subject, body=body if channel == "email" else subject,
                               dedupe_key=_key(dispute, kind, dedupe, channel, address), status="pending",
                               attempts=0)
            if _insert(row):
                created.append((row, recipient))
    if created:
        db.session.flush()
        # names, roles and channels, never addresses: the event log is permanent and shown to staff
        record(dispute, "notified", data={
            "kind": kind,
            "recipients": [{"name": row.recipient_name, "role": who.role, "channel": row.channel,
                            "notification_id": row.id} for row, who in created],
        })
    return [row for row, _who in created]


def china_today(now: datetime | None = None) -> date:
    """Today's date in Beijing time."""
    return (now or datetime.now(UTC)).astimezone(CHINA_TZ).date()


def due_on(dispute: Dispute) -> date:
    """The last day of the case's deadline, as a Beijing date."""
    assert dispute.deadline_at is not None
    return dispute.deadline_at.astimezone(CHINA_TZ).date()


def cases_near_deadline(today: date, warn_days: int) -> list[int]:
    """Ids of watched cases whose deadline is within ``warn_days`` of ``today`` or past."""
    horizon = datetime.combine(today + timedelta(days=warn_days + 1), time(), CHINA_TZ)
    return list(db.session.execute(
        select(Dispute.id).where(Dispute.deadline_at.is_not(None), Dispute.deadline_at < horizon,
                                 Dispute.status.not_in(NOT_WATCHED)).order_by(Dispute.id)
    ).scalars())


def notify_deadline(dispute: Dispute, today: date, warn_days: int) -> tuple[str, list[Notification]]:
    """Warn the mediator of a deadline soon due, or escalate an overdue one to the mediator and org admins.

    Without a mediator, the warning goes to the org admins. Once per case, kind and deadline date.

    :return: ``(state, new rows)`` where state is "ok", "due_soon" or "overdue"
    """
    if dispute.deadline_at is None or dispute.status in NOT_WATCHED:
        return "ok", []
    due = due_on(dispute)
    state = deadline_status(today, due, warn_days)
    left = days_remaining(today, due)
    context = {"due_date": due.isoformat(), "days_left": max(left, 0), "days_overdue": max(-left, 0),
               "mediator_name": dispute.mediator.name if dispute.mediator else "",
               "deadline_rule": dispute.deadline_rule or ""}
    if state == "due_soon":
        audience = ["mediator"] if dispute.mediator_id else ["org_admins"]
        return state, notify(dispute, "deadline_warning", recipients=audience, context=context,
                             dedupe=due.isoformat())
    if state == "overdue":
        return state, notify(dispute, "deadline_escalation", recipients=["mediator", "org_admins"],
                             context=context, dedupe=due.isoformat())
    return state, []
