"""The deadline rule table: the period each channel's steps have, read from rules.toml and validated."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..transitions import CHANNELS

RULES_FILE = Path(__file__).with_name("rules.toml")
UNITS = ("calendar_days", "working_days", "months")
STARTS = ("file_signed_for", "application_received", "case_accepted", "agreement_effective")

_REQUIRED: dict[str, type] = {
    "channels": list, "step": str, "starts": str, "length": int, "unit": str, "extendable": bool,
    "holiday_rollover": bool, "basis_zh": str, "basis_en": str,
}
_OPTIONAL: dict[str, type] = {"max_extension": int}


class RuleTableError(ValueError):
    """The rule file is malformed; the message names the rule and the field."""


@dataclass(frozen=True)
class DeadlineRule:
    """How long one step of one channel may take, counted from the ``starts`` event."""

    channel: str
    step: str
    starts: str
    length: int
    unit: str
    extendable: bool
    holiday_rollover: bool
    basis_zh: str
    basis_en: str
    # in ``unit``; None with ``extendable`` means no fixed cap (e.g. while both parties agree)
    max_extension: int | None = None

    @property
    def id(self) -> str:
        return f"{self.channel}.{self.step}"


def _field_errors(entry: dict[str, Any]) -> list[str]:
    errors = [f"unknown field {key!r}" for key in entry if key not in _REQUIRED and key not in _OPTIONAL]
    for key, kind in (_REQUIRED | _OPTIONAL).items():
        if key not in entry:
            if key in _REQUIRED:
                errors.append(f"missing {key!r}")
        elif not isinstance(entry[key], kind) or (kind is int and isinstance(entry[key], bool)):
            errors.append(f"{key!r} must be {kind.__name__}")
    return errors


def _value_errors(entry: dict[str, Any]) -> list[str]:
    errors = [f"unknown channel {c!r}" for c in entry["channels"] if c not in CHANNELS]
    if not entry["channels"]:
        errors.append("no channels")
    if entry["unit"] not in UNITS:
        errors.append(f"unit must be one of {UNITS}")
    if entry["starts"] not in STARTS:
        errors.append(f"starts must be one of {STARTS}")
    if entry["length"] <= 0:
        errors.append("length must be positive")
    if "max_extension" in entry and (not entry["extendable"] or entry["max_extension"] <= 0):
        errors.append("max_extension needs extendable = true and a positive value")
    if entry["unit"] == "working_days" and entry["holiday_rollover"]:
        errors.append("a working-day period always ends on a working day: holiday_rollover must be false")
    if not entry["basis_zh"].strip() or not entry["basis_en"].strip():
        errors.append("basis_zh and basis_en must not be empty")
    return errors


def _build(entry: dict[str, Any], number: int) -> list[DeadlineRule]:
    errors = _field_errors(entry)
    if not errors:
        errors = _value_errors(entry)
    if errors:
        raise RuleTableError(f"rule #{number} ({entry.get('step', '?')}): " + "; ".join(errors))
    fields = {key: value for key, value in entry.items() if key != "channels"}
    return [DeadlineRule(channel=channel, **fields) for channel in entry["channels"]]


def parse_rules(text: str) -> tuple[str, tuple[DeadlineRule, ...]]:
    """Parse and validate a rule file's text.

    :returns: the table's version and its rules, one per channel and step
    :raises RuleTableError: naming the rule and what is wrong with it
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleTableError(f"rule file is not valid TOML: {exc}") from exc
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RuleTableError("the rule file needs a version string")
    rules: list[DeadlineRule] = []
    for number, entry in enumerate(data.get("rule", []), start=1):
        rules.extend(_build(entry, number))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleTableError(f"rule {rule.id} is defined twice")
        seen.add(rule.id)
    return version, tuple(rules)


RULES_VERSION, RULES = parse_rules(RULES_FILE.read_text(encoding="utf-8"))


def rule_for(channel: str, step: str) -> DeadlineRule:
    """The rule for ``step`` of ``channel``; KeyError naming both when there is none."""
    for rule in RULES:
        if rule.channel == channel and rule.step == step:
            return rule
    raise KeyError(f"no deadline rule for step {step!r} of channel {channel!r}")


def rules_for(channel: str) -> list[DeadlineRule]:
    """Every rule of ``channel``, in file order."""
    return [rule for rule in RULES if rule.channel == channel]
