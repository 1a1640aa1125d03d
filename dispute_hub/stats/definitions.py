"""The figures of a report, how rates are made from counts, the plan's targets, and the case sets behind each.

Pure data (issue 7's definitions): the SQL conditions of every set live in ``conditions.py``; this module
says which set a figure counts and which two sets a rate divides, so the dashboard links every number to
exactly the cases it counts.
"""

from __future__ import annotations

from dataclasses import dataclass

# the JSON shape's totals, in order
FIELDS = (
    "received", "open_at_start", "closed", "closure_rate",
    "first_instance_concluded", "accepted", "appealed", "pending_appeal", "acceptance_rate",
    "mediation_settled", "mediation_failed", "mediation_declined", "mediation_success_rate",
    "on_time", "on_time_rate", "avg_days", "ratings", "satisfied", "satisfaction_rate", "rejected_filings",
)
# counts summed in SQL; days_total is internal (the numerator of avg_days)
COUNTS = (
    "received", "open_at_start", "closed", "on_time", "days_total",
    "mediation_settled", "mediation_failed", "mediation_declined", "ratings", "satisfied", "rejected_filings",
    "first_instance_concluded", "accepted", "appealed", "pending_appeal",
)
# the case sets a figure links to; each count is one set, some sets only appear as denominators
DISPUTE_SETS = (
    "received", "open_at_start", "closure_base", "closed", "on_time", "mediation_settled", "mediation_failed",
    "mediation_declined", "mediation_base", "ratings", "satisfied", "rejected_filings",
)
COURT_SETS = ("first_instance_concluded", "accepted", "appealed", "pending_appeal", "acceptance_base")
SETS = DISPUTE_SETS + COURT_SETS


@dataclass(frozen=True)
class Rate:
    """``numerator ÷ denominator`` of counts; ``denominator`` is the set listed behind the divisor."""

    numerator: str
    divisor: tuple[str, ...]
    denominator_set: str


RATES: dict[str, Rate] = {
    "closure_rate": Rate("closed", ("open_at_start", "received"), "closure_base"),
    "acceptance_rate": Rate("accepted", ("accepted", "appealed"), "acceptance_base"),
    "mediation_success_rate": Rate("mediation_settled", ("mediation_settled", "mediation_failed",
                                                         "mediation_declined"), "mediation_base"),
    "on_time_rate": Rate("on_time", ("closed",), "closed"),
    "satisfaction_rate": Rate("satisfied", ("ratings",), "ratings"),
}


@dataclass(frozen=True)
class Target:
    rate: str
    threshold: float
    strict: bool  # "> 90%" rather than ">= 95%"

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value > self.threshold if self.strict else value >= self.threshold

    @property
    def text(self) -> str:
        return f"{'>' if self.strict else '≥'} {self.threshold:.0%}"


# Nantong's IP-strong-city plan (DESIGN.md §6)
TARGETS: dict[str, Target] = {
    "closure_rate": Target("closure_rate", 0.95, False),
    "acceptance_rate": Target("acceptance_rate", 0.88, False),
    "satisfaction_rate": Target("satisfaction_rate", 0.90, True),
}


def links(field: str) -> tuple[str, str | None]:
    """The sets behind ``field``: (numerator or the counted set, denominator set or None)."""
    if field in RATES:
        return RATES[field].numerator, RATES[field].denominator_set
    if field == "avg_days":
        return "closed", None
    return field, None


def figures(counts: dict[str, int]) -> dict[str, int | float | None]:
    """The JSON fields from the summed counts: rates are ratios in [0, 1], None when the divisor is 0."""
    out: dict[str, int | float | None] = {}
    for field in FIELDS:
        if field in RATES:
            rate = RATES[field]
            divisor = sum(counts.get(name, 0) for name in rate.divisor)
            out[field] = counts.get(rate.numerator, 0) / divisor if divisor else None
        elif field == "avg_days":
            closed = counts.get("closed", 0)
            out[field] = round(counts.get("days_total", 0) / closed, 2) if closed else None
        else:
            out[field] = int(counts.get(field, 0))
    return out

# who may see figures: liaison and platform admins all of them, organisation admins their organisation's
STATS_ROLES = ("liaison", "org_admin", "admin")
