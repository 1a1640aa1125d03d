"""Appeal periods and final states of first-instance conclusions, holidays by hand (see the deadline tests)."""

from __future__ import annotations

from datetime import date

import pytest

from dispute_hub.mediation.appeals import appeal_period_end, final_state
from dispute_hub.mediation.deadlines import CalendarNotCoveredError

D = date.fromisoformat


@pytest.mark.parametrize(("conclusion", "served", "abroad", "expected"), [
    ("judgment", "2025-03-03", False, "2025-03-18"),
    ("ruling", "2025-03-03", False, "2025-03-13"),
    ("judgment", "2025-03-03", True, "2025-04-02"),
    ("ruling", "2025-03-03", True, "2025-04-02"),
    # last day on a statutory holiday or weekend: the first working day after it
    ("judgment", "2025-01-20", False, "2025-02-05"),  # 4 Feb 2025, Spring Festival
    ("ruling", "2025-01-18", False, "2025-02-05"),  # 28 Jan 2025, New Year's Eve
    ("judgment", "2025-09-20", False, "2025-10-09"),  # 5 Oct 2025, National Day
    ("judgment", "2025-09-08", True, "2025-10-09"),  # 8 Oct 2025
    ("judgment", "2025-03-07", False, "2025-03-24"),  # Saturday 22 Mar
    ("judgment", "2026-02-05", False, "2026-02-24"),  # 20 Feb 2026, Spring Festival
    ("ruling", "2026-09-27", False, "2026-10-08"),  # 7 Oct 2026
    ("judgment", "2025-12-17", False, "2026-01-04"),  # 1 Jan 2026 -> a worked Sunday
    # last day on a worked weekend day: it stays
    ("judgment", "2025-09-13", False, "2025-09-28"),
    ("judgment", "2026-01-30", False, "2026-02-14"),
    ("judgment", "2026-09-25", False, "2026-10-10"),
])
def test_appeal_period_end(conclusion, served, abroad, expected):
    assert appeal_period_end(conclusion, D(served), abroad) == D(expected)


@pytest.mark.parametrize("conclusion", ["mediation", "withdrawal"])
@pytest.mark.parametrize("abroad", [False, True])
def test_mediation_and_withdrawal_have_no_appeal_period(conclusion, abroad):
    assert appeal_period_end(conclusion, D("2025-03-03"), abroad) is None


def test_unknown_conclusion_type():
    with pytest.raises(ValueError, match="verdict"):
        appeal_period_end("verdict", D("2025-03-03"), False)
    with pytest.raises(ValueError, match="verdict"):
        final_state("verdict", D("2025-03-03"), False, None, D("2025-04-03"))


@pytest.mark.parametrize(("conclusion", "served", "abroad", "appealed", "as_of", "expected"), [
    # final at once
    ("mediation", "2025-03-03", False, None, "2025-03-03", "accepted"),
    ("withdrawal", "2025-03-03", True, None, "2025-03-04", "accepted"),
    ("mediation", None, False, None, "2025-03-03", "accepted"),
    # judgment served 3 Mar 2025, last day 18 Mar: on the last day it is still open
    ("judgment", "2025-03-03", False, None, "2025-03-10", "pending"),
    ("judgment", "2025-03-03", False, None, "2025-03-18", "pending"),
    ("judgment", "2025-03-03", False, None, "2025-03-19", "accepted"),
    # ruling: 13 Mar
    ("ruling", "2025-03-03", False, None, "2025-03-13", "pending"),
    ("ruling", "2025-03-03", False, None, "2025-03-14", "accepted"),
    # abroad: 2 Apr
    ("judgment", "2025-03-03", True, None, "2025-03-19", "pending"),
    ("judgment", "2025-03-03", True, None, "2025-04-02", "pending"),
    ("judgment", "2025-03-03", True, None, "2025-04-03", "accepted"),
    # nominal last day 4 Feb 2025 is a holiday: the period runs to 5 Feb
    ("judgment", "2025-01-20", False, None, "2025-02-04", "pending"),
    ("judgment", "2025-01-20", False, None, "2025-02-05", "pending"),
    ("judgment", "2025-01-20", False, None, "2025-02-06", "accepted"),
    # appeals count from the day they were filed
    ("judgment", "2025-03-03", False, "2025-03-10", "2025-03-19", "appealed"),
    ("judgment", "2025-03-03", False, "2025-03-10", "2025-03-10", "appealed"),
    ("judgment", "2025-03-03", False, "2025-03-10", "2025-03-09", "pending"),
    ("judgment", "2025-03-03", False, "2025-03-25", "2025-03-20", "accepted"),  # late, not yet filed
    ("judgment", "2025-03-03", False, "2025-03-25", "2025-03-26", "appealed"),
    ("mediation", "2025-03-03", False, "2025-03-10", "2025-03-19", "accepted"),  # cannot be appealed
    # not served yet, or as_of before service
    ("judgment", None, False, None, "2025-12-31", "pending"),
    ("judgment", "2025-03-03", False, None, "2025-03-01", "pending"),
    # the year after the calendar ends: nothing to look up until the nominal last day has passed
    ("judgment", "2026-12-20", False, None, "2027-01-04", "pending"),
])
def test_final_state(conclusion, served, abroad, appealed, as_of, expected):
    served_on = D(served) if served else None
    appeal_filed_on = D(appealed) if appealed else None
    assert final_state(conclusion, served_on, abroad, appeal_filed_on, D(as_of)) == expected


def test_final_state_past_an_uncovered_year_says_so():
    with pytest.raises(CalendarNotCoveredError, match="2027"):
        final_state("judgment", D("2026-12-20"), False, None, D("2027-01-05"))
