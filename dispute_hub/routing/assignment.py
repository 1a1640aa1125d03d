"""Assign a routed case to a mediator of the organisation: eligibility, then load, then idle time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from rapidfuzz import fuzz

# The intake package's pure name normaliser (legal forms, brackets, width, spaces and leading regions
# stripped): conflict checks and duplicate detection agree on what a name is.
from ..intake.normalize import normalize_party_name
from .vocab import IP_TYPES, en, zh

# Similarity (0–100, rapidfuzz WRatio of the normalised names, as intake.normalize.name_similarity
# scores them) at or above which a party and a mediator's interest count as the same name
CONFLICT_THRESHOLD = 85
UNASSIGNED_QUEUE = "unassigned"


@dataclass(frozen=True, slots=True)
class MediatorCandidate:
    """A mediator of the organisation as assignment sees them (built from the profile by the caller)."""

    id: int
    name: str = ""
    active: bool = True
    on_leave: bool = False
    leave_until: date | None = None
    # IP types handled; empty means any
    specialties: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("zh",)
    capacity: int = 20
    open_cases: int = 0
    declared_interests: tuple[str, ...] = ()
    past_representation: tuple[str, ...] = ()
    last_assigned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseForAssignment:
    case_id: int | str | None
    ip_type: str | None
    language: str = "zh"
    party_names: tuple[str, ...] = ()
    # the right an IP contract concerns: a patent specialist may take a patent licence dispute
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateReport:
    mediator_id: int
    eligible: bool
    load: float | None
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"mediator_id": self.mediator_id, "eligible": self.eligible, "load": self.load,
                "reasons_zh": list(self.reasons_zh), "reasons_en": list(self.reasons_en)}


@dataclass(frozen=True, slots=True)
class Assignment:
    """The chosen mediator, or none and the unassigned queue; with every candidate's reasons."""

    mediator_id: int | None
    queue: str | None
    reason_zh: str
    reason_en: str
    candidates: tuple[CandidateReport, ...]

    def to_dict(self) -> dict:
        return {"mediator_id": self.mediator_id, "queue": self.queue, "reason_zh": self.reason_zh,
                "reason_en": self.reason_en, "candidates": [c.to_dict() for c in self.candidates]}


def assign(case: CaseForAssignment, mediators: list[MediatorCandidate], now: datetime) -> Assignment:
    """Pick the eligible mediator with the least open load relative to capacity.

    Ties go to the one idle longest (never assigned first), then to the lowest id. Nobody eligible
    leaves the case in the organisation's unassigned queue, never dropped.
    """
    # names are normalised once per call: normalising is the costly part of a comparison
    parties = [(n, key) for n in case.party_names if (key := normalize_party_name(n))]
    reports = {m.id: _eligibility(case, m, parties, now.date()) for m in mediators}
    eligible = sorted((m for m in mediators if reports[m.id].eligible), key=_rank)
    if not eligible:
        return Assignment(None, UNASSIGNED_QUEUE, "无可分派的调解员，进入机构待分派队列",
                          "no eligible mediator: unassigned queue", tuple(reports.values()))
    best = eligible[0]
    why_zh, why_en = _why_chosen(best, eligible[1] if len(eligible) > 1 else None)
    chosen = reports[best.id]
    reports[best.id] = CandidateReport(best.id, True, chosen.load, (*chosen.reasons_zh, why_zh),
                                       (*chosen.reasons_en, why_en))
    return Assignment(best.id, None, why_zh, why_en, tuple(reports.values()))


def _rank(m: MediatorCandidate) -> tuple:
    last = m.last_assigned_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return (m.open_cases / m.capacity, last is not None, last or datetime.min.replace(tzinfo=UTC), m.id)


def _eligibility(
    case: CaseForAssignment, m: MediatorCandidate, parties: list[tuple[str, str]], today: date,
) -> CandidateReport:
    bars: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    if not m.active:
        bars.append(("账号已停用", "inactive"))
    if m.on_leave and (m.leave_until is None or m.leave_until >= today):
        until = f"至{m.leave_until.isoformat()}" if m.leave_until else ""
        bars.append((f"休假中{until}", f"on leave{' until ' + m.leave_until.isoformat() if m.leave_until else ''}"))
    elif m.on_leave:
        notes.append((f"休假已于{m.leave_until}结束", f"leave ended {m.leave_until}"))
    bars += _specialty_bars(case, m) + _capacity_bars(m)
    if case.language not in (m.languages or ("zh",)):
        bars.append((f"不使用案件语言（{case.language}）", f"does not work in the case language ({case.language})"))
    bars += _conflicts(m, parties)
    load = round(m.open_cases / m.capacity, 3) if m.capacity > 0 else None
    if not bars:
        notes.append((f"可分派，在办{m.open_cases}/{m.capacity}", f"eligible, open load {m.open_cases}/{m.capacity}"))
    lines = bars or notes
    return CandidateReport(m.id, not bars, load, tuple(z for z, _ in lines), tuple(e for _, e in lines))


def _specialty_bars(case: CaseForAssignment, m: MediatorCandidate) -> list[tuple[str, str]]:
    if not m.specialties or case.ip_type in m.specialties or (case.subject and case.subject in m.specialties):
        return []
    return [(f"专长不含{zh(IP_TYPES, case.ip_type)}", f"specialties do not include {en(IP_TYPES, case.ip_type)}")]


def _capacity_bars(m: MediatorCandidate) -> list[tuple[str, str]]:
    if m.capacity <= 0:
        return [("可承办案件数为0", "capacity 0")]
    if m.open_cases >= m.capacity:
        return [(f"已满负荷（{m.open_cases}/{m.capacity}）", f"at capacity ({m.open_cases}/{m.capacity})")]
    return []


def _conflicts(m: MediatorCandidate, parties: list[tuple[str, str]]) -> list[tuple[str, str]]:
    bars = []
    declared = [("利益关联", "declared interest", n) for n in m.declared_interests]
    declared += [("曾代理", "past representation", n) for n in m.past_representation]
    for label_zh, label_en, other in declared:
        other_key = normalize_party_name(other)
        for party, key in parties:
            score = fuzz.WRatio(key, other_key) if other_key else 0.0
            if score >= CONFLICT_THRESHOLD:
                bars.append((f"利益冲突：当事人“{party}”与{label_zh}“{other}”相近（{score:.0f}）",
                             f"conflict of interest: party {party!r} matches {label_en} {other!r} ({score:.0f})"))
    return bars


def _why_chosen(best: MediatorCandidate, runner_up: MediatorCandidate | None) -> tuple[str, str]:
    load = f"{best.open_cases}/{best.capacity}"
    if runner_up is None or _rank(runner_up)[0] > _rank(best)[0]:
        return f"选中：相对负荷最低（{load}）", f"chosen: lowest load relative to capacity ({load})"
    if _rank(runner_up)[1:3] != _rank(best)[1:3]:
        return (f"选中：负荷相同（{load}），最久未分派", f"chosen: equal load ({load}), idle longest")
    return f"选中：负荷与空闲时间相同，按编号（{best.id}）", f"chosen: equal load and idle time, lowest id ({best.id})"
