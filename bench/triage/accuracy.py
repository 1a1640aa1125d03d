"""Classifier accuracy on the labelled cases: ``python -m bench.triage.accuracy [cases.jsonl]``."""

from __future__ import annotations

import sys

from dispute_hub.routing.evaluate import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
