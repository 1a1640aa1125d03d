"""Chinese patent application / patent numbers and trademark registration numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ._common import fail, require_text, without_spaces

# 5th digit (current form) or 3rd digit (pre-October-2003 form) -> (kind, entered via PCT)
PATENT_KINDS: dict[str, tuple[str, bool]] = {
    "1": ("invention", False), "2": ("utility_model", False), "3": ("design", False),
    "8": ("invention", True), "9": ("utility_model", True),
}
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)  # cycled from the left, as CNIPA computes it
_LABEL = re.compile(r"^(?:专利申请号|专利号|申请号|patentno\.?|applicationno\.?)[:：]?", re.IGNORECASE)
# CN publication / grant numbers such as CN112330675B are a different series from application numbers.
_PUBLICATION = re.compile(r"CN[0-9]{6,9}[ABCUSY][0-9]?")
_PAT_ZH, _PAT_EN = "专利号（申请号）", "patent (application) number"
_TM_ZH, _TM_EN = "商标注册号", "trademark registration number"


@dataclass(frozen=True)
class PatentNumber:
    """A checked Chinese patent number: ``normalized`` is "ZL" + digits + "." + check character."""

    normalized: str
    kind: str  # "invention", "utility_model" or "design"
    year: int
    pct: bool = False  # an international (PCT) application that entered the Chinese phase

    @property
    def canonical(self) -> str:
        """Digits and check character with no prefix or dot, e.g. "2021101234567" (for look-ups)."""
        return self.normalized[2:].replace(".", "")

    def __str__(self) -> str:
        return self.normalized


def patent_check_digit(digits: str) -> str:
    """CNIPA's check character: digits times 2..9 (cycling) summed, mod 11; 10 is written "X"."""
    total = sum(int(d) * _PATENT_WEIGHTS[i % 8] for i, d in enumerate(digits))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def _strip_patent_decoration(text: str) -> str:
    text = _LABEL.sub("", without_spaces(text).upper())
    for prefix in ("ZL", "CN"):
        if text.startswith(prefix) and not _PUBLICATION.fullmatch(text):
            return text[len(prefix):]
    return text


def _split_patent(text: str, field: str) -> tuple[str, str]:
    """Digits and check character out of the bare number (dot optional), or raise."""
    if _PUBLICATION.fullmatch(text):
        raise fail(field, "publication_number",
                   "这是专利公开（公告）号，请填写申请号或专利号，如 ZL202110123456.7",
                   "This is a publication number; enter the application or patent number, "
                   "e.g. ZL202110123456.7")
    if text.count(".") > 1 or ("." in text and text.index(".") != len(text) - 2):
        raise fail(field, "bad_format", f"{_PAT_ZH}中的小数点位置不正确",
                   f"The dot in the {_PAT_EN} is in the wrong place")
    bare = text.replace(".", "")
    if not re.fullmatch(r"[0-9]+X?", bare):
        raise fail(field, "bad_characters", f"{_PAT_ZH}只能包含数字，校验位可为X",
                   f"The {_PAT_EN} may only contain digits, with X allowed as the check character")
    if len(bare) in (8, 12) and "." not in text:
        raise fail(field, "missing_check_digit", f"{_PAT_ZH}缺少小数点后的校验位",
                   f"The {_PAT_EN} lacks the check character after the dot")
    if len(bare) not in (9, 13):
        raise fail(field, "wrong_length", f"{_PAT_ZH}应为12位数字加1位校验位（2003年10月前为8位加1位）",
                   f"The {_PAT_EN} must be 12 digits and a check character (8 and one before Oct 2003)")
    return bare[:-1], bare[-1]


def validate_patent_number(value: object, field: str = "patent_number", *,
                           today: date | None = None) -> PatentNumber:
    """A Chinese patent application or patent number, with or without ZL/CN, spaces and the dot.

    Current form: year (4) + type (1) + serial (7) + check; older form: year (2) + type + serial (5)
    + check. Raises ValidationError for the wrong length, characters, year, type or check character.
    """
    digits, check = _split_patent(_strip_patent_decoration(require_text(value, field, _PAT_ZH, _PAT_EN)),
                                  field)
    this_year = (today or date.today()).year
    if len(digits) == 12:
        year, type_digit = int(digits[:4]), digits[4]
        plausible = 2003 <= year <= this_year
    else:
        year, type_digit = int(digits[:2]), digits[2]
        year += 1900 if year >= 85 else 2000
        plausible = 1985 <= year <= 2003
    if not plausible:
        raise fail(field, "bad_year", f"{_PAT_ZH}中的申请年份不正确",
                   f"The filing year inside the {_PAT_EN} is not possible")
    if type_digit not in PATENT_KINDS:
        position = 5 if len(digits) == 12 else 3
        raise fail(field, "bad_kind", f"{_PAT_ZH}第{position}位（专利类型）应为1、2、3、8或9",
                   f"Digit {position} of the {_PAT_EN} (patent type) must be 1, 2, 3, 8 or 9")
    if patent_check_digit(digits) != check:
        raise fail(field, "bad_check_digit", f"{_PAT_ZH}校验位不正确，请核对号码",
                   f"The {_PAT_EN}'s check character is wrong; please check the number")
    kind, pct = PATENT_KINDS[type_digit]
    return PatentNumber(normalized=f"ZL{digits}.{check}", kind=kind, year=year, pct=pct)


# What CNIPA actually guarantees about trademark numbers is little: it publishes no format. Numbers are
# sequential integers given at filing (the application number becomes the registration number), carry no
# check digit (so a typo yields another plausible number: only a register look-up can confirm one), and
# have reached 8 digits; we allow a 9th for headroom. An application divided after partial refusal keeps
# its number with an "A" appended. Madrid registrations designating China use WIPO's IR numbers (digits).
_TM_LABEL = re.compile(r"^(?:商标注册号|注册号|商标申请号|申请号|注册证号|reg\.?no\.?|no\.?)[:：]?",
                       re.IGNORECASE)
_TM_SHAPE = re.compile(r"第?([0-9]+A?)号?(?:商标)?")


def validate_trademark_number(value: object, field: str = "trademark_number") -> str:
    """A trademark registration number as digits (plus "A" for a divided application), no zero padding."""
    text = _TM_LABEL.sub("", without_spaces(require_text(value, field, _TM_ZH, _TM_EN)).upper())
    match = _TM_SHAPE.fullmatch(text)
    if match is None:
        raise fail(field, "bad_characters", f"{_TM_ZH}应为数字，如“第12345678号”",
                   f"The {_TM_EN} must be digits, e.g. 12345678")
    number = match.group(1)
    suffix = "A" if number.endswith("A") else ""
    digits = number.rstrip("A").lstrip("0")
    if not digits or len(digits) > 9:
        raise fail(field, "wrong_length", f"{_TM_ZH}应为1至9位数字",
                   f"The {_TM_EN} must have 1 to 9 digits")
    return digits + suffix
