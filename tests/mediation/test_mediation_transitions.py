"""The lifecycle table: every move it allows passes, every other move is refused with the right code."""

from __future__ import annotations

from collections import deque

import pytest

from dispute_hub.mediation.transitions import (
    ACTION_LABELS,
    ACTIONS,
    CHANNELS,
    CLOSURES,
    ROLES,
    STATUSES,
    TABLE,
    TERMINAL_STATES,
    Transition,
    TransitionError,
    allowed_actions,
    check,
    resume_targets,
    validate_table,
)

CHANNEL_VALUES = (*CHANNELS, None)


def _channels(row: Transition) -> tuple[str | None, ...]:
    return CHANNEL_VALUES if row.channels is None else tuple(sorted(row.channels))


def _row_for(action: str, status: str, channel: str | None) -> Transition | None:
    rows = [r for r in TABLE if r.action == action and r.applies_to(channel) and status in r.from_states]
    assert len(rows) <= 1
    return rows[0] if rows else None


# --- the table itself -------------------------------------------------------------------------------


def test_codes_match_the_models():
    from dispute_hub.models import CHANNELS as MODEL_CHANNELS
    from dispute_hub.models import CLOSURES as MODEL_CLOSURES
    from dispute_hub.models import ROLES as MODEL_ROLES
    from dispute_hub.models import STATUSES as MODEL_STATUSES

    assert STATUSES == MODEL_STATUSES
    assert CLOSURES == MODEL_CLOSURES
    assert tuple(MODEL_CHANNELS) == CHANNELS
    assert (*MODEL_ROLES, "system") == ROLES


def test_table_is_valid_and_every_action_has_labels():
    validate_table()
    assert set(ACTIONS) == set(ACTION_LABELS)
    assert all(zh and en for zh, en in ACTION_LABELS.values())


@pytest.mark.parametrize("bad_row", [
    Transition("accept", frozenset({"nowhere"}), "accepted", frozenset({"mediator"})),
    Transition("accept", frozenset({"screening"}), "accepted", frozenset({"judge"})),
    Transition("accept", frozenset({"screening"}), "accepted", frozenset({"mediator"}), frozenset({"court"})),
    Transition("accept", frozenset({"screening"}), "accepted", frozenset({"mediator"}), closure="won"),
    Transition("fly", frozenset({"screening"}), "accepted", frozenset({"mediator"})),
    Transition("close", frozenset({"closed"}), "closed", frozenset({"admin"})),
])
def test_validate_table_refuses_bad_rows(bad_row):
    with pytest.raises(ValueError):
        validate_table((bad_row,))


def test_validate_table_refuses_overlapping_rows():
    first = Transition("settle", frozenset({"in_mediation"}), "settled", frozenset({"mediator"}),
                       frozenset({"people_mediation"}))
    second = Transition("settle", frozenset({"in_mediation", "hearing"}), "settled", frozenset({"admin"}))
    with pytest.raises(ValueError, match="overlap"):
        validate_table((first, second))


def _reachable(channel: str | None) -> set[str]:
    reached, queue = {"submitted"}, deque(["submitted"])
    while queue:
        status = queue.popleft()
        for row in TABLE:
            if status in row.from_states and row.applies_to(channel):
                for target in resume_targets(channel) if row.to_state is None else [row.to_state]:
                    if target not in reached:
                        reached.add(target)
                        queue.append(target)
    return reached


@pytest.mark.parametrize(("channel", "never"), [
    ("litigation_mediation", {"hearing", "decided"}),
    ("people_mediation", {"hearing", "decided"}),
    ("industry_mediation", {"hearing", "decided"}),
    ("arbitration", {"declined", "referred"}),
    ("administrative_adjudication", {"assigned", "in_mediation", "failed", "declined", "referred"}),
    ("enforcement_referral", {"assigned", "in_mediation", "suspended", "failed", "declined", "settled",
                              "hearing", "decided"}),
    (None, set(STATUSES) - {"submitted", "screening", "more_info", "rejected", "withdrawn"}),
])
def test_each_channel_reaches_its_own_states(channel, never):
    assert _reachable(channel) == set(STATUSES) - never


