"""The case lifecycle (DESIGN.md §5) as one data table of allowed moves, and the check against it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

# a plain dict of display labels; nothing here needs an application or request context
from ..labels import CHANNELS, CLOSURES, LABELS, STATUSES
from ..labels import ROLES as ACCOUNT_ROLES

# the account roles plus "system" for moves made by tasks (automatic screening and assignment)
ROLES = (*ACCOUNT_ROLES, "system")

# nothing leaves these, so a case is closed (closed_at) when it reaches one. The outcome moves (settle,
# fail, decline, decide, refer, reject, withdraw) set the closure; `close` only files the case, keeping it.
TERMINAL_STATES = frozenset({"rejected", "withdrawn", "closed"})

STAFF = frozenset({"mediator", "org_admin", "admin"})
# channels whose cases are mediated; declining ends these, while arbitration goes on to an award
MEDIATION = frozenset({"litigation_mediation", "people_mediation", "industry_mediation"})
MEDIATING = MEDIATION | {"arbitration"}
HEARING = frozenset({"administrative_adjudication", "arbitration"})


@dataclass(frozen=True)
class Transition:
    """One row of the table: ``action`` moves a case from any of ``from_states`` to ``to_state``.

    ``channels`` None means every channel, including a case not routed yet. ``to_state`` None means
    "back to the state before suspension", which the caller names with ``resumed_to``.
    """

    action: str
    from_states: frozenset[str]
    to_state: str | None
    roles: frozenset[str]
    channels: frozenset[str] | None = None
    reason_required: bool = False
    closure: str | None = None

    def applies_to(self, channel: str | None) -> bool:
        return self.channels is None or channel in self.channels

    @property
    def ends_case(self) -> bool:
        return self.to_state in TERMINAL_STATES


def _row(action: str, from_states: Iterable[str], to_state: str | None, roles: Iterable[str],
         channels: Iterable[str] | None = None, *, reason: bool = False,
         closure: str | None = None) -> Transition:
    return Transition(action, frozenset(from_states), to_state, frozenset(roles),
                      None if channels is None else frozenset(channels), reason, closure)


# An action may have several rows (per channel); at most one matches a (channel, state): validate_table.
TABLE: tuple[Transition, ...] = (
    _row("screen", {"submitted"}, "screening", STAFF | {"system"}),
    _row("request_info", {"screening"}, "more_info", STAFF, reason=True),
    _row("answer_info", {"more_info"}, "screening", STAFF | {"claimant"}),
    _row("accept", {"screening"}, "accepted", STAFF, CHANNELS),
    _row("reject", {"screening", "more_info"}, "rejected", STAFF, reason=True, closure="rejected"),
    _row("assign", {"accepted"}, "assigned", {"org_admin", "admin", "system"}, MEDIATING),
    _row("claim", {"accepted"}, "assigned", {"mediator"}, MEDIATING),
    # the respondent consents by starting it, or staff record a consent given offline
    _row("start_mediation", {"assigned"}, "in_mediation", STAFF | {"respondent"}, MEDIATING),
    _row("respondent_declines", {"assigned"}, "declined", STAFF | {"respondent"}, MEDIATION,
         closure="declined"),
    # appraisal, settlement talks; for adjudication a pending invalidation request
    _row("suspend", {"in_mediation"}, "suspended", STAFF, MEDIATION, reason=True),
    _row("suspend", {"in_mediation", "hearing"}, "suspended", STAFF, {"arbitration"}, reason=True),
    _row("suspend", {"accepted", "hearing"}, "suspended", STAFF, {"administrative_adjudication"},
         reason=True),
    _row("resume", {"suspended"}, None, STAFF, MEDIATING | HEARING),
    _row("schedule_hearing", {"accepted"}, "hearing", STAFF, {"administrative_adjudication"}),
    # an arbitral tribunal hears the case when mediation is not tried or has failed
    _row("schedule_hearing", {"assigned", "failed"}, "hearing", STAFF, {"arbitration"}),
    _row("settle", {"in_mediation"}, "settled", STAFF, MEDIATING, closure="settled"),
    # damages mediated during patent adjudication (专利法 Art 65), mediation before an award
    _row("settle", {"hearing"}, "settled", STAFF, HEARING, closure="settled"),
    _row("fail", {"in_mediation"}, "failed", STAFF, MEDIATING, reason=True, closure="failed"),
    _row("decide", {"hearing"}, "decided", STAFF, HEARING, closure="adjudicated"),
    # after failure or refusal the court registers the case; facts of a crime end mediation at once
    _row("refer", {"in_mediation", "failed", "declined"}, "referred", STAFF, MEDIATION, reason=True,
         closure="referred"),
    _row("refer", {"accepted"}, "referred", STAFF, {"enforcement_referral"}, reason=True,
         closure="referred"),
    _row("withdraw", {"submitted", "screening", "more_info", "accepted", "assigned", "in_mediation",
                      "suspended", "hearing"}, "withdrawn", STAFF | {"claimant"}, closure="withdrawn"),
    _row("close", {"settled", "failed", "declined", "referred", "decided"}, "closed", STAFF),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(row.action for row in TABLE))

ACTION_LABELS: dict[str, tuple[str, str]] = {
    "screen": ("开始审查", "Start screening"),
    "request_info": ("要求补充材料", "Request more information"),
    "answer_info": ("提交补充材料", "Answer the request for information"),
    "accept": ("受理", "Accept"),
    "reject": ("不予受理", "Reject"),
    "assign": ("分派调解员", "Assign a mediator"),
    "claim": ("认领案件", "Claim the case"),
    "start_mediation": ("同意并开始调解", "Consent and start mediation"),
    "respondent_declines": ("拒绝调解", "Decline mediation"),
    "suspend": ("中止", "Suspend"),
    "resume": ("恢复", "Resume"),
    "schedule_hearing": ("安排审理", "Schedule the hearing"),
    "settle": ("调解成功", "Record a settlement"),
    "fail": ("调解不成", "Record that mediation failed"),
    "decide": ("作出裁决", "Decide"),
    "refer": ("移送", "Refer onward"),
    "withdraw": ("撤回", "Withdraw"),
    "close": ("结案", "Close the case"),
}
_SYSTEM_LABEL = ("系统", "System")


class TransitionError(Exception):
    """An illegal move, with a machine code and a message for the user in both languages."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def _labels(kind: str, codes: Iterable[str]) -> tuple[str, str]:
    pairs = [_label(kind, code) for code in codes]
    return "、".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs)


