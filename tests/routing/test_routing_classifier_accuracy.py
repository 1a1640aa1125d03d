"""Accuracy of the classifier on the labelled cases, held to floors measured when they were written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dispute_hub.routing.evaluate import evaluate, load_cases, main
from dispute_hub.routing.taxonomy import load_taxonomy
from dispute_hub.routing.vocab import IP_TYPES, PATENT_KINDS

CASES = load_cases(Path(__file__).resolve().parents[1] / "data" / "classifier" / "cases.jsonl")
# Measured (tests/data/classifier/cases.jsonl, weights 1.0): dev 100% on every field (the weights were
# tuned on it); holdout (written after the weights were fixed) is_ip 84.4%, ip_type 80.0%,
# patent_kind 100%, cause 68.6%. Floors sit a little below so that small re-weightings pass.
FLOORS = {
    "dev": {"is_ip": 0.97, "ip_type": 0.95, "patent_kind": 0.95, "cause_name": 0.93},
    "holdout": {"is_ip": 0.80, "ip_type": 0.75, "patent_kind": 0.85, "cause_name": 0.62},
}


def test_the_case_file_is_big_varied_and_consistent():
    tax = load_taxonomy("2020")
    assert len(CASES) >= 120
    assert len({c["id"] for c in CASES}) == len(CASES)
    types = Counter(c["expected"]["ip_type"] for c in CASES)
    assert set(IP_TYPES) <= set(types) and types[None] >= 20
    assert {c["expected"]["patent_kind"] for c in CASES} >= set(PATENT_KINDS)
    for case in CASES:
        expected = case["expected"]
        assert expected["is_ip"] == (expected["ip_type"] is not None)
        if expected["cause_name"]:
            assert tax.find(expected["cause_name"]) is not None, case["id"]
    assert len({c["expected"]["cause_name"] for c in CASES}) >= 75


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_accuracy_floors(split):
    report = evaluate([c for c in CASES if c.get("split", "dev") == split])
    for name, floor in FLOORS[split].items():
        assert report.accuracy(name) >= floor, (name, report.accuracy(name), report.misses)


def test_the_evaluation_command_prints_figures_and_confusions(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "cause_name" in out and "split holdout" in out and "confusions" in out