def test_only_terminal_states_are_dead_ends():
    leaving = {s for row in TABLE for s in row.from_states}
    assert set(STATUSES) - leaving == TERMINAL_STATES


def test_resume_is_offered_exactly_where_suspend_is():
    suspend_channels = {c for row in TABLE if row.action == "suspend" for c in _channels(row)}
    resume_channels = {c for row in TABLE if row.action == "resume" for c in _channels(row)}
    assert suspend_channels == resume_channels


def test_closure_is_set_by_the_outcome_moves():
    closures = {row.action: row.closure for row in TABLE if row.closure}
    assert closures == {
        "reject": "rejected", "respondent_declines": "declined", "settle": "settled", "fail": "failed",
        "decide": "adjudicated", "refer": "referred", "withdraw": "withdrawn",
    }
    assert {row.closure for row in TABLE} - {None} == set(CLOSURES)


# --- generated from the table: all allowed moves, all refused moves --------------------------------


ALLOWED = [
    (row.action, status, channel, role)
    for row in TABLE for channel in _channels(row) for status in sorted(row.from_states)
    for role in sorted(row.roles)
]


@pytest.mark.parametrize("action", ACTIONS)
def test_every_allowed_move_passes(action):
    moves = [m for m in ALLOWED if m[0] == action]
    assert moves
    for _, status, channel, role in moves:
        row = _row_for(action, status, channel)
        targets = resume_targets(channel) if row.to_state is None else [None]
        for resumed_to in targets:
            got = check(action, status=status, channel=channel, role=role, reason="因为", resumed_to=resumed_to)
            assert got.to_state == (resumed_to or row.to_state), (status, channel, role)
            assert got.closure == row.closure
            assert action in allowed_actions(status, channel, role)


def _expected_code(action: str, status: str, channel: str | None, role: str) -> str | None:
    rows = [r for r in TABLE if r.action == action and r.applies_to(channel)]
    if not rows:
        return "wrong_channel"
    row = _row_for(action, status, channel)
    if row is None:
        return "wrong_state"
    return None if role in row.roles else "wrong_role"


@pytest.mark.parametrize("action", ACTIONS)
def test_every_other_move_is_refused_with_its_reason(action):
    refused = 0
    for channel in CHANNEL_VALUES:
        for status in STATUSES:
            for role in ROLES:
                code = _expected_code(action, status, channel, role)
                if code is None:
                    continue
                refused += 1
                with pytest.raises(TransitionError) as caught:
                    check(action, status=status, channel=channel, role=role, reason="r", resumed_to="hearing")
                assert caught.value.code == code, (status, channel, role)
                assert caught.value.message_zh and caught.value.message_en
                assert action not in allowed_actions(status, channel, role)
    assert refused


def test_allowed_actions_agrees_with_check_everywhere():
    for channel in CHANNEL_VALUES:
        for status in STATUSES:
            for role in ROLES:
                expected = [a for a in ACTIONS if _expected_code(a, status, channel, role) is None]
                assert allowed_actions(status, channel, role) == expected


# --- hand-written: moves that must be refused ------------------------------------------------------