def _label(kind: str, code: str | None) -> tuple[str, str]:
    if kind == "action":
        return ACTION_LABELS.get(code or "", (str(code), str(code)))
    if kind == "role" and code == "system":
        return _SYSTEM_LABEL
    return LABELS.get(kind, {}).get(code or "", (str(code), str(code)))


def _ordered(codes: Iterable[str], order: tuple[str, ...]) -> list[str]:
    wanted = set(codes)
    return [code for code in order if code in wanted]


def _require_known(status: str, channel: str | None, role: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")


def resume_targets(channel: str | None) -> list[str]:
    """The states a suspended case of ``channel`` may return to: those it may be suspended from."""
    rows = (row for row in TABLE if row.action == "suspend" and row.applies_to(channel))
    return _ordered((state for row in rows for state in row.from_states), STATUSES)


def _match(action: str, status: str, channel: str | None) -> Transition:
    """The row of ``action`` for this state and channel; raises unknown/wrong channel/wrong state."""
    act_zh, act_en = _label("action", action)
    rows = [row for row in TABLE if row.action == action]
    if not rows:
        raise TransitionError("unknown_action", f"未知操作“{action}”。", f"Unknown action '{action}'.")
    rows = [row for row in rows if row.applies_to(channel)]
    if not rows:
        if channel is None:
            raise TransitionError("wrong_channel", f"案件尚未确定处理渠道，不能执行“{act_zh}”。",
                                  f"The case has no channel yet, which '{act_en}' needs.")
        ch_zh, ch_en = _label("channel", channel)
        raise TransitionError("wrong_channel", f"“{act_zh}”不适用于{ch_zh}案件。",
                              f"'{act_en}' does not apply to {ch_en} cases.")
    for row in rows:
        if status in row.from_states:
            return row
    st_zh, st_en = _label("status", status)
    ok_zh, ok_en = _labels("status", _ordered((s for r in rows for s in r.from_states), STATUSES))
    raise TransitionError(
        "wrong_state",
        f"案件当前状态为“{st_zh}”，不能执行“{act_zh}”；该操作仅适用于：{ok_zh}。",
        f"'{act_en}' is not possible while the case is '{st_en}'; it is possible only from: {ok_en}.",
    )


def check(action: str, *, status: str, channel: str | None, role: str, reason: str | None = None,
          resumed_to: str | None = None) -> Transition:
    """The transition ``role`` may make with ``action`` on a case in ``status`` of ``channel``.

    :param reason: the user's reason; required (non-blank) where the row says so
    :param resumed_to: for ``resume``, the state the case was in before it was suspended
    :returns: the table row, with ``to_state`` filled in for ``resume``
    :raises TransitionError: code unknown_action, wrong_channel, wrong_state, wrong_role,
        reason_required or bad_resume_target
    :raises ValueError: for a status, channel or role that does not exist (a programming error)
    """
    _require_known(status, channel, role)
    row = _match(action, status, channel)
    act_zh, act_en = _label("action", action)
    if role not in row.roles:
        role_zh, role_en = _label("role", role)
        ok_zh, ok_en = _labels("role", _ordered(row.roles, ROLES))
        raise TransitionError("wrong_role", f"{role_zh}无权执行“{act_zh}”；可执行该操作的是：{ok_zh}。",
                              f"{role_en} may not '{act_en}'; it is for: {ok_en}.")
    if row.reason_required and not (reason or "").strip():
        raise TransitionError("reason_required", f"执行“{act_zh}”必须填写理由。",
                              f"'{act_en}' needs a reason.")
    if row.to_state is None:
        targets = resume_targets(channel)
        if resumed_to not in targets:
            ok_zh, ok_en = _labels("status", targets)
            got_zh, got_en = _label("status", resumed_to) if resumed_to else ("未指明", "none given")
            raise TransitionError(
                "bad_resume_target",
                f"恢复时须回到中止前的状态（{ok_zh}），收到的是：{got_zh}。",
                f"Resuming returns to the state before suspension ({ok_en}); got: {got_en}.",
            )
        return replace(row, to_state=resumed_to)
    return row


def allowed_actions(status: str, channel: str | None, role: str) -> list[str]:
    """The actions ``role`` may take on a case in ``status`` of ``channel``, in the order of ``ACTIONS``.

    A reason, where required, is asked for when the action is taken, so it is not checked here.
    """
    _require_known(status, channel, role)
    found = {row.action for row in TABLE
             if row.applies_to(channel) and status in row.from_states and role in row.roles}
    return [action for action in ACTIONS if action in found]


def validate_table(table: tuple[Transition, ...] = TABLE) -> None:
    """Raise ValueError when a row names an unknown code or two rows of one action overlap."""
    for row in table:
        unknown = (row.from_states - set(STATUSES)) | ({row.to_state} - set(STATUSES) - {None})
        unknown |= row.roles - set(ROLES)
        unknown |= (row.channels or frozenset()) - set(CHANNELS)
        unknown |= {row.closure} - set(CLOSURES) - {None}
        if unknown or not row.from_states or not row.roles or row.action not in ACTION_LABELS:
            raise ValueError(f"bad row {row.action}: unknown or missing {sorted(map(str, unknown))}")
        if row.from_states & TERMINAL_STATES:
            raise ValueError(f"row {row.action} leaves a terminal state")
    for i, first in enumerate(table):
        for second in table[i + 1:]:
            if first.action != second.action or not first.from_states & second.from_states:
                continue
            if first.channels is None or second.channels is None or first.channels & second.channels:
                shared = sorted(first.from_states & second.from_states)
                raise ValueError(f"rows of {first.action} overlap on {shared}")


validate_table()
