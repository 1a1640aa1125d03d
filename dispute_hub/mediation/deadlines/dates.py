"""Deadline arithmetic: calendar days, Chinese working days and months, less suspended time."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

from .rules import DeadlineRule

ONE_DAY = timedelta(days=1)
# (suspended_on, resumed_on): the days from suspended_on up to the day before resumed_on do not count
Suspension = tuple[date, date]
DeadlineStatus = Literal["ok", "due_soon", "overdue"]


class CalendarNotCoveredError(LookupError):
    """The holiday calendar has no schedule for ``year`` (published each November for the next year)."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.message_zh = (f"节假日日历尚未收录 {year} 年的放假安排，无法计算该期限；"
                           "请升级 chinesecalendar 软件包后重试。")
        self.message_en = (f"The holiday calendar has no schedule for {year} yet, so this deadline cannot "
                           "be computed; upgrade the chinesecalendar package and retry.")
        super().__init__(self.message_en)


def is_working_day(day: date) -> bool:
    """Is ``day`` a working day in mainland China (weekends, statutory holidays, make-up days)?

    :raises CalendarNotCoveredError: for a year the installed calendar does not cover
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarNotCoveredError(day.year) from exc


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, otherwise the first working day after it.

    This is the rule of 民事诉讼法 Art 85 ¶3: a period whose last day is a statutory rest day ends on
    the first day after the rest days; a make-up working day (调休上班) is a working day.
    """
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter (民法典 Art 202)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _checked(periods: Iterable[Sequence[date]]) -> list[Suspension]:
    checked = []
    for period in periods:
        suspended_on, resumed_on = period
        if resumed_on < suspended_on:
            raise ValueError(f"suspension resumed on {resumed_on} before it began on {suspended_on}")
        checked.append((suspended_on, resumed_on))
    return checked


def _count(start: date, length: int, counts: Callable[[date], bool], periods: list[Suspension]) -> date:
    """The day on which ``length`` counting days after ``start`` have passed, skipping suspended days."""
    day, counted = start, 0
    while counted < length:
        day += ONE_DAY
        if counts(day) and not any(s <= day < r for s, r in periods):
            counted += 1
    return day


def due_date(start: date, rule: DeadlineRule, suspended_periods: Iterable[Sequence[date]] = (), *,
             extension: int = 0) -> date:
    """The last day of ``rule``'s period started by an event on ``start``.

    ``start`` itself does not count. A suspended day does not count either: a suspension
    ``(suspended_on, resumed_on)`` takes out the days from ``suspended_on`` to the day before
    ``resumed_on`` (pass today as ``resumed_on`` while it lasts); overlapping suspensions count once,
    and a working-day period loses only the working days among them. A months period counts as the
    calendar days to the same day ``length`` months later and is pushed like a day period.

    :param extension: extra units granted (e.g. the 1-month extension of a complex adjudication)
    :raises ValueError: for an extension the rule does not allow, or a suspension ending before it began
    :raises CalendarNotCoveredError: when a working day must be known in a year the calendar lacks
    """
    if extension < 0 or (extension and not rule.extendable) or (
            rule.max_extension is not None and extension > rule.max_extension):
        raise ValueError(f"rule {rule.id} does not allow an extension of {extension} {rule.unit}")
    periods = _checked(suspended_periods)
    length = rule.length + extension
    if rule.unit == "working_days":
        return _count(start, length, is_working_day, periods)
    if rule.unit == "months":
        length = (add_months(start, length) - start).days
    due = _count(start, length, lambda _day: True, periods)
    return next_working_day(due) if rule.holiday_rollover else due


def days_remaining(today: date, due: date) -> int:
    """Calendar days from ``today`` to ``due``: 0 on the last day, negative once it has passed."""
    return (due - today).days


def status(today: date, due: date, warn_days: int = 3) -> DeadlineStatus:
    """``overdue`` after the last day, ``due_soon`` within ``warn_days`` calendar days of it, else ``ok``.

    The last day itself is still in time, so it is ``due_soon``, never ``overdue``.
    """
    remaining = days_remaining(today, due)
    if remaining < 0:
        return "overdue"
    return "due_soon" if remaining <= warn_days else "ok"

