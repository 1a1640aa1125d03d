"""Re-weight the classifier's phrases from mediators' corrections (a pure, explainable perceptron step)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .classification import Classification
from .classifier import classify, scan
from .segment import phrase_key
from .taxonomy import Taxonomy, load_taxonomy
from .weights import NON_IP, Weights

# How far one correction moves a phrase's weight, and the bounds weights stay within
DEFAULT_RATE = 0.5
MAX_WEIGHT = 10.0

Label = tuple[str, str]  # (group, key) of the weights, e.g. ("subjects", "patent") or ("non_ip", "")


class Correction(NamedTuple):
    """A mediator's correction: the filing's text and facts, and the right IP type (None: not IP) and cause."""

    text: str
    structured: Mapping | None
    ip_type: str | None
    cause_name: str | None


def reweight(weights: Mapping | Weights, corrections: Iterable[tuple], *, rate: float = DEFAULT_RATE) -> dict:
    """New weights after learning from ``corrections``; the given weights are left untouched.

    For each correction the current weights classify the filing again. Where the result differs from
    the correction (IP or not / right, nature, cause), every phrase found in the filing that speaks for
    the corrected label gains ``rate`` and every one that spoke for the wrong label loses it (never
    below 0, never above MAX_WEIGHT). Phrases are never invented, so each change stays explainable.
    """
    doc = weights.to_dict() if isinstance(weights, Weights) else json.loads(json.dumps(dict(weights)))
    tax = load_taxonomy(str(doc["taxonomy_version"]))
    learned = 0
    for item in corrections:
        fix = Correction(*item)
        compiled = Weights.from_dict(doc)
        got = classify(fix.text, fix.structured, weights=compiled)
        present = {(h.group, h.key, h.phrase) for h in scan(compiled, fix.text, fix.structured or {}).hits
                   if not h.negated}
        for wanted, predicted in zip(_wanted(tax, fix), _predicted(got), strict=True):
            if wanted != predicted:
                _shift(doc, present, wanted, rate)
                _shift(doc, present, predicted, -rate)
        learned += 1
    doc["revision"] = int(doc.get("revision", 0)) + 1
    doc["corrections_learned"] = int(doc.get("corrections_learned", 0)) + learned
    return doc


def _wanted(tax: Taxonomy, fix: Correction) -> tuple[Label | None, Label | None, Label | None]:
    if fix.ip_type is None:
        return (NON_IP, ""), None, None
    node = tax.find(fix.cause_name) if fix.cause_name else None
    subject = fix.ip_type
    if fix.ip_type == "ip_contract":
        subject = node.subject if node is not None and node.subject else "ip_contract"
    nature = node.nature if node is not None and node.nature in ("infringement", "contract", "ownership") else None
    return ("subjects", subject), ("natures", nature) if nature else None, ("causes", node.name) if node else None


def _predicted(got: Classification) -> tuple[Label | None, Label | None, Label | None]:
    if not got.is_ip:
        return (NON_IP, ""), None, None
    subject = got.subject if got.ip_type == "ip_contract" and got.subject else got.ip_type or "other_ip"
    nature = ("natures", got.nature) if got.nature in ("infringement", "contract", "ownership") else None
    return ("subjects", subject), nature, ("causes", got.cause_name) if got.cause_name else None


def _shift(doc: dict, present: set[tuple[str, str, str]], label: Label | None, delta: float) -> None:
    if label is None:
        return
    group, key = label
    table = doc[NON_IP] if group == NON_IP else doc[group].get(key, {})
    for phrase, weight in table.items():
        if (group, key, phrase_key(phrase)) in present:
            table[phrase] = round(min(MAX_WEIGHT, max(0.0, float(weight) + delta)), 2)
