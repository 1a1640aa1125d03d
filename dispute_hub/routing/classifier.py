"""Classify a dispute (description plus structured filing facts): IP or not, IP type, cause, signals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .causes import CauseChoice, cue_score, regular_cause, special_cause
from .classification import Classification, Evidence
from .numbers import RightNumber, find_right_numbers, parse_right_number
from .segment import segment
from .signals import detect_industry, detect_signals
from .taxonomy import CauseNode, Taxonomy, load_taxonomy, name_key
from .vocab import IP_TYPES, PATENT_KINDS
from .weights import NON_IP, Weights, load_weights

NATURE_ORDER = ("infringement", "contract", "ownership")  # ties go to the earlier
_TARGET_PREFIX = {"subjects": "ip_type", "natures": "nature", "patent_kinds": "patent_kind", "causes": "cause"}


@dataclass(slots=True)
class Hit:
    """A phrase of the weights found in a text."""

    group: str
    key: str
    phrase: str
    weight: float
    source: str
    negated: bool = False

    def evidence(self) -> Evidence:
        target = _TARGET_PREFIX.get(self.group, self.group) + (f":{self.key}" if self.key else "")
        return Evidence(source=self.source, target=target, phrase=self.phrase, weight=self.weight,
                        negated=self.negated)


@dataclass
class Tally:
    """Everything found in one filing, before any decision."""

    hits: list[Hit] = field(default_factory=list)
    flags: list[tuple[str, str, Evidence]] = field(default_factory=list)
    structured: list[tuple[str, float, Evidence]] = field(default_factory=list)  # (ip type, weight, why)
    fixed_kind: tuple[str, Evidence] | None = None

    def scores(self, group: str) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for hit in self.hits:
            if hit.group == group and not hit.negated:
                totals[hit.key] += hit.weight
        if group == "subjects":
            for ip_type, weight, _ in self.structured:
                totals[ip_type] += weight
        return totals


def classify(
    description: str, structured: Mapping | None = None, *, today: date | None = None,
    weights: Weights | None = None,
) -> Classification:
    """Classify one dispute.

    :param description: the claimant's account in Chinese (or English); may be empty
    :param structured: the filing dict (``ip_right``, ``claimant``, ``respondents``, ``discovered_on``,
        ``industry``...); its facts outrank the text
    :param today: the date the 3-year time bar is counted back from (default: today)
    :param weights: other weights than the packaged ones (evaluation, retraining)
    """
    w = weights or load_weights()
    facts = structured or {}
    tally = scan(w, description, facts)
    signals, signal_evidence = detect_signals(tally.flags, facts, today or date.today())
    industry, industry_evidence = detect_industry(tally.flags, facts)
    result = decide(tally, w, load_taxonomy(w.taxonomy_version))
    evidence = tuple(result.pop("evidence")) + signal_evidence + industry_evidence
    return Classification(**result, industry=industry, signals=signals, evidence=evidence,
                          weights_version=w.version)


def scan(w: Weights, description: str, facts: Mapping) -> Tally:
    """Find the weights' phrases, flags and right numbers in the texts and fields of a filing."""
    tally = Tally()
    right = facts.get("ip_right") or {}
    texts = (("text", description or str(facts.get("description") or "")), ("ip_right.title", right.get("title")))
    for source, text in texts:
        if text:
            _scan_text(tally, w, str(text), source)
    _scan_right(tally, w, right)
    return tally


def _scan_text(tally: Tally, w: Weights, text: str, source: str) -> None:
    seg = segment(text, w.vocabulary, w.negators)
    for gram in seg.grams:
        for group, key, weight in w.index.get(gram, ()):
            tally.hits.append(Hit(group, key, gram, weight, source, seg.negated(gram)))
        if not seg.negated(gram):
            for kind, name in w.flags.get(gram, ()):
                tally.flags.append((kind, name, Evidence(source=source, target=f"{kind}:{name}", phrase=gram)))
    for number in find_right_numbers(text):
        _add_number(tally, w, number, source, w.thresholds["text_number"], fixes_kind=tally.fixed_kind is None)


