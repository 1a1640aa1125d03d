"""An organisation admin gives a case to another mediator of its organisation, with the reason recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import CaseEvent, Dispute, User, enqueue_index, utcnow
from .transitions import TERMINAL_STATES, TransitionError, allowed_actions
from .workflow import StaleCase, perform, record

MANAGERS = frozenset({"org_admin", "admin"})


def mediator_choices(dispute: Dispute) -> list[User]:
    """The active mediators of the case's organisation, by name: whom the case may be given to."""
    if dispute.organization_id is None:
        return []
    return list(db.session.execute(
        select(User).where(User.organization_id == dispute.organization_id, User.role == "mediator",
                           User.active.is_(True)).order_by(User.name, User.id)
    ).scalars())


def reassign(dispute: Dispute, mediator: User | None, *, reason: str | None, actor: User,
             expected_version: int | None, now: datetime | None = None) -> CaseEvent:
    """Give ``dispute`` to ``mediator`` and record a ``reassigned`` event (from, to, reason).

    A case accepted but not yet assigned also moves to ``assigned`` where its channel has that step.

    :param actor: an org admin of the case's organisation, or a platform admin
    :param expected_version: the case version the admin saw
    :raises StaleCase: the case changed since ``expected_version``
    :raises TransitionError: codes wrong_role, case_closed, reason_required, not_a_mediator, same_mediator
    """
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase()
    why = (reason or "").strip()
    mediator = _checked(dispute, mediator, why, actor)
    now = now or utcnow()
    previous = dispute.mediator
    if (dispute.status == "accepted" and dispute.mediator_id is None
            and "assign" in allowed_actions(dispute.status, dispute.channel, actor.role)):
        perform(dispute, "assign", role=actor.role, actor=actor, reason=why, data={"mediator_id": mediator.id},
                now=now)
    dispute.mediator = mediator
    if mediator.mediator_profile is not None:
        # counts as an assignment for the idle-time order of automatic assignment
        mediator.mediator_profile.last_assigned_at = now
    event = record(dispute, "reassigned", actor=actor, data={
        "from": previous.id if previous else None, "from_name": previous.name if previous else None,
        "to": mediator.id, "to_name": mediator.name, "reason": why,
    })
    enqueue_index(dispute.id)
    return event


def _checked(dispute: Dispute, mediator: User | None, why: str, actor: User) -> User:
    if actor.role not in MANAGERS or (actor.role == "org_admin" and actor.organization_id != dispute.organization_id):
        raise TransitionError("wrong_role", "只有本机构管理员或平台管理员可以改派案件。",
                              "Only an admin of the case's organisation or a platform admin may reassign it.")
    if dispute.status in TERMINAL_STATES:
        raise TransitionError("case_closed", "案件已结束，不能改派。", "The case has ended and cannot be reassigned.")
    if not why:
        raise TransitionError("reason_required", "改派必须填写理由。", "A reassignment needs a reason.")
    if (mediator is None or mediator.role != "mediator" or not mediator.active
            or dispute.organization_id is None or mediator.organization_id != dispute.organization_id):
        raise TransitionError("not_a_mediator", "只能改派给本案所属机构的在职调解员。",
                              "The case can go only to an active mediator of its organisation.")
    if mediator.id == dispute.mediator_id:
        raise TransitionError("same_mediator", f"{mediator.name}已是本案调解员。",
                              f"{mediator.name} is the case's mediator already.")
    return mediator
