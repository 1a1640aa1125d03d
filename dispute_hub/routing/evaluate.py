"""Measure the classifier against labelled cases: ``python -m dispute_hub.routing.evaluate FILE``."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .classifier import classify
from .weights import Weights

FIELDS = ("is_ip", "ip_type", "patent_kind", "cause_name")
DEFAULT_CASES = Path(__file__).resolve().parents[2] / "tests" / "data" / "classifier" / "cases.jsonl"


@dataclass
class Report:
    """Accuracy per field, with the cases each field is measured over and every miss."""

    counted: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)  # id, field, expected, got

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.counted[name] if self.counted[name] else 1.0

    def confusion(self, name: str) -> Counter:
        """(expected, got) -> count, for one field's misses."""
        return Counter((str(e), str(g)) for _, f, e, g in self.misses if f == name)


def load_cases(path: Path | str) -> list[dict]:
    """The labelled cases of a JSON-lines file (blank lines skipped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _measured(name: str, expected: dict) -> bool:
    # patent kind is measured over patent-related cases only, cause over IP cases only
    if name == "patent_kind":
        return expected.get("ip_type") == "patent" or expected.get("patent_kind") is not None
    if name == "cause_name":
        return bool(expected.get("is_ip"))
    return True


def evaluate(cases: Iterable[dict], *, weights: Weights | None = None, today: date | None = None) -> Report:
    """Classify every case and compare with its ``expected`` labels."""
    report = Report()
    for case in cases:
        got = classify(case["description"], case.get("structured"), weights=weights, today=today)
        expected = case["expected"]
        all_right = True
        for name in FIELDS:
            if not _measured(name, expected):
                continue
            report.counted[name] += 1
            value = getattr(got, name)
            if value == expected.get(name):
                report.correct[name] += 1
            else:
                all_right = False
                report.misses.append((case["id"], name, expected.get(name), value))
        report.counted["all"] += 1
        report.correct["all"] += all_right
    return report


def format_report(report: Report) -> str:
    lines = [f"cases: {report.counted['all']}"]
    for name in (*FIELDS, "all"):
        lines.append(f"{name:12} {report.accuracy(name):6.1%}  ({report.correct[name]}/{report.counted[name]})")
    if report.misses:
        lines.append("")
        lines.append("confusions (expected -> got: count):")
        for name in FIELDS:
            for (expected, got), count in report.confusion(name).most_common():
                lines.append(f"  {name}: {expected} -> {got}: {count}")
        lines.append("")
        lines.append("misses:")
        lines.extend(f"  {case_id} {name}: expected {e}, got {g}" for case_id, name, e, g in report.misses)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", default=str(DEFAULT_CASES), help="JSON-lines file of labelled cases")
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    print(format_report(evaluate(cases)))
    splits = sorted({c.get("split", "dev") for c in cases})
    if len(splits) > 1:
        # "holdout" cases were written after the weights were fixed: the fairer measure
        for split in splits:
            report = evaluate([c for c in cases if c.get("split", "dev") == split])
            figures = "  ".join(f"{name} {report.accuracy(name):.1%}" for name in (*FIELDS, "all"))
            print(f"split {split} ({report.counted['all']} cases): {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