def _scan_right(tally: Tally, w: Weights, right: Mapping) -> None:
    declared = right.get("type")
    if declared in IP_TYPES:
        weight = w.thresholds["structured_type"]
        tally.structured.append((declared, weight, Evidence(
            source="ip_right.type", target=f"ip_type:{declared}", value=declared, weight=weight,
            reason="declared by the claimant")))
    kind = right.get("patent_kind")
    if kind in PATENT_KINDS:
        why = Evidence(source="ip_right.patent_kind", target=f"patent_kind:{kind}", value=kind,
                       reason="declared by the claimant")
        tally.fixed_kind = (kind, why)
    number = parse_right_number(str(right.get("number") or ""))
    if number is not None:
        # the number outranks a declared kind and anything the text says
        _add_number(tally, w, number, "ip_right.number", w.thresholds["structured_number"], fixes_kind=True)


def _add_number(tally: Tally, w: Weights, number: RightNumber, source: str, weight: float, *,
                fixes_kind: bool) -> None:
    why = Evidence(source=source, target=f"ip_type:{number.ip_type}", value=number.value, weight=weight,
                   reason=number.reason_en)
    tally.structured.append((number.ip_type, weight, why))
    if number.patent_kind and fixes_kind:
        tally.fixed_kind = (number.patent_kind, why)
    # some numbering schemes point at causes (a software registration number at the software causes)
    for group, key, hint in w.index.get(f"#{number.scheme}", ()):
        tally.hits.append(Hit(group, key, number.value, hint, source))


def decide(tally: Tally, w: Weights, tax: Taxonomy) -> dict:
    """Turn a tally into the fields of a Classification (plus its decisive evidence)."""
    t = w.thresholds
    subjects = tally.scores("subjects")
    non_ip = sum(tally.scores(NON_IP).values())
    causes = {name_key(k): v for k, v in tally.scores("causes").items()}
    rights = {k: v for k, v in subjects.items() if k != "ip_contract" and v > 0}
    best_right = max(rights, key=lambda k: rights[k], default=None)
    right_score = rights.get(best_right, 0.0) if best_right else 0.0
    contract_pull = subjects.get("ip_contract", 0.0)
    special = special_cause(tax, causes, subjects, minimum=t["special_cause_min"], min_subject=t["min_ip"])
    special_score = _special_score(tax, causes, special)
    strength = max(right_score, contract_pull, special_score)
    if strength < t["min_ip"] or strength <= non_ip:
        return _not_ip(tally, non_ip, strength, tax)
    subject = best_right if right_score >= t["min_ip"] else None
    if special is not None:
        decided = _decide_special(special, subject, tally, t)
        choice = CauseChoice(special, (Evidence(source="taxonomy", target=f"cause:{special.name}",
                                                reason=f"own phrases score {special_score:g}"),))
    else:
        decided = _decide_regular(tally, tax, subject, best_right, contract_pull > right_score, t)
        choice = regular_cause(tax, causes, minimum=t["item_min"], **decided)
    return _ip_result(tally, tax, decided, choice, _confidence(subjects, strength, non_ip))


def _special_score(tax: Taxonomy, causes: Mapping[str, float], node: CauseNode | None) -> float:
    if node is None:
        return 0.0
    parent = tax.parent(node)
    return cue_score(causes, node) + (cue_score(causes, parent) if node.level == "item" and parent else 0.0)


def _decide_special(node: CauseNode, subject: str | None, tally: Tally, t: Mapping[str, float]) -> dict:
    subject = node.subject or subject
    kind = node.patent_kind or (_patent_kind(tally, t) if subject == "patent" else None)
    return {"ip_type": node.ip_type or "other_ip", "subject": subject, "nature": "other", "patent_kind": kind}