@pytest.mark.parametrize(("action", "status", "channel", "role", "extra", "code"), [
    ("accept", "in_mediation", "people_mediation", "mediator", {}, "wrong_state"),
    ("accept", "screening", "people_mediation", "claimant", {}, "wrong_role"),
    ("accept", "screening", None, "mediator", {}, "wrong_channel"),
    ("accept", "more_info", "people_mediation", "mediator", {}, "wrong_state"),
    ("screen", "screening", "people_mediation", "system", {}, "wrong_state"),
    ("screen", "submitted", None, "liaison", {}, "wrong_role"),
    ("answer_info", "more_info", "people_mediation", "respondent", {}, "wrong_role"),
    ("assign", "accepted", "administrative_adjudication", "org_admin", {}, "wrong_channel"),
    ("assign", "accepted", "enforcement_referral", "system", {}, "wrong_channel"),
    ("assign", "accepted", "people_mediation", "mediator", {}, "wrong_role"),
    ("claim", "accepted", "people_mediation", "org_admin", {}, "wrong_role"),
    ("claim", "assigned", "people_mediation", "mediator", {}, "wrong_state"),
    ("start_mediation", "accepted", "people_mediation", "respondent", {}, "wrong_state"),
    ("start_mediation", "assigned", "people_mediation", "claimant", {}, "wrong_role"),
    ("respondent_declines", "in_mediation", "people_mediation", "respondent", {}, "wrong_state"),
    ("respondent_declines", "assigned", "arbitration", "respondent", {}, "wrong_channel"),
    ("settle", "in_mediation", "people_mediation", "respondent", {}, "wrong_role"),
    ("settle", "assigned", "people_mediation", "mediator", {}, "wrong_state"),
    ("settle", "hearing", "enforcement_referral", "mediator", {}, "wrong_channel"),
    ("schedule_hearing", "accepted", "people_mediation", "mediator", {}, "wrong_channel"),
    ("schedule_hearing", "accepted", "arbitration", "mediator", {}, "wrong_state"),
    ("decide", "in_mediation", "arbitration", "mediator", {}, "wrong_state"),
    ("decide", "hearing", "administrative_adjudication", "liaison", {}, "wrong_role"),
    ("reject", "screening", "people_mediation", "mediator", {}, "reason_required"),
    ("reject", "screening", "people_mediation", "mediator", {"reason": "  \n"}, "reason_required"),
    ("request_info", "screening", None, "mediator", {"reason": ""}, "reason_required"),
    ("fail", "in_mediation", "litigation_mediation", "mediator", {}, "reason_required"),
    ("refer", "failed", "litigation_mediation", "mediator", {}, "reason_required"),
    ("suspend", "in_mediation", "people_mediation", "mediator", {}, "reason_required"),
    ("suspend", "accepted", "people_mediation", "mediator", {"reason": "r"}, "wrong_state"),
    ("suspend", "assigned", "arbitration", "mediator", {"reason": "r"}, "wrong_state"),
    ("suspend", "accepted", "enforcement_referral", "mediator", {"reason": "r"}, "wrong_channel"),
    ("resume", "suspended", "people_mediation", "mediator", {}, "bad_resume_target"),
    ("resume", "suspended", "people_mediation", "mediator", {"resumed_to": "hearing"}, "bad_resume_target"),
    ("resume", "suspended", "people_mediation", "mediator", {"resumed_to": "accepted"}, "bad_resume_target"),
    ("resume", "suspended", "arbitration", "mediator", {"resumed_to": "accepted"}, "bad_resume_target"),
    ("resume", "in_mediation", "people_mediation", "mediator", {"resumed_to": "in_mediation"}, "wrong_state"),
    ("resume", "suspended", "people_mediation", "respondent", {"resumed_to": "in_mediation"}, "wrong_role"),
    ("refer", "accepted", "people_mediation", "mediator", {"reason": "r"}, "wrong_state"),
    ("refer", "failed", "arbitration", "mediator", {"reason": "r"}, "wrong_channel"),
    ("refer", "in_mediation", "enforcement_referral", "mediator", {"reason": "r"}, "wrong_state"),
    ("withdraw", "closed", "people_mediation", "claimant", {}, "wrong_state"),
    ("withdraw", "settled", "people_mediation", "claimant", {}, "wrong_state"),
    ("withdraw", "in_mediation", "people_mediation", "respondent", {}, "wrong_role"),
    ("close", "in_mediation", "people_mediation", "mediator", {}, "wrong_state"),
    ("close", "closed", "people_mediation", "admin", {}, "wrong_state"),
    ("close", "rejected", None, "admin", {}, "wrong_state"),
    ("close", "settled", "people_mediation", "claimant", {}, "wrong_role"),
    ("fly", "screening", "people_mediation", "admin", {}, "unknown_action"),
])
def test_illegal_moves_are_refused(action, status, channel, role, extra, code):
    with pytest.raises(TransitionError) as caught:
        check(action, status=status, channel=channel, role=role, **extra)
    assert caught.value.code == code
    assert caught.value.message_zh.strip() and caught.value.message_en.strip()
    assert code in str(caught.value)


