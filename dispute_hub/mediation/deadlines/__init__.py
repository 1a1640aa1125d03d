"""Statutory and rule deadlines of each channel (DESIGN.md §2, §5): the rule table and the arithmetic."""

from .dates import (
    CalendarNotCoveredError,
    DeadlineStatus,
    Suspension,
    add_months,
    days_remaining,
    due_date,
    is_working_day,
    next_working_day,
    status,
)
from .rules import RULES, RULES_VERSION, DeadlineRule, RuleTableError, parse_rules, rule_for, rules_for

__all__ = [
    "RULES", "RULES_VERSION", "CalendarNotCoveredError", "DeadlineRule", "DeadlineStatus", "RuleTableError",
    "Suspension", "add_months", "days_remaining", "due_date", "is_working_day", "next_working_day",
    "parse_rules", "rule_for", "rules_for", "status",
]