def _decide_regular(
    tally: Tally, tax: Taxonomy, subject: str | None, best_right: str | None, contract_led: bool,
    t: Mapping[str, float],
) -> dict:
    natures = tally.scores("natures")
    nature = "contract" if contract_led else max(NATURE_ORDER, key=lambda n: (natures.get(n, 0.0),
                                                                             -NATURE_ORDER.index(n)))
    if contract_led:
        ip_type = "ip_contract"
    elif nature == "contract" and any(c.subject == best_right and c.ip_type == "ip_contract"
                                      for c in tax.level("cause")):
        ip_type, subject = "ip_contract", best_right
    else:
        ip_type, subject = best_right or "other_ip", best_right
    return {"ip_type": ip_type, "subject": subject, "nature": nature,
            "patent_kind": _patent_kind(tally, t) if subject == "patent" else None}


def _patent_kind(tally: Tally, t: Mapping[str, float]) -> str | None:
    if tally.fixed_kind is not None:
        return tally.fixed_kind[0]
    kinds = tally.scores("patent_kinds")
    best = max(kinds, key=lambda k: kinds[k], default=None)
    return best if best and kinds[best] >= t["kind_min"] else None


def _confidence(subjects: Mapping[str, float], strength: float, non_ip: float) -> float:
    ranked = sorted(subjects.values(), reverse=True) + [0.0, 0.0]
    is_ip = strength / (strength + non_ip + 1.0)
    margin = ranked[0] / (ranked[0] + ranked[1] + 1.0) if ranked[0] > 0 else 0.5
    return round(min(1.0, is_ip * (0.5 + 0.5 * margin)), 2)


def _not_ip(tally: Tally, non_ip: float, strength: float, tax: Taxonomy) -> dict:
    confidence = 0.3 if non_ip == 0 else round(non_ip / (non_ip + strength + 1.0), 2)
    evidence = [h.evidence() for h in tally.hits
                if (h.group == NON_IP and not h.negated) or (h.group == "subjects" and h.negated)]
    evidence.sort(key=lambda e: (e.negated, -(e.weight or 0)))
    return {"is_ip": False, "confidence": confidence, "taxonomy_version": tax.version, "evidence": evidence}


def _ip_result(tally: Tally, tax: Taxonomy, decided: dict, choice: CauseChoice, confidence: float) -> dict:
    node = choice.node
    kind = decided["patent_kind"] or (node.patent_kind if node else None)
    result = {
        "is_ip": True, **decided, "patent_kind": kind, "cause_code": node.code if node else None,
        "cause_name": node.name if node else None, "cause_level": node.level if node else None,
        "taxonomy_version": tax.version, "confidence": confidence,
    }
    result["evidence"] = _evidence(tally, tax, result, choice)
    return result


def _evidence(tally: Tally, tax: Taxonomy, result: dict, choice: CauseChoice) -> list[Evidence]:
    wanted = {("subjects", result["subject"] or result["ip_type"]), ("natures", result["nature"])}
    if result["ip_type"] == "ip_contract":
        wanted.add(("subjects", "ip_contract"))
    if result["patent_kind"] and tally.fixed_kind is None:
        wanted.add(("patent_kinds", result["patent_kind"]))
    if choice.node is not None:
        wanted.update(("causes", name_key(n.name)) for n in tax.path(choice.node))
    text = [h.evidence() for h in tally.hits
            if (h.group, name_key(h.key) if h.group == "causes" else h.key) in wanted
            or (h.negated and h.group == "subjects")]
    text.sort(key=lambda e: (e.negated, -(e.weight or 0)))
    fields = [why for _, _, why in tally.structured]
    if tally.fixed_kind is not None and tally.fixed_kind[1] not in fields:
        fields.append(tally.fixed_kind[1])
    return fields + text + list(choice.evidence)
