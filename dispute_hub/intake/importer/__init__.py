"""Bulk import of historical cases from JSON Lines (docs/import-format.md)."""

from .lines import BadLine, ImportCase, Lookups, parse_line
from .runner import DEFAULT_BATCH_SIZE, ImportReport, load_lookups, run_import
from .writer import write_cases

__all__ = [
    "DEFAULT_BATCH_SIZE", "BadLine", "ImportCase", "ImportReport", "Lookups", "load_lookups", "parse_line",
    "run_import", "write_cases",
]
