"""Retrieval quality on a labelled set: MAP, P@5 and NDCG@10 of the embedded backend against char-bigram BM25.

The set (tests/data/search/quality.jsonl) holds short case summaries written for this check, six per case
cause (案由); for each case taken as the query, the other cases of the same cause are the relevant ones.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from search import SearchDocument, open_backend

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "search" / "quality.jsonl"
K1, B = 1.2, 0.75

Ranker = Callable[[str], list[str]]


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs within runs of letters and digits (NFKC-folded, lower-cased)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    runs, current = [], []
    for char in folded:
        if unicodedata.category(char)[0] in "LN":
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return [run[i:i + 2] for run in runs for i in range(len(run) - 1)]


class BigramBM25:
    """Okapi BM25 over character bigrams: the baseline needing no segmentation at all."""

    def __init__(self, cases: Sequence[dict]) -> None:
        self.ids = [case["id"] for case in cases]
        self.tf = [Counter(bigrams(case["text"])) for case in cases]
        self.lengths = [sum(tf.values()) for tf in self.tf]
        self.average = sum(self.lengths) / len(self.lengths)
        df = Counter(term for tf in self.tf for term in tf)
        n = len(cases)
        self.idf = {term: math.log(1 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}
        self.text = {case["id"]: case["text"] for case in cases}

    def rank(self, query_id: str) -> list[str]:
        terms = set(bigrams(self.text[query_id]))
        scores = []
        for doc_id, tf, length in zip(self.ids, self.tf, self.lengths, strict=True):
            if doc_id == query_id:
                continue
            norm = K1 * (1 - B + B * length / self.average)
            score = sum(self.idf[t] * tf[t] * (K1 + 1) / (tf[t] + norm) for t in terms if t in tf)
            if score > 0:
                scores.append((score, doc_id))
        scores.sort(key=lambda pair: (-pair[0], pair[1]))
        return [doc_id for _score, doc_id in scores]


def average_precision(ranked: Sequence[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for position, doc_id in enumerate(ranked, start=1):
        if doc_id in relevant:
            hits += 1
            total += hits / position
    return total / len(relevant) if relevant else 0.0


def precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return sum(1 for doc_id in ranked[:k] if doc_id in relevant) / k


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, doc_id in enumerate(ranked[:k]) if doc_id in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def evaluate(cases: Sequence[dict], rank: Ranker) -> dict[str, float]:
    """Mean of each measure over every case taken as the query."""
    by_cause: dict[str, set[str]] = {}
    for case in cases:
        by_cause.setdefault(case["cause"], set()).add(case["id"])
    sums = Counter()
    for case in cases:
        relevant = by_cause[case["cause"]] - {case["id"]}
        ranked = rank(case["id"])
        sums["MAP"] += average_precision(ranked, relevant)
        sums["P@5"] += precision_at(ranked, relevant, 5)
        sums["NDCG@10"] += ndcg_at(ranked, relevant, 10)
    return {name: value / len(cases) for name, value in sums.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help="labelled JSONL: id, cause, text")
    args = parser.parse_args()
    cases = load(args.data)
    limit = len(cases) - 1
    results = {}
    with tempfile.TemporaryDirectory(prefix="search-quality-") as scratch, open_backend(None, scratch) as backend:
        backend.bulk_index(SearchDocument(id=case["id"], text=case["text"]) for case in cases)
        text = {case["id"]: case["text"] for case in cases}
        results["embedded, similar(doc_id)"] = evaluate(
            cases, lambda q: [hit.id for hit in backend.similar(doc_id=q, limit=limit)])
        results["embedded, similar(text)"] = evaluate(
            cases, lambda q: [hit.id for hit in backend.similar(text[q], doc_id=q, limit=limit)])
    results["baseline: char-bigram BM25"] = evaluate(cases, BigramBM25(cases).rank)
    causes = len({case["cause"] for case in cases})
    print(f"{len(cases)} cases, {causes} causes; relevant = the other cases of the same cause")
    print(f"{'':30} {'MAP':>7} {'P@5':>7} {'NDCG@10':>8}")
    for name, scores in results.items():
        print(f"{name:30} {scores['MAP']:7.3f} {scores['P@5']:7.3f} {scores['NDCG@10']:8.3f}")


if __name__ == "__main__":
    main()
