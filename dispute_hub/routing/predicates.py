"""Named conditions that routing rules are made of; each says in zh and en why it holds or not."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .facts import DisputeFacts
from .vocab import CHANNELS, INDUSTRIES, IP_TYPES, NATURES, PATENT_KINDS, PROCEEDING_BODIES, SIGNALS, en, zh


@dataclass(frozen=True, slots=True)
class Check:
    """Whether a condition holds for some facts, and why, in Chinese and English."""

    ok: bool
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument a predicate takes: its kind (how it is validated) and whether it is required."""

    kind: str
    required: bool = True


Test = Callable[[DisputeFacts, Mapping[str, Any]], Check]


@dataclass(frozen=True, slots=True)
class Predicate:
    name: str
    args: Mapping[str, Arg]
    test: Test


# kind of argument -> the codes it may hold (None: any non-empty text)
_CODE_LISTS: dict[str, Mapping[str, tuple[str, str]] | None] = {
    "ip_types": IP_TYPES, "patent_kinds": PATENT_KINDS, "natures": NATURES, "industries": INDUSTRIES,
    "cause_names": None,
}
_SINGLE_CODES: dict[str, Mapping[str, tuple[str, str]]] = {"channel": CHANNELS, "signal": SIGNALS}


def arg_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` is no valid argument of ``kind``; None when it is (conditions are checked apart)."""
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind in _SINGLE_CODES:
        codes = _SINGLE_CODES[kind]
        return None if value in codes else f"unknown {kind} {value!r}; known: {', '.join(codes)}"
    if kind in _CODE_LISTS:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            return "must be a non-empty list of codes"
        codes = _CODE_LISTS[kind]
        unknown = [v for v in value if codes is not None and v not in codes]
        return f"unknown {kind} {', '.join(unknown)}" if unknown else None
    if kind == "conditions":
        return None if isinstance(value, list) and value else "must be a non-empty list of conditions"
    return f"unknown argument kind {kind}"


def _names(table: Mapping[str, tuple[str, str]], codes: Sequence[str]) -> tuple[str, str]:
    return "、".join(zh(table, c) for c in codes), ", ".join(en(table, c) for c in codes)


def _always(facts: DisputeFacts, args: Mapping) -> Check:
    return Check(True, "无条件", "unconditional")


def _accepted_elsewhere(facts: DisputeFacts, args: Mapping) -> Check:
    if facts.accepted_elsewhere:
        body = facts.accepted_by
        return Check(True, f"纠纷已被{zh(PROCEEDING_BODIES, body)}受理",
                     f"already accepted by {en(PROCEEDING_BODIES, body)}")
    return Check(False, "纠纷未被其他法院、仲裁机构或调解组织受理",
                 "not accepted by another court, arbitration body or mediator")


def _court_linked(facts: DisputeFacts, args: Mapping) -> Check:
    if facts.court_case_no:
        return Check(True, f"有法院案号 {facts.court_case_no}", f"court case number {facts.court_case_no}")
    if facts.court_referral:
        return Check(True, "由法院委派调解", "referred by a court")
    return Check(False, "无法院案号，也非法院委派", "no court case number and no court referral")


def _is_ip(facts: DisputeFacts, args: Mapping) -> Check:
    if facts.is_ip:
        return Check(True, "属于知识产权纠纷", "an IP dispute")
    return Check(False, "未识别为知识产权纠纷", "not recognised as an IP dispute")


def _not_ip(facts: DisputeFacts, args: Mapping) -> Check:
    inner = _is_ip(facts, args)
    return Check(not inner.ok, inner.zh, inner.en)


def _signal(facts: DisputeFacts, args: Mapping) -> Check:
    name = args["name"]
    if facts.has_signal(name):
        return Check(True, f"存在信号：{zh(SIGNALS, name)}", f"signal: {en(SIGNALS, name)}")
    return Check(False, f"无信号：{zh(SIGNALS, name)}", f"no signal: {en(SIGNALS, name)}")


def _arbitration_agreement(facts: DisputeFacts, args: Mapping) -> Check:
    if facts.arbitration_agreement:
        return Check(True, "有书面仲裁协议", "written arbitration agreement")
    return Check(False, "无书面仲裁协议（仲裁须有书面协议）",
                 "no written arbitration agreement (arbitration needs one)")


def _in_list(table: Mapping[str, tuple[str, str]], label: tuple[str, str], value: str | None,
             wanted: Sequence[str], unknown_ok: bool = False) -> Check:
    names_zh, names_en = _names(table, wanted)
    if value in wanted or (value is None and unknown_ok):
        return Check(True, f"{label[0]}为{zh(table, value)}，属于：{names_zh}",
                     f"{label[1]} is {en(table, value)}, one of: {names_en}")
    return Check(False, f"{label[0]}为{zh(table, value)}，不属于：{names_zh}",
                 f"{label[1]} is {en(table, value)}, not one of: {names_en}")


def _ip_type_in(facts: DisputeFacts, args: Mapping) -> Check:
    return _in_list(IP_TYPES, ("知识产权类型", "IP type"), facts.ip_type, args["types"])


def _nature_in(facts: DisputeFacts, args: Mapping) -> Check:
    return _in_list(NATURES, ("纠纷性质", "nature of the dispute"), facts.nature, args["natures"])


def _patent_kind_in(facts: DisputeFacts, args: Mapping) -> Check:
    return _in_list(PATENT_KINDS, ("专利类型", "patent kind"), facts.patent_kind, args["kinds"],
                    unknown_ok=args.get("include_unknown", False))


def _industry_in(facts: DisputeFacts, args: Mapping) -> Check:
    return _in_list(INDUSTRIES, ("行业", "industry"), facts.industry, args["industries"])


def _cause_in(facts: DisputeFacts, args: Mapping) -> Check:
    names = args["names"]
    shown = facts.cause_name or "未知"
    if facts.cause_name in names:
        return Check(True, f"案由为{shown}", f"cause is {shown}")
    return Check(False, f"案由为{shown}，不在所列案由之内", f"cause is {shown}, not one of the listed causes")


def _claimant_prefers(facts: DisputeFacts, args: Mapping) -> Check:
    channel = args["channel"]
    if facts.claimant_preference == channel:
        return Check(True, f"申请人选择{zh(CHANNELS, channel)}", f"the claimant asks for {en(CHANNELS, channel)}")
    return Check(False, f"申请人未选择{zh(CHANNELS, channel)}", f"the claimant did not ask for {en(CHANNELS, channel)}")


def _any_of(facts: DisputeFacts, args: Mapping) -> Check:
    checks = [condition.check(facts) for condition in args["conditions"]]
    held = [c for c in checks if c.ok]
    shown = held or checks
    joiner = ("；", "; ") if held else ("；且", "; and ")
    return Check(bool(held), joiner[0].join(c.zh for c in shown), joiner[1].join(c.en for c in shown))


PREDICATES: dict[str, Predicate] = {p.name: p for p in (
    Predicate("always", {}, _always),
    Predicate("accepted_elsewhere", {}, _accepted_elsewhere),
    Predicate("court_linked", {}, _court_linked),
    Predicate("is_ip", {}, _is_ip),
    Predicate("not_ip", {}, _not_ip),
    Predicate("signal", {"name": Arg("signal")}, _signal),
    Predicate("arbitration_agreement", {}, _arbitration_agreement),
    Predicate("ip_type_in", {"types": Arg("ip_types")}, _ip_type_in),
    Predicate("nature_in", {"natures": Arg("natures")}, _nature_in),
    Predicate("patent_kind_in", {"kinds": Arg("patent_kinds"), "include_unknown": Arg("bool", False)},
              _patent_kind_in),
    Predicate("industry_in", {"industries": Arg("industries")}, _industry_in),
    Predicate("cause_in", {"names": Arg("cause_names")}, _cause_in),
    Predicate("claimant_prefers", {"channel": Arg("channel")}, _claimant_prefers),
    Predicate("any_of", {"conditions": Arg("conditions")}, _any_of),
)}
