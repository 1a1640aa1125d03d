"""Throughput of the pure triage steps in one process: ``python -m bench.triage.pure [--repeat N]``.

Classifies the labelled cases (repeated), routes the resulting facts and assigns among 20 mediators,
printing operations per second for each step. The HTTP round trip is measured elsewhere.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from dispute_hub.routing.assignment import CaseForAssignment, MediatorCandidate, assign
from dispute_hub.routing.classifier import classify
from dispute_hub.routing.engine import route
from dispute_hub.routing.evaluate import DEFAULT_CASES, load_cases
from dispute_hub.routing.facts import facts_from_filing
from dispute_hub.routing.ruleset import load_rules


def timed(label: str, work: Sequence, step: Callable) -> list:
    """Run ``step`` over ``work``, print the rate and per-item percentiles, return the results."""
    results, laps = [], []
    started = time.perf_counter()
    for item in work:
        t = time.perf_counter()
        results.append(step(item))
        laps.append(time.perf_counter() - t)
    total = time.perf_counter() - started
    p50, p99 = statistics.quantiles(laps, n=100)[49] * 1e3, statistics.quantiles(laps, n=100)[98] * 1e3
    print(f"{label:<28} {len(work):>7} in {total:6.2f} s = {len(work) / total:>9,.0f}/s"
          f"   p50 {p50:.3f} ms  p99 {p99:.3f} ms")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="times the case file is repeated")
    parser.add_argument("--cases", default=str(DEFAULT_CASES))
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    rules = load_rules()
    now = datetime(2024, 6, 1, tzinfo=UTC)
    started = time.perf_counter()
    classify("预热：加载分词词典与权重")  # first call builds the tokenizer; reported apart
    print(f"first call (tokenizer + weights + taxonomy load): {time.perf_counter() - started:.2f} s")

    work = [c for _ in range(args.repeat) for c in cases]
    classified = timed("classifications", work, lambda c: classify(c["description"], c.get("structured")))
    facts = [facts_from_filing(c.get("structured") or {}, r) for c, r in zip(work, classified, strict=True)]
    timed("routing decisions", facts, lambda f: route(f, rules))
    mediators = [MediatorCandidate(id=i, open_cases=i % 7, capacity=20, specialties=("patent", "trademark")[: i % 3],
                                   declared_interests=(f"南通某{i}号家纺有限公司",)) for i in range(20)]
    cases_for = [CaseForAssignment(case_id=i, ip_type=f.ip_type, party_names=("南通金太阳家纺有限公司", "某贸易公司"))
                 for i, f in enumerate(facts)]
    timed("assignments (20 mediators)", cases_for, lambda c: assign(c, mediators, now))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
