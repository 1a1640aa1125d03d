"""Signals (counterfeiting, e-commerce, trade fair, foreign party, time bar) and industry of a filing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from .classification import Evidence
from .vocab import INDUSTRIES, SIGNALS

# 民法典 Art 188: three years from when the right holder knew or should have known of the harm
LIMITATION_YEARS = 3
HOME_COUNTRY = "CN"
INDUSTRY_ALIASES = {"家纺": "home_textile", "家用纺织品": "home_textile", "家具": "furniture"}

Flag = tuple[str, str, Evidence]


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def as_date(value: object) -> date | None:
    """A date from a date, datetime or ISO string; None when absent or unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def parties(facts: Mapping) -> list[tuple[str, Mapping]]:
    """(field path, party dict) of the claimant and every respondent of a filing."""
    found: list[tuple[str, Mapping]] = []
    if isinstance(facts.get("claimant"), Mapping):
        found.append(("claimant", facts["claimant"]))
    for i, party in enumerate(facts.get("respondents") or ()):
        if isinstance(party, Mapping):
            found.append((f"respondents[{i}]", party))
    return found


def detect_signals(flags: Iterable[Flag], facts: Mapping, today: date) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """The signals a filing raises, in a fixed order, with the phrases and fields behind them."""
    evidence = [why for kind, _, why in flags if kind == "signal"]
    for path, party in parties(facts):
        country = str(party.get("country") or "").strip().upper()
        if country and country != HOME_COUNTRY:
            evidence.append(Evidence(source=f"{path}.country", target="signal:foreign_party", value=country))
    discovered = as_date(facts.get("discovered_on"))
    if discovered is not None and discovered < years_before(today, LIMITATION_YEARS):
        evidence.append(Evidence(
            source="discovered_on", target="signal:possibly_time_barred", value=discovered.isoformat(),
            reason=f"more than {LIMITATION_YEARS} years before {today.isoformat()}",
        ))
    raised = {e.target.split(":", 1)[1] for e in evidence}
    return tuple(s for s in SIGNALS if s in raised), tuple(_unique(evidence))


def detect_industry(flags: Iterable[Flag], facts: Mapping) -> tuple[str | None, tuple[Evidence, ...]]:
    """The filing's industry: as declared, else the one the text names most often."""
    declared = str(facts.get("industry") or "").strip()
    if declared:
        code = INDUSTRY_ALIASES.get(declared, declared)
        return code, (Evidence(source="industry", target=f"industry:{code}", value=declared),)
    found = [(name, why) for kind, name, why in flags if kind == "industry" and name in INDUSTRIES]
    if not found:
        return None, ()
    best = Counter(name for name, _ in found).most_common(1)[0][0]
    return best, tuple(_unique([why for name, why in found if name == best]))


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[tuple] = set()
    out = []
    for e in evidence:
        key = (e.source, e.target, e.phrase, e.value)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
