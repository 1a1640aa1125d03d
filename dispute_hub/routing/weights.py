"""Keyword weights of the classifier: loading the data file and indexing it for matching."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .segment import phrase_key
from .taxonomy import Taxonomy, load_taxonomy, name_key
from .vocab import INDUSTRIES, IP_TYPES, NATURES, PATENT_KINDS, SIGNALS

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "classifier-weights.json"
# weighted groups: group -> allowed keys (None: any key, e.g. cause names)
WEIGHTED_GROUPS: dict[str, frozenset[str] | None] = {
    "subjects": frozenset(IP_TYPES),
    "natures": frozenset(NATURES) - {"other"},
    "patent_kinds": frozenset(PATENT_KINDS),
    "causes": None,
}
NON_IP = "non_ip"
THRESHOLD_NAMES = (
    "structured_type", "structured_number", "text_number", "min_ip", "special_cause_min", "item_min",
    "kind_min", "cause_phrase_min", "cause_phrase_factor",
)


class WeightsError(ValueError):
    """The weights document does not have the expected shape."""


# phrase -> every (group, key, weight) it counts for; group "non_ip" has key ""
PhraseIndex = Mapping[str, tuple[tuple[str, str, float], ...]]


@dataclass(frozen=True)
class Weights:
    """A compiled, read-only weights document."""

    version: str
    taxonomy_version: str
    thresholds: Mapping[str, float]
    index: PhraseIndex
    # phrase -> ("signal" | "industry", name) pairs; these are flags, not weights
    flags: Mapping[str, tuple[tuple[str, str], ...]]
    negators: frozenset[str]
    vocabulary: frozenset[str]
    source: Mapping

    @classmethod
    def from_dict(cls, doc: Mapping) -> Weights:
        """Check and compile a weights document (the JSON shape of ``classifier-weights.json``)."""
        _check(doc)
        index = _phrase_index(doc)
        flags: dict[str, list[tuple[str, str]]] = {}
        for kind, table in (("signal", doc["signals"]), ("industry", doc["industries"])):
            for name, phrases in table.items():
                for phrase in phrases:
                    flags.setdefault(phrase_key(phrase), []).append((kind, name))
        negators = frozenset(phrase_key(n) for n in doc.get("negators", ()))
        return cls(
            version=f"{doc['version']}.{doc.get('revision', 0)}",
            taxonomy_version=str(doc["taxonomy_version"]),
            thresholds=MappingProxyType({k: float(v) for k, v in doc["thresholds"].items()}),
            index=MappingProxyType({k: tuple(v) for k, v in index.items()}),
            flags=MappingProxyType({k: tuple(v) for k, v in flags.items()}),
            negators=negators,
            vocabulary=frozenset(k for k in index if not k.startswith("#")) | frozenset(flags) | negators,
            source=MappingProxyType(json.loads(json.dumps(doc))),
        )

    def to_dict(self) -> dict:
        """A fresh, mutable copy of the document these weights were compiled from."""
        return json.loads(json.dumps(dict(self.source)))


def _phrase_index(doc: Mapping) -> dict[str, list[tuple[str, str, float]]]:
    index: dict[str, list[tuple[str, str, float]]] = {}
    for group in WEIGHTED_GROUPS:
        for key, phrases in doc[group].items():
            for phrase, weight in phrases.items():
                index.setdefault(phrase_key(phrase), []).append((group, key, float(weight)))
    for phrase, weight in doc[NON_IP].items():
        index.setdefault(phrase_key(phrase), []).append((NON_IP, "", float(weight)))
    minimum = float(doc["thresholds"]["cause_phrase_min"])
    factor = float(doc["thresholds"]["cause_phrase_factor"])
    implied = _implied_subjects(doc, load_taxonomy(str(doc["taxonomy_version"])))
    for kind_phrases in doc["patent_kinds"].values():
        # a phrase naming a patent kind (发明专利权, utility model) names a patent too
        implied.update({phrase_key(p): ("patent", float(v)) for p, v in kind_phrases.items() if float(v) >= minimum})
    for phrase, (subject, weight) in implied.items():
        entries = index.setdefault(phrase, [])
        if not any(g == "subjects" and k == subject for g, k, _ in entries):
            entries.append(("subjects", subject, round(weight * factor, 2)))
    for scheme, hints in doc.get("number_hints", {}).items():
        for name, weight in hints.items():
            # a right number of this scheme counts as a phrase of these causes (see classifier)
            index.setdefault(f"#{scheme}", []).append(("causes", name, float(weight)))
    return index


def _check(doc: Mapping) -> None:
    missing = [k for k in ("version", "taxonomy_version", "thresholds", NON_IP, "signals", "industries")
               if k not in doc]
    missing += [g for g in WEIGHTED_GROUPS if g not in doc]
    if missing:
        raise WeightsError(f"weights document lacks: {', '.join(missing)}")
    absent = [t for t in THRESHOLD_NAMES if t not in doc["thresholds"]]
    if absent:
        raise WeightsError(f"weights thresholds lack: {', '.join(absent)}")
    for group, allowed in WEIGHTED_GROUPS.items():
        unknown = [k for k in doc[group] if allowed is not None and k not in allowed]
        if unknown:
            raise WeightsError(f"unknown {group} keys: {', '.join(unknown)}")
    bad_flags = [n for n in doc["signals"] if n not in SIGNALS] + [n for n in doc["industries"]
                                                                   if n not in INDUSTRIES]
    if bad_flags:
        raise WeightsError(f"unknown signal or industry names: {', '.join(bad_flags)}")


def _implied_subjects(doc: Mapping, tax: Taxonomy) -> dict[str, tuple[str, float]]:
    """Strong cause phrases that name one right: phrase -> (subject, weight).

    A phrase of weight >= cause_phrase_min whose strongest cause concerns a single right implies
    that right (软件许可 -> copyright, 专利代理 -> patent), so that the cause lists need not repeat
    themselves in the subject lists.
    """
    minimum = float(doc["thresholds"]["cause_phrase_min"])
    by_name = {name_key(n.name): n for n in tax.nodes}
    strongest: dict[str, tuple[float, set[str]]] = {}
    for name, phrases in doc["causes"].items():
        node = by_name.get(name_key(name))
        if node is None:
            continue
        subject = node.subject or ("ip_contract" if node.ip_type == "ip_contract" else node.ip_type)
        for phrase, weight in phrases.items():
            key, weight = phrase_key(phrase), float(weight)
            best, subjects = strongest.get(key, (0.0, set()))
            if weight > best:
                strongest[key] = (weight, {subject or "other_ip"})
            elif weight == best:
                subjects.add(subject or "other_ip")
    return {k: (next(iter(subs)), w) for k, (w, subs) in strongest.items() if w >= minimum and len(subs) == 1}


_lock = threading.Lock()
_default: Weights | None = None


def load_weights(path: Path | str | None = None) -> Weights:
    """Weights from ``path``, or the packaged default (read once and shared)."""
    global _default
    if path is not None:
        return Weights.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    with _lock:
        if _default is None:
            _default = Weights.from_dict(json.loads(WEIGHTS_PATH.read_text(encoding="utf-8")))
        return _default


def dump_weights(doc: Mapping) -> str:
    """The JSON text a retraining command writes back (one phrase a line, so diffs stay readable)."""
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
