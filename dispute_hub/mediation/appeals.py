"""Appeal periods of first-instance court conclusions and whether a conclusion has become final."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from .deadlines import next_working_day

# 民事诉讼法 (2023) Art 171: 15 days for a judgment, 10 for a ruling, from service
APPEAL_DAYS = {"judgment": 15, "ruling": 10}
# Art 286: 30 days for a party without domicile in China, for judgments and rulings alike
ABROAD_APPEAL_DAYS = 30
# a court mediation statement binds once signed for (Art 100); a ruling allowing withdrawal cannot be
# appealed: both are final at once
FINAL_AT_ONCE = frozenset({"mediation", "withdrawal"})
CONCLUSION_TYPES = ("judgment", "ruling", "mediation", "withdrawal")

FinalState = Literal["accepted", "appealed", "pending"]


def _days(conclusion_type: str, party_abroad: bool) -> int | None:
    if conclusion_type not in CONCLUSION_TYPES:
        raise ValueError(f"unknown conclusion type {conclusion_type!r}; expected one of {CONCLUSION_TYPES}")
    if conclusion_type in FINAL_AT_ONCE:
        return None
    return ABROAD_APPEAL_DAYS if party_abroad else APPEAL_DAYS[conclusion_type]


def appeal_period_end(conclusion_type: str, served_on: date, party_abroad: bool) -> date | None:
    """The last day on which an appeal may be filed, or None when nothing can be appealed.

    The period runs from the day after service (Art 85 ¶2); a last day that is a statutory rest day
    moves to the next working day (Art 85 ¶3). ``ruling`` means a ruling open to appeal (不予受理,
    管辖权异议, 驳回起诉). ``party_abroad``: some party has no domicile in China; the conclusion is final
    only when every party's period has run, so the longest period decides. Pass the last service date
    when the parties were served on different days.

    :returns: None for ``mediation`` and ``withdrawal``, which are final on service
    :raises CalendarNotCoveredError: when the nominal last day falls in a year the calendar lacks
    """
    days = _days(conclusion_type, party_abroad)
    if days is None:
        return None
    return next_working_day(served_on + timedelta(days=days))


def final_state(conclusion_type: str, served_on: date | None, party_abroad: bool,
                appeal_filed_on: date | None, as_of: date) -> FinalState:
    """Whether a first-instance conclusion stood, was appealed, or may still be appealed on ``as_of``.

    - ``mediation`` and ``withdrawal``: ``accepted`` at once, whatever the dates.
    - ``appealed`` when an appeal was filed on or before ``as_of``, even one recorded after the
      computed last day (papers posted in time count, Art 85 ¶4, and late filings may be allowed).
    - ``accepted`` only when ``as_of`` is after the last day: a party may still file on the last day
      itself, so on that day the outcome is open and the conclusion is never counted as accepted.
    - ``pending`` otherwise, including a judgment or ruling not yet served.
    """
    days = _days(conclusion_type, party_abroad)
    if days is None:
        return "accepted"
    if appeal_filed_on is not None and appeal_filed_on <= as_of:
        return "appealed"
    # rolling over only lengthens a period: up to the nominal last day no calendar is needed, which
    # keeps reports working near a year the holiday calendar does not cover yet
    if served_on is None or as_of <= served_on + timedelta(days=days):
        return "pending"
    end = appeal_period_end(conclusion_type, served_on, party_abroad)
    return "accepted" if end is not None and as_of > end else "pending"
