"""The routing engine: a pure function from dispute facts and a rule table to an explained decision."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import DisputeFacts
from .predicates import Check
from .ruleset import Rule, RuleSet
from .vocab import CHANNELS, en, zh

# Below this classifier confidence the decision asks for the classification to be checked
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """One rule as the engine saw it: whether its conditions held (fired), whether it was chosen, why."""

    rule_id: str
    outcome: str
    channel: str | None
    organization: str | None
    fired: bool
    chosen: bool
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "outcome": self.outcome, "channel": self.channel,
                "organization": self.organization, "fired": self.fired, "chosen": self.chosen,
                "reason_zh": self.reason_zh, "reason_en": self.reason_en}


@dataclass(frozen=True, slots=True)
class Preference:
    """What became of the claimant's preferred channel: none, honoured, not_eligible or not_overridable."""

    requested: str | None
    status: str
    zh: str
    en: str

    def to_dict(self) -> dict:
        return {"requested": self.requested, "status": self.status, "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning that goes with the decision (time bar, low confidence...)."""

    code: str
    zh: str
    en: str

    def to_dict(self) -> dict:
        return {"code": self.code, "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a dispute goes, by which rule, and the full account of how that was decided."""

    outcome: str
    channel: str | None
    organization: str | None
    rule_id: str | None
    rules_version: str
    considered: tuple[RuleTrace, ...]
    preference: Preference
    warnings: tuple[Notice, ...] = ()

    def to_dict(self) -> dict:
        """A JSON-ready dict (stored with the case as ``Dispute.routing_decision``)."""
        return {
            "outcome": self.outcome, "channel": self.channel, "organization": self.organization,
            "rule_id": self.rule_id, "rules_version": self.rules_version,
            "considered": [t.to_dict() for t in self.considered], "preference": self.preference.to_dict(),
            "warnings": [w.to_dict() for w in self.warnings],
        }


def route(facts: DisputeFacts, rules: RuleSet) -> Decision:
    """Decide the channel and organisation of a dispute.

    Every rule is evaluated so that the decision can say why each did or did not fire. The first rule
    that fires is the default; the claimant's preference replaces it when the default allows that and a
    rule for the preferred channel fired too. No rule firing sends the filing to screening.
    """
    evaluated = [(rule, tuple(c.check(facts) for c in rule.conditions)) for rule in rules]
    fired = [rule for rule, checks in evaluated if all(c.ok for c in checks)]
    default = fired[0] if fired else None
    chosen, preference = _apply_preference(facts.claimant_preference, default, fired, evaluated)
    considered = tuple(_trace(rule, checks, rule is chosen) for rule, checks in evaluated)
    return Decision(
        outcome=chosen.outcome if chosen else "screening",
        channel=chosen.channel if chosen else None,
        organization=chosen.organization if chosen else None,
        rule_id=chosen.id if chosen else None,
        rules_version=rules.version, considered=considered, preference=preference,
        warnings=_warnings(facts, chosen),
    )


def _trace(rule: Rule, checks: tuple[Check, ...], chosen: bool) -> RuleTrace:
    fired = all(c.ok for c in checks)
    # a rule that fired is explained by all its conditions, one that did not by those that failed
    shown = checks if fired else tuple(c for c in checks if not c.ok)
    reason_zh = "；".join(c.zh for c in shown) or "无条件适用"
    reason_en = "; ".join(c.en for c in shown) or "applies unconditionally"
    return RuleTrace(rule_id=rule.id, outcome=rule.outcome, channel=rule.channel, organization=rule.organization,
                     fired=fired, chosen=chosen, reason_zh=reason_zh, reason_en=reason_en)


def _apply_preference(
    wanted: str | None, default: Rule | None, fired: list[Rule], evaluated: list[tuple[Rule, tuple[Check, ...]]],
) -> tuple[Rule | None, Preference]:
    if not wanted:
        return default, Preference(None, "none", "申请人未选择处理渠道", "no preferred channel stated")
    name_zh, name_en = zh(CHANNELS, wanted), en(CHANNELS, wanted)
    if wanted not in CHANNELS:
        return default, Preference(wanted, "not_eligible", f"“{wanted}”不是可选的处理渠道",
                                   f"{wanted!r} is not a channel")
    if default is not None and default.channel == wanted:
        return default, Preference(wanted, "honoured", f"按申请人选择：{name_zh}", f"as the claimant asked: {name_en}")
    if default is not None and not default.preference_may_override:
        return default, Preference(
            wanted, "not_overridable",
            f"申请人选择{name_zh}，但须按规则“{default.id}”处理：{default.description_zh}",
            f"the claimant asked for {name_en}, but rule {default.id!r} applies: {default.description_en}",
        )
    alternative = next((r for r in fired if r.channel == wanted), None)
    if alternative is not None:
        return alternative, Preference(wanted, "honoured", f"按申请人选择改为{name_zh}（规则“{alternative.id}”）",
                                       f"switched to {name_en} as the claimant asked (rule {alternative.id!r})")
    return default, _not_eligible(wanted, evaluated)


def _not_eligible(wanted: str, evaluated: list[tuple[Rule, tuple[Check, ...]]]) -> Preference:
    name_zh, name_en = zh(CHANNELS, wanted), en(CHANNELS, wanted)
    failed = [(rule, [c for c in checks if not c.ok]) for rule, checks in evaluated if rule.channel == wanted]
    if not failed:
        return Preference(wanted, "not_eligible", f"现行规则中没有分流至{name_zh}的规则",
                          f"no rule in force routes to {name_en}")
    why_zh = "；".join(f"{c.zh}" for _, checks in failed for c in checks)
    why_en = "; ".join(f"{c.en}" for _, checks in failed for c in checks)
    rule = failed[0][0]
    return Preference(
        wanted, "not_eligible", f"申请人选择{name_zh}，但条件不满足：{why_zh}。（{rule.description_zh}）",
        f"the claimant asked for {name_en}, but it does not apply: {why_en}. ({rule.description_en})",
    )


def _warnings(facts: DisputeFacts, chosen: Rule | None) -> tuple[Notice, ...]:
    notices = []
    if facts.has_signal("possibly_time_barred"):
        notices.append(Notice(
            "possibly_time_barred",
            "权利人知道或应当知道权利受损已逾三年，可能已过诉讼时效（民法典第一百八十八条），请提示当事人",
            "the claimant knew of the harm more than three years ago: the claim may be time-barred "
            "(Civil Code Art 188); tell the parties",
        ))
    if facts.classification is not None and facts.is_ip and facts.confidence < LOW_CONFIDENCE:
        notices.append(Notice(
            "low_confidence", f"分类置信度较低（{facts.confidence:.2f}），请核对知识产权类型与案由",
            f"low classification confidence ({facts.confidence:.2f}): check the IP type and cause",
        ))
    if facts.foreign_party:
        notices.append(Notice("foreign_party", "涉外案件：无住所当事人上诉期为三十日，文书送达另行安排",
                              "foreign party: 30-day appeal period for a party without domicile in China; "
                              "service of documents needs arranging"))
    if chosen is not None and chosen.channel == "administrative_adjudication":
        notices.append(Notice("invalidation_suspends", "被请求人请求宣告专利权无效的，行政裁决可中止",
                              "adjudication is suspended while an invalidation request is pending"))
    if chosen is None:
        notices.append(Notice("no_rule", "没有适用的规则，转人工审查", "no rule applies: manual screening"))
    return tuple(notices)
