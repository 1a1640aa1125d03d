"""Pure parsers of an import line's historical fields: times, dates, counts, choices, text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ..validators import ValidationError
from ..validators._common import fail

SHANGHAI = ZoneInfo("Asia/Shanghai")
# nothing in this platform's history predates the first Chinese IP laws; earlier years are typos
EARLIEST_YEAR = 1980


class Errors:
    """Collects every ValidationError of a line instead of stopping at the first."""

    def __init__(self) -> None:
        self.items: list[ValidationError] = []

    def run(self, fn: Callable, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.items.append(exc)
            return None

    def add(self, field: str, code: str, zh: str, en: str) -> None:
        self.items.append(fail(field, code, zh, en))


def absent(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _iso(value: object, field: str, what_zh: str, what_en: str) -> datetime:
    """ISO 8601 text → aware datetime; no offset means Beijing time (a bare date is its midnight)."""
    if not isinstance(value, str):
        raise fail(field, "bad_type", f"{what_zh}应为 ISO 格式的文字，如 2021-03-15",
                   f"The {what_en} must be an ISO 8601 string such as 2021-03-15")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise fail(field, "bad_format", f"{what_zh}格式不正确，应如 2021-03-15 或 2021-03-15T09:30:00+08:00",
                   f"The {what_en} must look like 2021-03-15 or 2021-03-15T09:30:00+08:00") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=SHANGHAI)


def _in_range(day: date, field: str, what_zh: str, what_en: str, today: date) -> None:
    if day.year < EARLIEST_YEAR:
        raise fail(field, "too_early", f"{what_zh}不能早于 {EARLIEST_YEAR} 年",
                   f"The {what_en} cannot be before {EARLIEST_YEAR}")
    if day > today:
        raise fail(field, "in_future", f"{what_zh}不能晚于今天", f"The {what_en} cannot be in the future")


def parse_instant(value: object, field: str, what_zh: str, what_en: str, *, now: datetime) -> datetime | None:
    """A past moment as aware UTC, or None when absent; see ``_iso`` for the accepted forms."""
    if absent(value):
        return None
    moment = _iso(value, field, what_zh, what_en)
    _in_range(moment.astimezone(SHANGHAI).date(), field, what_zh, what_en, now.astimezone(SHANGHAI).date())
    if moment > now:
        raise fail(field, "in_future", f"{what_zh}不能晚于现在", f"The {what_en} cannot be in the future")
    return moment.astimezone(UTC)


def parse_day(value: object, field: str, what_zh: str, what_en: str, *, today: date) -> date | None:
    """A past calendar day (Beijing time when a moment with an offset is given), or None when absent."""
    if absent(value):
        return None
    day = _iso(value, field, what_zh, what_en).astimezone(SHANGHAI).date()
    _in_range(day, field, what_zh, what_en, today)
    return day


def parse_count(value: object, field: str, what_zh: str, what_en: str, *, low: int, high: int) -> int | None:
    """A whole number in ``low``..``high``, or None when absent (JSON true/false are not numbers)."""
    if value is None:
        return None
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole:
        raise fail(field, "bad_type", f"{what_zh}应为整数", f"The {what_en} must be a whole number")
    if not low <= value <= high:
        raise fail(field, "out_of_range", f"{what_zh}应在 {low} 至 {high} 之间",
                   f"The {what_en} must be between {low} and {high}")
    return int(value)


def parse_choice(value: object, field: str, choices: tuple[str, ...], what_zh: str, what_en: str) -> str | None:
    if absent(value):
        return None
    if not isinstance(value, str) or value.strip() not in choices:
        raise fail(field, "unknown_choice", f"{what_zh}应为以下之一：{'、'.join(choices)}",
                   f"Unknown {what_en} {value!r}; expected one of: {', '.join(choices)}")
    return value.strip()


def parse_text(value: object, field: str, what_zh: str, what_en: str, *, max_length: int) -> str | None:
    if absent(value):
        return None
    if not isinstance(value, str):
        raise fail(field, "bad_type", f"{what_zh}应为文字", f"The {what_en} must be text")
    text = value.strip()
    if len(text) > max_length:
        raise fail(field, "too_long", f"{what_zh}不能超过 {max_length} 个字",
                   f"The {what_en} may have at most {max_length} characters")
    return text


def parse_flag(value: object, field: str, what_zh: str, what_en: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise fail(field, "bad_type", f"{what_zh}应为 true 或 false", f"The {what_en} must be true or false")
    return value


def parse_external_id(value: object) -> str:
    """The source system's case id: text (or a whole number) of 1 to 128 characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if absent(value):
        raise fail("external_id", "required", "请填写原系统案件编号（external_id）",
                   "external_id (the case's id in the source system) is required")
    if not isinstance(value, str):
        raise fail("external_id", "bad_type", "external_id 应为文字", "external_id must be text")
    text = value.strip()
    if len(text) > 128:
        raise fail("external_id", "too_long", "external_id 不能超过 128 个字符",
                   "external_id may have at most 128 characters")
    return text
