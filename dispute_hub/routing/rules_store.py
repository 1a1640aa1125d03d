"""The rule table in force: admin-edited versions in the database, else the file shipped in the repository.

Services here flush, never commit; the request (or task) boundary commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import yaml
from sqlalchemy import select, update

from ..extensions import db
from ..models import Organization, RuleTableVersion, User, utcnow
from .ruleset import DEFAULT_RULES, RulesError, RuleSet, load_rules, rules_from_dict

EDITED_SOURCE = "edited table"
VERSION_MAX = 64  # RuleTableVersion.version is a String(64)

# (active version id, its activated_at) or None for the repository file -> the compiled table
_cached: tuple[tuple[int, datetime | None] | None, RuleSet] | None = None


def rules_from_text(text: str, source: str = EDITED_SOURCE, *,
                    known_organizations: Iterable[str] | None = None) -> RuleSet:
    """Validate and compile a rules table given as YAML text (the shape of ``rules/rules-v1.yaml``).

    :param source: what error messages call the table
    :param known_organizations: organisation codes that exist; when given, any other code is refused
    :raises RulesError: naming the source, rule and field (the validation of ``ruleset.rules_from_dict``)
    """
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"{source}: cannot read rules: {exc}") from exc
    return rules_from_dict(doc, source, known_organizations=known_organizations)


def version_source(row: RuleTableVersion) -> str:
    """How errors name a stored version."""
    return f"rule table version {row.version} (#{row.id})"


def repository_rules() -> RuleSet:
    """The table shipped in the repository (used while no stored version is active)."""
    return load_rules(DEFAULT_RULES)


def known_organizations() -> frozenset[str]:
    """Codes of the organisations in the database, which an edited table may name."""
    return frozenset(db.session.execute(select(Organization.code)).scalars())


def active_version() -> RuleTableVersion | None:
    """The active stored version; should two ever be active, the one activated last wins."""
    return db.session.execute(
        select(RuleTableVersion).where(RuleTableVersion.active.is_(True))
        .order_by(RuleTableVersion.activated_at.desc(), RuleTableVersion.id.desc()).limit(1)
    ).scalar_one_or_none()


def active_ruleset() -> RuleSet:
    """The rule table in force, compiled once per process and per activation.

    One indexed query per call finds the active version's (id, activated_at); the table is recompiled
    only when that key changes, so an activation in any process is seen by every other one at its
    next call. Needs an application context.

    :raises RulesError: when the active stored version no longer validates (e.g. a predicate was removed
        from the code); filings then wait unrouted rather than being routed by a table nobody chose
    """
    global _cached
    row = db.session.execute(
        select(RuleTableVersion.id, RuleTableVersion.activated_at).where(RuleTableVersion.active.is_(True))
        .order_by(RuleTableVersion.activated_at.desc(), RuleTableVersion.id.desc()).limit(1)
    ).first()
    key = (row.id, row.activated_at) if row is not None else None
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    if row is None:
        rules = repository_rules()
    else:
        stored = db.session.get(RuleTableVersion, row.id)
        rules = rules_from_text(stored.source, version_source(stored))
    # one tuple assignment: a concurrent caller sees the old or the new pair, never a mix
    _cached = (key, rules)
    return rules


def clear_cache() -> None:
    """Forget the compiled table (tests; the key check already notices activations)."""
    global _cached
    _cached = None


def validate_table(text: str) -> RuleSet:
    """Validate an edited table against the organisations in the database.

    :raises RulesError: naming the rule and field at fault
    """
    return rules_from_text(text, EDITED_SOURCE, known_organizations=known_organizations())


def save_version(text: str, *, note: str | None, created_by: User | None) -> RuleTableVersion:
    """Store an edited table as a new, inactive version after validating it.

    The table's own ``version`` field names the stored version, since routing decisions record it:
    it must differ from every stored version and from the repository file's.

    :raises RulesError: for an invalid table or a version name already used
    """
    rules = validate_table(text)
    if len(rules.version) > VERSION_MAX:
        raise RulesError(f"{EDITED_SOURCE}: field 'version': at most {VERSION_MAX} characters")
    taken = db.session.execute(
        select(RuleTableVersion.id).where(RuleTableVersion.version == rules.version)
    ).first()
    if taken is not None or rules.version == repository_rules().version:
        raise RulesError(f"{EDITED_SOURCE}: field 'version': {rules.version!r} is already used; "
                         "give the edited table a new version")
    row = RuleTableVersion(version=rules.version, source=text, note=(note or "").strip() or None,
                           active=False, created_by=created_by, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def _deactivate_all(except_id: int | None = None) -> None:
    # lock the (small) table's rows so that two concurrent activations serialise and leave one active
    db.session.execute(select(RuleTableVersion.id).with_for_update()).all()
    stmt = update(RuleTableVersion).where(RuleTableVersion.active.is_(True))
    if except_id is not None:
        stmt = stmt.where(RuleTableVersion.id != except_id)
    db.session.execute(stmt.values(active=False))


def activate_version(version_id: int) -> RuleTableVersion:
    """Make a stored version the one in force (every other is deactivated).

    :raises LookupError: when no version has this id
    :raises RulesError: when the stored table no longer validates
    """
    row = db.session.get(RuleTableVersion, version_id)
    if row is None:
        raise LookupError(version_id)
    rules_from_text(row.source, version_source(row), known_organizations=known_organizations())
    _deactivate_all(except_id=row.id)
    row.active, row.activated_at = True, utcnow()
    db.session.flush()
    return row


def use_repository_rules() -> None:
    """Deactivate every stored version: routing goes back to the table shipped in the repository."""
    _deactivate_all()
    db.session.flush()


def list_versions() -> list[RuleTableVersion]:
    """Every stored version, newest first."""
    return list(db.session.execute(
        select(RuleTableVersion).order_by(RuleTableVersion.created_at.desc(), RuleTableVersion.id.desc())
    ).scalars())


def table_text(version_id: int | None = None, *, repository: bool = False) -> str:
    """YAML to start editing from: the repository file, a stored version, else the table in force.

    :raises LookupError: when ``version_id`` names no stored version
    """
    if repository:
        return DEFAULT_RULES.read_text(encoding="utf-8")
    row = db.session.get(RuleTableVersion, version_id) if version_id is not None else active_version()
    if version_id is not None and row is None:
        raise LookupError(version_id)
    return row.source if row is not None else DEFAULT_RULES.read_text(encoding="utf-8")


def organization_names() -> dict[str, tuple[str, str]]:
    """Organisation code -> (Chinese name, English name), for showing rules."""
    rows = db.session.execute(select(Organization.code, Organization.name_zh, Organization.name_en)).all()
    return {code: (name_zh, name_en) for code, name_zh, name_en in rows}
