"""Why a routing decision went where it did, in words for people (pure)."""

from __future__ import annotations

from .engine import Decision
from .ruleset import RuleSet


def chosen_reason(decision: Decision, rules: RuleSet) -> tuple[str, str]:
    """(zh, en) why the decision went where it did: the chosen rule's description and the conditions that held.

    With no rule chosen (a table without a catch-all), the engine's own notice explains the screening.
    """
    trace = next((t for t in decision.considered if t.chosen), None)
    if trace is None:
        notice = next((w for w in decision.warnings if w.code == "no_rule"), None)
        return (notice.zh, notice.en) if notice else ("转人工审查", "manual screening")
    rule = rules.by_id(trace.rule_id)
    if not rule.conditions:
        return rule.description_zh, rule.description_en
    return f"{rule.description_zh}（{trace.reason_zh}）", f"{rule.description_en} ({trace.reason_en})"


def decision_reasons(decision: Decision, rules: RuleSet) -> dict[str, list[str]]:
    """Parallel zh / en lists: the chosen rule's reason, then the preference's fate (when one was
    stated), then each warning."""
    zh, en = chosen_reason(decision, rules)
    reasons = {"zh": [zh], "en": [en]}
    notes: list[tuple[str, str]] = [(w.zh, w.en) for w in decision.warnings if w.code != "no_rule"]
    if decision.preference.status != "none":
        notes.insert(0, (decision.preference.zh, decision.preference.en))
    for note_zh, note_en in notes:
        reasons["zh"].append(note_zh)
        reasons["en"].append(note_en)
    return reasons
