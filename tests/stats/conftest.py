"""A hand-computed world of cases for the statistics tests (figures worked out in test_stats_definitions.py).

Period 2025-03-01..2025-03-31 (Shanghai), as_of 2025-04-22. Times are Shanghai wall-clock times, so the
UTC date differs from the Shanghai date in several of them on purpose.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from dispute_hub.mediation.case_actions import end_of_day
from dispute_hub.mediation.court import record_appeal, record_conclusion, record_court_filing
from dispute_hub.stats.periods import Period, StatsQuery

SH = ZoneInfo("Asia/Shanghai")
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
AS_OF = date(2025, 4, 22)
RECORDED = date(2025, 5, 1)  # the day the court outcomes were recorded (their dates must be past)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def query(by: str | None = None, period: Period = MARCH, as_of: date = AS_OF) -> StatsQuery:
    return StatsQuery(period, as_of, by)


# name: (org, channel, status, closure, accepted, closed, deadline day, suspended days, rating)
CASES = {
    "open_across": ("A", "people_mediation", "in_mediation", None, "2025-02-10 10:00", None, "2025-03-12", 0, None),
    "closed_last_day": ("A", "people_mediation", "closed", "settled", "2025-02-20 09:00", "2025-03-31 23:30",
                        "2025-03-20", 5, 5),
    "in_and_out": ("A", "people_mediation", "closed", "failed", "2025-03-01 07:00", "2025-03-11 10:00",
                   "2025-03-31", 0, 3),
    "closed_before": ("A", "people_mediation", "closed", "settled", "2025-01-05 10:00", "2025-02-28 23:59",
                      "2025-02-05", 0, 5),
    "accepted_after": ("A", "people_mediation", "in_mediation", None, "2025-04-01 00:30", None, "2025-05-01", 0, None),
    "rejected": ("A", "people_mediation", "rejected", "rejected", None, "2025-03-15 12:00", None, 0, None),
    "withdrawn_unaccepted": ("A", "people_mediation", "withdrawn", "withdrawn", None, "2025-03-05 12:00", None, 0,
                             None),
    "received_open": ("A", "people_mediation", "in_mediation", None, "2025-03-15 12:00", None, "2025-04-15", 0, None),
    "declined": ("B", "litigation_mediation", "closed", "declined", "2025-03-05 09:00", "2025-03-20 16:00", None, 0,
                 4),
    "referred": ("B", "litigation_mediation", "closed", "referred", "2025-02-01 10:00", "2025-03-25 18:00",
                 "2025-03-25", 0, None),
    "adjudicated": ("C", "administrative_adjudication", "closed", "adjudicated", "2025-03-10 09:00",
                    "2025-03-28 09:00", "2025-06-10", 0, 5),
}

# name: (case, kind, concluded, served, abroad, appeal filed)
PROCEEDINGS = {
    "judgment_abroad": ("referred", "judgment", "2025-03-03", "2025-03-05", True, None),  # ends 7 Apr: stood
    "window_ends_on_as_of": ("adjudicated", "judgment", "2025-03-28", "2025-04-07", False, None),  # ends 22 Apr
    "appealed_ruling": ("referred", "ruling", "2025-03-10", "2025-03-12", False, "2025-03-18"),
    "court_mediation": ("closed_last_day", "mediation", "2025-03-15", "2025-03-15", False, None),
    "not_served": ("in_and_out", "judgment", "2025-03-25", None, False, None),
    "appealed_after_as_of": ("open_across", "judgment", "2025-03-05", "2025-03-06", False, "2025-04-25"),
    "before_period": ("declined", "judgment", "2025-02-25", "2025-02-26", False, None),
    "on_rejected_filing": ("rejected", "withdrawal", "2025-03-31", "2025-03-31", False, None),
}


@pytest.fixture
def world(db, make):
    """Organisations A, B, C with the cases above; returns {"orgs": {...}, "cases": {...}, "users": {...}}."""
    orgs = {"A": make.org("org-a"), "B": make.org("org-b", channels=["litigation_mediation"], kind="court"),
            "C": make.org("org-c", channels=["administrative_adjudication"], kind="market_supervision")}
    cases = {}
    for name, (org, channel, status, closure, accepted, closed, deadline, suspended, rating) in CASES.items():
        cases[name] = make.dispute(
            orgs[org], title=f"案件 {name}", channel=channel, status=status, closure=closure,
            filed_at=at(accepted or closed), accepted_at=at(accepted) if accepted else None,
            closed_at=at(closed) if closed else None,
            deadline_at=end_of_day(date.fromisoformat(deadline)) if deadline else None,
            suspended_days=suspended, satisfaction=rating)
    cases["referred"].respondent_satisfaction = 4  # the respondent rated it; the claimant did not
    users = {"liaison": make.user("liaison"), "admin": make.user("admin"),
             "org_admin_b": make.user("org_admin", orgs["B"]), "mediator": make.user("mediator", orgs["A"]),
             "claimant": make.user("claimant")}
    for n, (case, kind, concluded, served, abroad, appeal) in enumerate(PROCEEDINGS.values()):
        dispute = cases[case]
        proceeding = record_court_filing(dispute, f"（2025）苏06知民初{n + 1}号", "南通市中级人民法院",
                                         date(2025, 1, 2), users["liaison"], today=RECORDED)
        record_conclusion(proceeding, kind, date.fromisoformat(concluded),
                          date.fromisoformat(served) if served else None, abroad, users["liaison"], today=RECORDED)
        if appeal:
            record_appeal(proceeding, date.fromisoformat(appeal), users["liaison"], today=RECORDED)
    db.session.commit()
    return {"orgs": orgs, "cases": cases, "users": users}
