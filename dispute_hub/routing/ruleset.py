"""Routing rules as data: load a rules file, validate every rule, and compile it for the engine."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .facts import DisputeFacts
from .predicates import PREDICATES, Check, arg_problem
from .taxonomy import load_taxonomy
from .vocab import CHANNELS, OUTCOMES

RULES_DIR = Path(__file__).resolve().parent / "rules"
DEFAULT_RULES = RULES_DIR / "rules-v1.yaml"
RULE_FIELDS = {"id", "description", "outcome", "channel", "organization", "conditions", "preference_may_override"}
REQUIRED_FIELDS = ("id", "description", "conditions", "preference_may_override")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, the rule id and the field."""


@dataclass(frozen=True, slots=True)
class Condition:
    """A named predicate with its arguments (``any_of`` holds compiled conditions)."""

    predicate: str
    args: Mapping[str, Any]

    def check(self, facts: DisputeFacts) -> Check:
        return PREDICATES[self.predicate].test(facts, self.args)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description_zh: str
    description_en: str
    outcome: str
    channel: str | None
    organization: str | None
    conditions: tuple[Condition, ...]
    preference_may_override: bool


@dataclass(frozen=True, slots=True)
class RuleSet:
    """An ordered, validated table of rules; the first rule whose conditions all hold wins."""

    version: str
    source: str
    rules: tuple[Rule, ...]

    def __iter__(self):
        return iter(self.rules)

    def by_id(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def organizations(self) -> frozenset[str]:
        return frozenset(r.organization for r in self.rules if r.organization)


def load_rules(path: Path | str = DEFAULT_RULES, *, known_organizations: Iterable[str] | None = None) -> RuleSet:
    """Read and validate a rules file.

    :param known_organizations: organisation codes that exist (e.g. from the database); when given,
        a rule naming another code is refused
    :raises RulesError: naming the file, rule and field, for a malformed file, unknown predicate,
        channel or outcome, bad argument, missing field or duplicate id
    """
    source = str(path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{source}: cannot read rules: {exc}") from exc
    return rules_from_dict(doc, source, known_organizations=known_organizations)


def rules_from_dict(doc: Any, source: str = "<rules>", *, known_organizations: Iterable[str] | None = None) -> RuleSet:
    """Validate and compile a rules document (the YAML shape, already parsed)."""
    if not isinstance(doc, Mapping):
        raise RulesError(f"{source}: the file must hold a mapping with 'version' and 'rules'")
    if not doc.get("version"):
        raise RulesError(f"{source}: field 'version' is missing")
    raw_rules = doc.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError(f"{source}: field 'rules' must be a non-empty list")
    orgs = frozenset(known_organizations) if known_organizations is not None else None
    seen: set[str] = set()
    rules = []
    for position, raw in enumerate(raw_rules, 1):
        rule = _compile_rule(raw, _Where(source, f"#{position}"), orgs)
        if rule.id in seen:
            raise RulesError(f"{source}: rule '{rule.id}' field 'id': duplicate id")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(version=str(doc["version"]), source=source, rules=tuple(rules))


@dataclass(frozen=True, slots=True)
class _Where:
    source: str
    rule: str

    def error(self, field: str, problem: str) -> RulesError:
        return RulesError(f"{self.source}: rule '{self.rule}' field '{field}': {problem}")


def _compile_rule(raw: Any, where: _Where, orgs: frozenset[str] | None) -> Rule:
    if not isinstance(raw, Mapping):
        raise where.error("-", "each rule must be a mapping")
    if isinstance(raw.get("id"), str) and raw["id"]:
        where = _Where(where.source, raw["id"])
    for name in REQUIRED_FIELDS:
        if name not in raw:
            raise where.error(name, "missing")
    unknown = sorted(set(raw) - RULE_FIELDS)
    if unknown:
        raise where.error(unknown[0], f"unknown field; allowed: {', '.join(sorted(RULE_FIELDS))}")
    if not isinstance(raw["id"], str) or not _SLUG.match(raw["id"]):
        raise where.error("id", "must be a slug of lower-case letters, digits and hyphens")
    zh_text, en_text = _description(raw["description"], where)
    outcome, channel, organization = _target(raw, where, orgs)
    if not isinstance(raw["preference_may_override"], bool):
        raise where.error("preference_may_override", "must be true or false")
    conditions = _conditions(raw["conditions"], "conditions", where)
    return Rule(id=raw["id"], description_zh=zh_text, description_en=en_text, outcome=outcome, channel=channel,
                organization=organization, conditions=conditions,
                preference_may_override=raw["preference_may_override"])


def _description(value: Any, where: _Where) -> tuple[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(value.get(k), str) and value[k].strip()
                                                 for k in ("zh", "en")):
        raise where.error("description", "must have non-empty 'zh' and 'en' texts")
    return value["zh"].strip(), value["en"].strip()


def _target(raw: Mapping, where: _Where, orgs: frozenset[str] | None) -> tuple[str, str | None, str | None]:
    outcome = raw.get("outcome", "route")
    if outcome not in OUTCOMES:
        raise where.error("outcome", f"unknown outcome {outcome!r}; known: {', '.join(OUTCOMES)}")
    channel, organization = raw.get("channel"), raw.get("organization")
    if outcome == "route":
        if channel is None:
            raise where.error("channel", "missing (a rule that routes names its channel)")
        if organization is None:
            raise where.error("organization", "missing (a rule that routes names its organisation)")
    elif channel is not None:
        raise where.error("channel", f"a rule with outcome {outcome!r} names no channel")
    if channel is not None and channel not in CHANNELS:
        raise where.error("channel", f"unknown channel {channel!r}; known: {', '.join(CHANNELS)}")
    if organization is not None:
        if not isinstance(organization, str) or not _SLUG.match(organization):
            raise where.error("organization", "must be an organisation code (lower-case slug)")
        if orgs is not None and organization not in orgs:
            raise where.error("organization", f"unknown organisation {organization!r}")
    return outcome, channel, organization


def _conditions(value: Any, field: str, where: _Where) -> tuple[Condition, ...]:
    if not isinstance(value, list):
        raise where.error(field, "must be a list (empty for a rule that always applies)")
    return tuple(_condition(item, f"{field}[{i}]", where) for i, item in enumerate(value))


def _condition(item: Any, field: str, where: _Where) -> Condition:
    if not isinstance(item, Mapping) or "predicate" not in item:
        raise where.error(field, "must be a mapping with 'predicate' (and 'args')")
    if set(item) - {"predicate", "args"}:
        raise where.error(field, f"unknown keys {sorted(set(item) - {'predicate', 'args'})}")
    name = item["predicate"]
    if name not in PREDICATES:
        raise where.error(f"{field}.predicate", f"unknown predicate {name!r}; known: {', '.join(PREDICATES)}")
    args = item.get("args") or {}
    if not isinstance(args, Mapping):
        raise where.error(f"{field}.args", "must be a mapping")
    spec = PREDICATES[name].args
    extra = sorted(set(args) - set(spec))
    if extra:
        raise where.error(f"{field}.args.{extra[0]}", f"predicate {name!r} takes no such argument")
    compiled: dict[str, Any] = {}
    for arg_name, arg in spec.items():
        path = f"{field}.args.{arg_name}"
        if arg_name not in args:
            if arg.required:
                raise where.error(path, f"missing (predicate {name!r} needs it)")
            continue
        compiled[arg_name] = _argument(arg.kind, args[arg_name], path, where)
    return Condition(predicate=name, args=MappingProxyType(compiled))


def _argument(kind: str, value: Any, path: str, where: _Where) -> Any:
    problem = arg_problem(kind, value)
    if problem:
        raise where.error(path, problem)
    if kind == "conditions":
        return _conditions(value, path, where)
    if kind == "cause_names":
        tax = load_taxonomy()
        missing = [v for v in value if tax.find(v) is None]
        if missing:
            raise where.error(path, f"not in the {tax.version} taxonomy: {', '.join(missing)}")
        return tuple(tax.find(v).name for v in value)  # type: ignore[union-attr]
    return tuple(value) if isinstance(value, list) else value