@pytest.mark.parametrize(("status", "channel", "role"), [
    ("lost", "people_mediation", "mediator"),
    ("screening", "court", "mediator"),
    ("screening", "people_mediation", "judge"),
])
def test_unknown_codes_are_programming_errors(status, channel, role):
    with pytest.raises(ValueError):
        check("accept", status=status, channel=channel, role=role)
    with pytest.raises(ValueError):
        allowed_actions(status, channel, role)


def test_messages_name_the_state_and_the_allowed_ones_in_both_languages():
    with pytest.raises(TransitionError) as caught:
        check("settle", status="assigned", channel="people_mediation", role="mediator")
    assert "已分派" in caught.value.message_zh and "调解中" in caught.value.message_zh
    assert "Assigned" in caught.value.message_en and "In mediation" in caught.value.message_en
    with pytest.raises(TransitionError) as caught:
        check("assign", status="accepted", channel="people_mediation", role="claimant")
    assert "机构管理员" in caught.value.message_zh and "系统" in caught.value.message_zh
    assert "System" in caught.value.message_en
    with pytest.raises(TransitionError) as caught:
        check("schedule_hearing", status="accepted", channel="people_mediation", role="mediator")
    assert "人民调解" in caught.value.message_zh and "People's mediation" in caught.value.message_en


# --- hand-written: whole journeys per channel -------------------------------------------------------

# (action, role, extra) steps from "submitted"; the walk ends in (status, closure)
JOURNEYS = {
    "people_mediation settles after a suspension": ("people_mediation", [
        ("screen", "system", {}), ("accept", "mediator", {}), ("assign", "system", {}),
        ("start_mediation", "respondent", {}), ("suspend", "mediator", {"reason": "鉴定"}),
        ("resume", "mediator", {"resumed_to": "in_mediation"}), ("settle", "mediator", {}),
        ("close", "mediator", {}),
    ], ("closed", "settled")),
    "industry_mediation asks for more information, then the respondent declines": ("industry_mediation", [
        ("screen", "mediator", {}), ("request_info", "mediator", {"reason": "缺少权属证明"}),
        ("answer_info", "claimant", {}), ("accept", "mediator", {}), ("claim", "mediator", {}),
        ("respondent_declines", "respondent", {}), ("close", "org_admin", {}),
    ], ("closed", "declined")),
    "litigation_mediation fails and goes back to the court": ("litigation_mediation", [
        ("screen", "system", {}), ("accept", "mediator", {}), ("claim", "mediator", {}),
        ("start_mediation", "mediator", {}), ("fail", "mediator", {"reason": "赔偿数额分歧"}),
        ("refer", "mediator", {"reason": "法院登记立案"}), ("close", "mediator", {}),
    ], ("closed", "referred")),
    "administrative_adjudication waits for an invalidation request": ("administrative_adjudication", [
        ("screen", "system", {}), ("accept", "mediator", {}), ("schedule_hearing", "mediator", {}),
        ("suspend", "mediator", {"reason": "无效宣告请求审查中"}),
        ("resume", "mediator", {"resumed_to": "hearing"}), ("decide", "mediator", {}),
        ("close", "mediator", {}),
    ], ("closed", "adjudicated")),
    "administrative_adjudication suspended right after acceptance": ("administrative_adjudication", [
        ("screen", "system", {}), ("accept", "mediator", {}), ("suspend", "mediator", {"reason": "无效"}),
        ("resume", "admin", {"resumed_to": "accepted"}), ("schedule_hearing", "mediator", {}),
        ("settle", "mediator", {}), ("close", "mediator", {}),
    ], ("closed", "settled")),
    "arbitration hears the case after mediation failed": ("arbitration", [
        ("screen", "system", {}), ("accept", "mediator", {}), ("assign", "org_admin", {}),
        ("start_mediation", "respondent", {}), ("fail", "mediator", {"reason": "分歧"}),
        ("schedule_hearing", "mediator", {}), ("decide", "mediator", {}), ("close", "mediator", {}),
    ], ("closed", "adjudicated")),
    "enforcement_referral is referred": ("enforcement_referral", [
        ("screen", "system", {}), ("accept", "mediator", {}), ("refer", "mediator", {"reason": "涉嫌犯罪"}),
        ("close", "mediator", {}),
    ], ("closed", "referred")),
    "a claimant withdraws before routing": (None, [
        ("screen", "system", {}), ("withdraw", "claimant", {}),
    ], ("withdrawn", "withdrawn")),
    "a case is rejected at screening": ("people_mediation", [
        ("screen", "system", {}), ("reject", "mediator", {"reason": "不属于知识产权纠纷"}),
    ], ("rejected", "rejected")),
}


