"""What-if: replay stored filings under an edited rule table and compare channel loads; writes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Dispute
from .classification import Classification
from .engine import route
from .facts import facts_from_filing
from .rules_store import validate_table
from .ruleset import RuleSet
from .services import filing_body
from .vocab import CHANNELS, OUTCOMES

DEFAULT_LAST = 200
MAX_LAST = 2000
# display order of the "lane" rows: every channel, then the outcomes that route nowhere
LANES = (*CHANNELS, *(o for o in OUTCOMES if o != "route"))
_CLASSIFICATION_FIELDS = ("ip_type", "subject", "nature", "patent_kind", "cause_code", "cause_name",
                          "cause_level", "taxonomy_version", "industry", "weights_version")


@dataclass(frozen=True, slots=True)
class StoredFiling:
    """A case as routing saw it: its intake shape, its stored classification and its stored decision."""

    dispute_id: int
    tracking_no: str
    title: str
    body: Mapping[str, Any]
    classification: Mapping[str, Any] | None
    decision: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a decision sends a case; ``lane`` is the channel, or the outcome when it routes nowhere."""

    outcome: str
    channel: str | None
    organization: str | None
    rule_id: str | None

    @property
    def lane(self) -> str:
        return self.channel if self.outcome == "route" and self.channel else self.outcome

    def same_place(self, other: Destination) -> bool:
        return (self.outcome, self.channel, self.organization) == (other.outcome, other.channel, other.organization)


@dataclass(frozen=True, slots=True)
class Move:
    """A case the edited table would send elsewhere, and the rule that would send it."""

    dispute_id: int
    tracking_no: str
    title: str
    before: Destination
    after: Destination


@dataclass(frozen=True, slots=True)
class LoadChange:
    """Cases in one lane (or organisation) under the stored decisions and under the edited table."""

    key: str | None
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class WhatIf:
    rules_version: str
    replayed: int
    lanes: tuple[LoadChange, ...]
    organizations: tuple[LoadChange, ...]
    moves: tuple[Move, ...]

    @property
    def changed(self) -> tuple[LoadChange, ...]:
        return tuple(row for row in self.lanes if row.delta)


def destination(decision: Mapping[str, Any]) -> Destination:
    """The destination of a decision dict (``Decision.to_dict()``, as stored with the case)."""
    return Destination(outcome=str(decision.get("outcome") or "screening"), channel=decision.get("channel"),
                       organization=decision.get("organization"), rule_id=decision.get("rule_id"))


def classification_from_dict(doc: Mapping[str, Any] | None) -> Classification | None:
    """The stored classification as routing reads it (the evidence is not needed to route)."""
    if not isinstance(doc, Mapping):
        return None
    return Classification(
        is_ip=bool(doc.get("is_ip")), signals=tuple(doc.get("signals") or ()),
        confidence=float(doc.get("confidence") or 0.0), **{k: doc.get(k) for k in _CLASSIFICATION_FIELDS},
    )


def replay(rules: RuleSet, filings: Iterable[StoredFiling]) -> WhatIf:
    """Route each filing again under ``rules`` and compare with its stored decision.

    :param filings: stored cases; their classification is reused, not recomputed, so that only the
        table differs between before and after
    :return: lane and organisation counts before and after, and the cases that would move
    """
    lanes_before: Counter[str | None] = Counter()
    lanes_after: Counter[str | None] = Counter()
    orgs_before: Counter[str | None] = Counter()
    orgs_after: Counter[str | None] = Counter()
    moves = []
    count = 0
    for filing in filings:
        count += 1
        before = destination(filing.decision)
        facts = facts_from_filing(filing.body, classification_from_dict(filing.classification))
        decision = route(facts, rules)
        after = Destination(decision.outcome, decision.channel, decision.organization, decision.rule_id)
        lanes_before[before.lane] += 1
        lanes_after[after.lane] += 1
        orgs_before[before.organization] += 1
        orgs_after[after.organization] += 1
        if not before.same_place(after):
            moves.append(Move(filing.dispute_id, filing.tracking_no, filing.title, before, after))
    return WhatIf(
        rules_version=rules.version, replayed=count,
        lanes=_changes(lanes_before, lanes_after, order=LANES),
        organizations=_changes(orgs_before, orgs_after, order=()),
        moves=tuple(moves),
    )


def _changes(
    before: Counter[str | None], after: Counter[str | None], *, order: Sequence[str]
) -> tuple[LoadChange, ...]:
    keys = set(before) | set(after)

    def rank(key: str | None) -> tuple[int, str]:
        if key is None:
            return (len(order) + 1, "")
        return (order.index(key) if key in order else len(order), key)

    return tuple(LoadChange(key, before[key], after[key]) for key in sorted(keys, key=rank))


def recent_filings(limit: int = DEFAULT_LAST) -> list[StoredFiling]:
    """The last ``limit`` routed filings, newest first, read with their parties and rights (read-only)."""
    disputes = db.session.execute(
        select(Dispute).where(Dispute.routing_decision.is_not(None))
        .options(selectinload(Dispute.parties), selectinload(Dispute.ip_rights))
        .order_by(Dispute.filed_at.desc(), Dispute.id.desc()).limit(limit)
    ).scalars().all()
    return [
        StoredFiling(dispute_id=d.id, tracking_no=d.tracking_no, title=d.title, body=filing_body(d),
                     classification=d.classification, decision=d.routing_decision)
        for d in disputes if isinstance(d.routing_decision, Mapping)
    ]


def dry_run(text: str, *, last: int = DEFAULT_LAST) -> WhatIf:
    """Validate an edited table and replay the last ``last`` filings under it; nothing is written.

    :raises RulesError: naming the rule and field at fault, when the table is invalid
    """
    rules = validate_table(text)
    return replay(rules, recent_filings(max(1, min(last, MAX_LAST))))
