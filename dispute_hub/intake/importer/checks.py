"""Consistency of a historical case: dates in order, status, closure and channel fitting together.

Pure; the lifecycle's transition table decides which states and outcomes a channel can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ...mediation.transitions import TABLE
from ..validators import ValidationError
from ..validators._common import fail
from .court import CourtData
from .values import SHANGHAI

UNACCEPTED = ("submitted", "screening", "more_info")
ACCEPTED_OPEN = ("accepted", "assigned", "in_mediation", "suspended", "hearing")
# the state each closure's outcome move reaches (transitions.TABLE); a closed case goes on to "closed"
OUTCOME_STATE = {
    "settled": "settled", "failed": "failed", "declined": "declined", "referred": "referred",
    "adjudicated": "decided", "rejected": "rejected", "withdrawn": "withdrawn",
}
# outcomes that end the case themselves (terminal states); the others are followed by `close`
SELF_CLOSING = frozenset({"rejected", "withdrawn"})
NEEDS_ACCEPTANCE = frozenset({"settled", "failed", "declined", "referred", "adjudicated"})


@dataclass(frozen=True)
class History:
    """The historical fields of a line, parsed; ``status`` and ``channel`` already defaulted."""

    filed_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None
    status: str
    closure: str | None
    channel: str | None
    org_channels: tuple[str, ...] | None
    suspended_days: int
    satisfaction: int | None
    court: CourtData | None


def default_status(closure: str | None, accepted_at: datetime | None) -> str:
    if closure is not None:
        return closure if closure in SELF_CLOSING else "closed"
    return "accepted" if accepted_at is not None else "submitted"


def check_history(h: History, discovered_on: date | None, now: datetime) -> list[ValidationError]:
    """Every inconsistency of ``h``, each with the field to fix."""
    return [*_order(h, discovered_on), *_closure(h), *_acceptance(h), *_channel(h), *_extras(h, now)]


def _order(h: History, discovered_on: date | None) -> list[ValidationError]:
    problems = []
    if h.accepted_at is not None and h.accepted_at < h.filed_at:
        problems.append(fail("accepted_at", "out_of_order", "受理时间不能早于申请时间",
                             "accepted_at cannot be before filed_at"))
    if h.closed_at is not None and h.closed_at < (h.accepted_at or h.filed_at):
        later = "受理" if h.accepted_at is not None else "申请"
        problems.append(fail("closed_at", "out_of_order", f"结案时间不能早于{later}时间",
                             f"closed_at cannot be before {'accepted_at' if h.accepted_at else 'filed_at'}"))
    if discovered_on is not None and discovered_on > h.filed_at.astimezone(SHANGHAI).date():
        problems.append(fail("discovered_on", "out_of_order", "知悉侵权日期不能晚于申请日期",
                             "discovered_on cannot be after the filing date"))
    return problems


def _closure(h: History) -> list[ValidationError]:
    if (h.closure is None) != (h.closed_at is None):
        missing = "closed_at" if h.closed_at is None else "closure"
        return [fail(missing, "required", "结案方式（closure）与结案时间（closed_at）须同时填写",
                     "closure and closed_at go together: a closed case needs both")]
    expected = default_status(h.closure, h.accepted_at)
    if h.closure is not None and h.status != expected:
        return [fail("status", "inconsistent", f"结案方式为 {h.closure} 的案件，状态应为 {expected}",
                     f"A case closed as {h.closure} has status {expected}")]
    if h.closure is None and h.status not in UNACCEPTED + ACCEPTED_OPEN:
        return [fail("status", "needs_closure", f"状态 {h.status} 表示案件已有结果，请填写 closure 和 closed_at",
                     f"Status {h.status} means the case has an outcome: give closure and closed_at "
                     "(its status is then closed)")]
    return []


def _acceptance(h: History) -> list[ValidationError]:
    accepted = h.status in ACCEPTED_OPEN or h.closure in NEEDS_ACCEPTANCE
    if accepted and h.accepted_at is None:
        return [fail("accepted_at", "required", "已受理的案件须填写受理时间",
                     "accepted_at is required: the status or closure means the case was accepted")]
    if h.accepted_at is not None and (h.status in UNACCEPTED or h.closure == "rejected"):
        return [fail("accepted_at", "inconsistent", f"状态为 {h.status} 的案件不应有受理时间",
                     f"A case with status {h.status} was never accepted: remove accepted_at")]
    return []


def reachable(state: str, channel: str) -> bool:
    """Can a case of ``channel`` reach ``state`` by some move of the lifecycle?"""
    return any(row.to_state == state and row.applies_to(channel) for row in TABLE)


def _channel(h: History) -> list[ValidationError]:
    if h.channel is None:
        return []
    problems = []
    if h.org_channels is not None and h.channel not in h.org_channels:
        problems.append(fail("organization", "wrong_channel", f"该机构不办理 {h.channel} 渠道的案件",
                             f"The organisation does not handle {h.channel} cases"))
    state = OUTCOME_STATE[h.closure] if h.closure is not None else h.status
    if state not in UNACCEPTED and not reachable(state, h.channel):
        field = "closure" if h.closure is not None else "status"
        problems.append(fail(field, "wrong_channel", f"{h.channel} 渠道的案件不会出现 {state}",
                             f"A {h.channel} case cannot reach {state}"))
    return problems


def _extras(h: History, now: datetime) -> list[ValidationError]:
    problems = []
    if h.satisfaction is not None and h.closure is None:
        problems.append(fail("satisfaction", "not_closed", "满意度评价只在结案后作出",
                             "satisfaction is rated at closure: a case without closure has none"))
    span = ((h.closed_at or now) - h.filed_at).days
    if h.suspended_days > span:
        problems.append(fail("suspended_days", "too_long", f"中止天数不能超过案件经过的天数（{span} 天）",
                             f"suspended_days cannot exceed the case's duration ({span} days)"))
    return problems
