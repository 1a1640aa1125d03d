"""Dates not in the future, money amounts, and the shape of court case numbers (案号)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ._common import fail, require_text, without_spaces

_DATE = re.compile(r"(?P<y>[0-9]{4})(?:[-/.年](?P<m>[0-9]{1,2})[-/.月](?P<d>[0-9]{1,2})日?"
                   r"|(?P<m8>[0-9]{2})(?P<d8>[0-9]{2}))")
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_CURRENCY = re.compile(r"^(?:人民币|RMB|CNY|¥)|(?:元|人民币|RMB|CNY)$", re.IGNORECASE)
MAX_AMOUNT = Decimal("999999999999.99")  # what a Numeric(14, 2) column holds
_CENT = Decimal("0.01")
# Province abbreviations that start a court code, plus 兵 (XPCC courts); 最高法 is the Supreme Court.
_COURT_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新兵"
_CASE_NO = re.compile(
    r"\((?P<year>[0-9]{4})\)(?P<court>最高法|[" + _COURT_PROVINCES + r"][0-9]{0,6})"
    r"(?P<type>[\u4e00-\u9fff]{1,8}?)(?P<serial>[0-9]{1,7})"
    r"(?:(?P<pre>之[一二三四五六七八九十]{1,3})号|号?(?P<post>之[一二三四五六七八九十]{1,3})?)"
)
_OPENERS, _CLOSERS = "〔【[［(", "〕】]］)"
# Every case-type word (民初, 知民终, 执, 诉前调, 财保, 司救…) holds at least one of these characters.
_CASE_TYPE_CHARS = frozenset("民刑行执赔知破司调协认特督保")


def _parse_date(value: object, field: str, what_zh: str, what_en: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = without_spaces(require_text(value, field, what_zh, what_en))
    match = _DATE.fullmatch(text)
    if match is None:
        raise fail(field, "bad_format", f"{what_zh}格式不正确，应为如 2024-03-15",
                   f"The {what_en} must be written like 2024-03-15")
    month, day = match.group("m") or match.group("m8"), match.group("d") or match.group("d8")
    try:
        return date(int(match.group("y")), int(month), int(day))
    except ValueError:
        raise fail(field, "bad_date", f"{what_zh}不是有效的日期",
                   f"The {what_en} is not a real date") from None


def validate_past_date(value: object, field: str = "date", *, today: date | None = None,
                       earliest: date | None = None, what_zh: str = "日期",
                       what_en: str = "date") -> date:
    """A date (``date`` or text such as 2024-03-15, 2024/3/15, 2024年3月15日, 20240315) not after today.

    ``what_zh`` / ``what_en`` name the date in messages (e.g. "知悉侵权日期" / "date you learned of it").
    """
    day = _parse_date(value, field, what_zh, what_en)
    if day > (today or date.today()):
        raise fail(field, "in_future", f"{what_zh}不能晚于今天", f"The {what_en} cannot be in the future")
    if earliest is not None and day < earliest:
        raise fail(field, "too_early", f"{what_zh}不能早于{earliest.isoformat()}",
                   f"The {what_en} cannot be before {earliest.isoformat()}")
    return day


def _amount_text(text: str, field: str, zh: str, en: str) -> Decimal:
    text = _CURRENCY.sub("", without_spaces(text))
    scale = Decimal(1)
    if text.endswith("万元") or text.endswith("万"):
        text, scale = text.rstrip("元")[:-1], Decimal(10000)
    text = _CURRENCY.sub("", text)
    if text.startswith("-"):
        raise fail(field, "not_positive", f"{zh}必须大于零", f"The {en} must be more than zero")
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if len(text) > 30 or not _AMOUNT.fullmatch(text):
        raise fail(field, "bad_format", f"{zh}应为数字，如 12000.50",
                   f"The {en} must be a number, e.g. 12000.50")
    return Decimal(text) * scale


def validate_amount(value: object, field: str = "amount", *, maximum: Decimal = MAX_AMOUNT,
                    what_zh: str = "金额", what_en: str = "amount") -> Decimal:
    """A positive amount of money with at most 2 decimals, as a Decimal quantised to cents.

    Text may carry ¥/元/RMB/CNY, thousands separators and 万 (ten thousand): "¥1,200.50", "3.5万元".
    """
    if isinstance(value, bool):
        raise fail(field, "bad_format", f"{what_zh}应为数字", f"The {what_en} must be a number")
    if isinstance(value, int | float | Decimal):
        try:
            amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise fail(field, "bad_format", f"{what_zh}应为数字", f"The {what_en} must be a number")
    else:
        amount = _amount_text(require_text(value, field, what_zh, what_en), field, what_zh, what_en)
    if amount <= 0:
        raise fail(field, "not_positive", f"{what_zh}必须大于零", f"The {what_en} must be more than zero")
    if amount > maximum:
        raise fail(field, "too_large", f"{what_zh}超出上限", f"The {what_en} is larger than allowed")
    if amount % _CENT:
        raise fail(field, "too_many_decimals", f"{what_zh}最多保留两位小数",
                   f"The {what_en} may have at most two decimal places")
    return amount.quantize(_CENT)


def validate_court_case_number(value: object, field: str = "court_case_number", *,
                               today: date | None = None) -> str:
    """The shape of a court case number such as （2024）苏06民初123号, written with full-width brackets.

    Lenient on brackets (（）, (), 〔〕, [], 【】), spaces and a missing 号; checks year, court code
    (province abbreviation and digits, or 最高法), a case-type word and a serial number.
    """
    text = without_spaces(require_text(value, field, "案号", "court case number"))
    text = text.translate(str.maketrans(_OPENERS + _CLOSERS, "(" * len(_OPENERS) + ")" * len(_CLOSERS)))
    match = _CASE_NO.fullmatch(text)
    if match is None or not _CASE_TYPE_CHARS.intersection(match.group("type")):
        raise fail(field, "bad_format", "案号格式不正确，应如（2024）苏06民初123号",
                   "The court case number must look like (2024)苏06民初123号")
    year = int(match.group("year"))
    if not 1980 <= year <= (today or date.today()).year:
        raise fail(field, "bad_year", "案号中的年份不正确",
                   "The year in the court case number is not possible")
    serial = str(int(match.group("serial")))
    part = match.group("pre") or match.group("post") or ""
    return f"（{year}）{match.group('court')}{match.group('type')}{serial}号{part}"