@pytest.mark.parametrize("name", JOURNEYS)
def test_journeys(name):
    channel, steps, (final_status, final_closure) = JOURNEYS[name]
    status, closure = "submitted", None
    for action, role, extra in steps:
        assert action in allowed_actions(status, channel, role), (status, action)
        move = check(action, status=status, channel=channel, role=role, **extra)
        status, closure = move.to_state, move.closure or closure
    assert (status, closure) == (final_status, final_closure)
    assert allowed_actions(status, channel, "admin") == []
    assert move.ends_case


@pytest.mark.parametrize(("status", "channel", "role", "expected"), [
    ("in_mediation", "people_mediation", "mediator", ["suspend", "settle", "fail", "refer", "withdraw"]),
    ("in_mediation", "arbitration", "mediator", ["suspend", "settle", "fail", "withdraw"]),
    ("assigned", "people_mediation", "respondent", ["start_mediation", "respondent_declines"]),
    ("assigned", "arbitration", "respondent", ["start_mediation"]),
    ("more_info", "people_mediation", "claimant", ["answer_info", "withdraw"]),
    ("accepted", "people_mediation", "mediator", ["claim", "withdraw"]),
    ("accepted", "people_mediation", "system", ["assign"]),
    ("accepted", "enforcement_referral", "mediator", ["refer", "withdraw"]),
    ("accepted", "administrative_adjudication", "admin", ["suspend", "schedule_hearing", "withdraw"]),
    ("hearing", "administrative_adjudication", "mediator", ["suspend", "settle", "decide", "withdraw"]),
    ("suspended", "people_mediation", "mediator", ["resume", "withdraw"]),
    ("submitted", None, "system", ["screen"]),
    ("in_mediation", "people_mediation", "liaison", []),
    ("closed", "people_mediation", "admin", []),
])
def test_allowed_actions_for_the_case_page(status, channel, role, expected):
    assert allowed_actions(status, channel, role) == expected


@pytest.mark.parametrize(("channel", "targets"), [
    ("people_mediation", ["in_mediation"]),
    ("litigation_mediation", ["in_mediation"]),
    ("arbitration", ["in_mediation", "hearing"]),
    ("administrative_adjudication", ["accepted", "hearing"]),
    ("enforcement_referral", []),
    (None, []),
])
def test_resume_targets(channel, targets):
    assert resume_targets(channel) == targets
