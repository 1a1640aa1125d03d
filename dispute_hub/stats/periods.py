"""Report periods in Asia/Shanghai calendar dates, and the UTC instants their days begin at (pure, no Flask)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DIMENSIONS = ("channel", "organization", "district", "ip_type", "cause", "month")
# a guard against typos such as 0202-01-01, which would make a month breakdown of eighteen centuries
MAX_DAYS = 366 * 10


class PeriodError(ValueError):
    """A bad period, dimension or date; ``field`` names the parameter, messages in zh and en."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field, self.message_zh, self.message_en = field, message_zh, message_en


def day_start(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Shanghai; columns are compared with it, never converted."""
    return datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)


def today_in_china(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Period:
    """``[first, last]``, both days inclusive, as Shanghai calendar dates."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """The instant just after the period: the start of the day after ``last`` (exclusive bound)."""
        return day_start(self.last + timedelta(days=1))

    def months(self) -> list[tuple[str, Period]]:
        """The calendar months the period touches, as ``("YYYY-MM", the part of the period in it)``."""
        out, day = [], self.first
        while day <= self.last:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            out.append((f"{day.year:04d}-{day.month:02d}", Period(day, min(self.last, following - timedelta(days=1)))))
            day = following
        return out


def runs(days: Iterable[date]) -> list[Period]:
    """The days joined into periods of consecutive days, in order."""
    out: list[Period] = []
    for day in sorted(set(days)):
        if out and out[-1].last + timedelta(days=1) == day:
            out[-1] = Period(out[-1].first, day)
        else:
            out.append(Period(day, day))
    return out


@dataclass(frozen=True)
class StatsQuery:
    """What a report asks for: the period, the day the appeal states are judged on, and the breakdown."""

    period: Period
    as_of: date
    by: str | None = None


def parse_day(value: str | None, field: str) -> date | None:
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeriodError(field, f"{field} 须为 YYYY-MM-DD 格式的日期",
                          f"{field} must be a date as YYYY-MM-DD") from None


def parse_query(args: Mapping[str, str | None], today: date | None = None) -> StatsQuery:
    """``from``, ``to``, ``by`` and ``as_of`` from a request or the command line, with defaults.

    Defaults: ``to`` today (Shanghai), ``from`` 1 January of ``to``'s year, ``as_of`` today.

    :raises PeriodError: a date that does not parse, ``from`` after ``to``, an over-long period, or an
        unknown dimension
    """
    today = today or today_in_china()
    last = parse_day(args.get("to"), "to") or today
    first = parse_day(args.get("from"), "from") or date(last.year, 1, 1)
    as_of = parse_day(args.get("as_of"), "as_of") or today
    if first > last:
        raise PeriodError("from", "开始日期不能晚于结束日期", "from must not be after to")
    if (last - first).days > MAX_DAYS:
        raise PeriodError("from", "统计期间最长十年", "the period may be at most ten years long")
    by = (args.get("by") or "").strip() or None
    if by is not None and by not in DIMENSIONS:
        raise PeriodError("by", f"by 须为 {', '.join(DIMENSIONS)} 之一", f"by must be one of {', '.join(DIMENSIONS)}")
    return StatsQuery(Period(first, last), as_of, by)
