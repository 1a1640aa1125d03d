"""Resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015)."""

from __future__ import annotations

import re
from datetime import date

from ._common import fail, require_text, without_spaces

# First two digits of the address code: provinces (GB/T 2260), Taiwan (71), and the codes used on
# residence permits for Hong Kong (81), Macao (82) and Taiwan (83) residents, which share this format.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2**(17-i) mod 11
_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11 (ISO 7064 MOD 11-2)
# The standard's own worked example is born in 1880, so the floor must stay below that.
EARLIEST_BIRTH = date(1870, 1, 1)
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31
# Registration-management department (1st character) -> organisation categories (2nd character),
# GB 32100-2015 appendix A with its later amendments (2 外交 … 8 工会, A 军队, N 农业).
USCC_CATEGORIES = {
    "1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129", "7": "129",
    "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}

_ID_ZH, _ID_EN = "居民身份证号", "resident ID number"
_USCC_ZH, _USCC_EN = "统一社会信用代码", "unified social credit code"


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_resident_id(value: object, field: str = "id_number", *, today: date | None = None) -> str:
    """An 18-digit resident ID number, upper-cased; raises ValidationError naming what is wrong.

    Checks length, characters, the province prefix, the birth date (real, not in the future, not
    before 1870) and the MOD 11-2 check character (``x`` is accepted for ``X``).
    """
    text = without_spaces(require_text(value, field, _ID_ZH, _ID_EN)).upper()
    if len(text) != 18:
        raise fail(field, "wrong_length", f"{_ID_ZH}应为18位（当前{len(text)}位）",
                   f"The {_ID_EN} must have 18 characters (it has {len(text)})")
    if not _ID_SHAPE.fullmatch(text):
        raise fail(field, "bad_characters", f"{_ID_ZH}只能由17位数字和1位数字或X组成",
                   f"The {_ID_EN} must be 17 digits followed by a digit or X")
    if text[:2] not in PROVINCE_CODES:
        raise fail(field, "unknown_region", f"{_ID_ZH}开头的地区代码不存在",
                   f"The {_ID_EN} starts with an unknown region code")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        born = None
    if born is None or born < EARLIEST_BIRTH or born > (today or date.today()):
        raise fail(field, "bad_birth_date", f"{_ID_ZH}中的出生日期不正确",
                   f"The birth date inside the {_ID_EN} is not a valid date")
    if resident_id_check_digit(text[:17]) != text[17]:
        raise fail(field, "bad_check_digit", f"{_ID_ZH}校验位不正确，请核对号码",
                   f"The {_ID_EN}'s check digit is wrong; please check the number")
    return text


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[-total % 31]


def validate_uscc(value: object, field: str = "uscc") -> str:
    """An 18-character unified social credit code, upper-cased; raises ValidationError.

    Checks the alphabet, the department and category codes (positions 1–2), the registration
    authority's 6-digit region code (3–8) and the mod-31 check character (18).
    """
    text = without_spaces(require_text(value, field, _USCC_ZH, _USCC_EN)).upper()
    if len(text) != 18:
        raise fail(field, "wrong_length", f"{_USCC_ZH}应为18位（当前{len(text)}位）",
                   f"The {_USCC_EN} must have 18 characters (it has {len(text)})")
    if any(c not in USCC_ALPHABET for c in text):
        raise fail(field, "bad_characters", f"{_USCC_ZH}只能包含数字和大写字母（不含I、O、S、V、Z）",
                   f"The {_USCC_EN} may only contain digits and capital letters other than I, O, S, V, Z")
    categories = USCC_CATEGORIES.get(text[0])
    if categories is None:
        raise fail(field, "bad_department", f"{_USCC_ZH}第1位（登记管理部门代码）不正确",
                   f"The first character of the {_USCC_EN} (registering department) is not valid")
    if text[1] not in categories:
        raise fail(field, "bad_category", f"{_USCC_ZH}第2位（机构类别代码）不正确",
                   f"The second character of the {_USCC_EN} (organisation category) is not valid")
    if not text[2:8].isascii() or not text[2:8].isdigit():
        raise fail(field, "bad_region", f"{_USCC_ZH}第3至8位（行政区划码）应为数字",
                   f"Characters 3–8 of the {_USCC_EN} (region code) must be digits")
    if uscc_check_character(text[:17]) != text[17]:
        raise fail(field, "bad_check_digit", f"{_USCC_ZH}校验位不正确",
                   f"The {_USCC_EN}'s check character is wrong")
    return text
