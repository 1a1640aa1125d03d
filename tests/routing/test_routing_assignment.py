"""Assignment inside an organisation: eligibility, load relative to capacity, idle time, id."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dispute_hub.routing.assignment import (
    CONFLICT_THRESHOLD,
    UNASSIGNED_QUEUE,
    CaseForAssignment,
    MediatorCandidate,
    assign,
)

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
CASE = CaseForAssignment(case_id=7, ip_type="patent", language="zh",
                         party_names=("南通金太阳家纺有限公司", "海安华丰家具（集团）股份有限公司"))


def mediator(id: int, **changes) -> MediatorCandidate:
    return MediatorCandidate(id=id, name=f"m{id}", **changes)


def test_least_load_relative_to_capacity_wins():
    result = assign(CASE, [mediator(1, open_cases=5, capacity=10), mediator(2, open_cases=3, capacity=4),
                           mediator(3, open_cases=4, capacity=20)], NOW)
    assert result.mediator_id == 3 and result.queue is None
    assert "lowest load" in result.reason_en and "相对负荷最低" in result.reason_zh


@pytest.mark.parametrize(("candidate", "words"), [
    (mediator(1, active=False), "inactive"),
    (mediator(1, on_leave=True), "on leave"),
    (mediator(1, on_leave=True, leave_until=date(2024, 6, 1)), "on leave until 2024-06-01"),
    (mediator(1, specialties=("trademark", "copyright")), "specialties do not include patent"),
    (mediator(1, languages=("en",)), "case language (zh)"),
    (mediator(1, capacity=0), "capacity 0"),
    (mediator(1, open_cases=20, capacity=20), "at capacity (20/20)"),
    (mediator(1, declared_interests=("金太阳家纺",)), "conflict of interest"),
    (mediator(1, past_representation=("华丰家具集团",)), "past representation"),
    (mediator(1, declared_interests=("南通金太阳家纺（集团）有限公司",)), "declared interest"),
])
def test_ineligible_mediators_are_skipped_with_the_reason(candidate, words):
    result = assign(CASE, [candidate, mediator(9, open_cases=19)], NOW)
    report = next(r for r in result.candidates if r.mediator_id == 1)
    assert not report.eligible and result.mediator_id == 9
    assert any(words in reason for reason in report.reasons_en), report.reasons_en
    assert report.reasons_zh


@pytest.mark.parametrize("candidate", [
    mediator(1, on_leave=True, leave_until=date(2024, 5, 31)),   # leave ended yesterday
    mediator(1, specialties=()),                                  # empty specialties: any IP type
    mediator(1, specialties=("patent",)),
    mediator(1, declared_interests=("南通银月亮家纺有限公司",)),   # same industry word, other trade name
    mediator(1, past_representation=("",)),
])
def test_eligible_mediators(candidate):
    assert assign(CASE, [candidate], NOW).mediator_id == 1


def test_a_contract_case_matches_a_specialist_of_the_right_it_concerns():
    case = CaseForAssignment(case_id=1, ip_type="ip_contract", subject="patent")
    assert assign(case, [mediator(1, specialties=("patent",))], NOW).mediator_id == 1


def test_nobody_eligible_goes_to_the_unassigned_queue_with_every_reason():
    result = assign(CASE, [mediator(1, active=False), mediator(2, capacity=0)], NOW)
    assert (result.mediator_id, result.queue) == (None, UNASSIGNED_QUEUE)
    assert "unassigned queue" in result.reason_en and "待分派队列" in result.reason_zh
    assert [r.mediator_id for r in result.candidates] == [1, 2]
    assert all(not r.eligible and r.reasons_en for r in result.candidates)
    assert assign(CASE, [], NOW).queue == UNASSIGNED_QUEUE


@pytest.mark.parametrize(("mediators", "chosen", "words"), [
    # equal load: the one never assigned, then the one idle longest
    ([mediator(1, open_cases=2, capacity=10, last_assigned_at=datetime(2024, 5, 1, tzinfo=UTC)),
      mediator(2, open_cases=2, capacity=10, last_assigned_at=None)], 2, "idle longest"),
    ([mediator(1, open_cases=1, capacity=5, last_assigned_at=datetime(2024, 5, 20, tzinfo=UTC)),
      mediator(2, open_cases=2, capacity=10, last_assigned_at=datetime(2024, 4, 1))], 2, "idle longest"),
    # equal load and idle time: lowest id
    ([mediator(5, open_cases=0), mediator(4, open_cases=0)], 4, "lowest id"),
    # a lower load beats a longer idle time
    ([mediator(1, open_cases=3, last_assigned_at=None),
      mediator(2, open_cases=1, last_assigned_at=datetime(2024, 5, 31, tzinfo=UTC))], 2, "lowest load"),
])
def test_ties_break_by_idle_time_then_id(mediators, chosen, words):
    result = assign(CASE, mediators, NOW)
    assert result.mediator_id == chosen and words in result.reason_en


def test_every_candidate_has_reasons_and_the_result_is_json_ready():
    result = assign(CASE, [mediator(1, open_cases=1), mediator(2, active=False), mediator(3, open_cases=4)], NOW)
    data = result.to_dict()
    assert [c["eligible"] for c in data["candidates"]] == [True, False, True]
    chosen = data["candidates"][0]
    assert chosen["reasons_en"][-1].startswith("chosen") and chosen["load"] == 0.05
    assert data["candidates"][2]["reasons_en"] == ["eligible, open load 4/20"]


def test_the_conflict_threshold_is_a_named_constant():
    assert 0 < CONFLICT_THRESHOLD <= 100
