"""Recognise IP right numbers (Chinese patent application numbers and others) and what they reveal."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# intake's validator rejects a wrong check digit; the classifier reads the type digit regardless and
# only notes the mismatch, so it shares the check-digit rule but not the strictness
from ..intake.validators import patent_check_digit

# Type digit of a Chinese patent application number -> (patent kind, filed through PCT)
PATENT_TYPE_DIGITS: dict[str, tuple[str, bool]] = {
    "1": ("invention", False),
    "2": ("utility_model", False),
    "3": ("design", False),
    "8": ("invention", True),
    "9": ("utility_model", True),
}

# Application number: 12 digits (since 2003: year, type digit, serial) or 8 digits (before), a dot and
# a check digit. Text must carry the dot; a structured field may omit it.
_PATENT_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:ZL|CN)?\s?(\d{12}|\d{8})\s?[.·]\s?([0-9X])(?![0-9])")
_PATENT_FIELD = re.compile(r"^(?:ZL|CN)?(\d{12}|\d{8})\.?([0-9X])$")
# Publication / grant numbers: the kind code says A/B invention, U utility model, S design
_PUBLICATION = re.compile(r"(?<![0-9A-Za-z])CN\s?(\d{7,9})\s?([ABUS])\d?(?![0-9A-Za-z])")
_PUBLICATION_KINDS = {"A": "invention", "B": "invention", "U": "utility_model", "S": "design"}
_OTHER_RIGHTS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"(?<![0-9A-Za-z])(\d{4}SR\d{5,7})(?![0-9])"), "software",
     "计算机软件著作权登记号", "software copyright registration number"),
    (re.compile(r"(?<![0-9A-Za-z])(CNA\d{8,9}(?:\.\d)?)(?![0-9])"), "plant_variety",
     "植物新品种申请号/品种权号", "plant variety application or grant number"),
    (re.compile(r"(?<![0-9A-Za-z])(BS\.\d{8,9}(?:\.\d)?)(?![0-9])"), "layout_design",
     "集成电路布图设计登记号", "layout design registration number"),
)

_SCHEME_TYPES = {"software": "copyright"}


@dataclass(frozen=True, slots=True)
class RightNumber:
    """A recognised right number and what it says about the right."""

    value: str
    ip_type: str
    # numbering scheme: patent, software, plant_variety, layout_design
    scheme: str = "patent"
    patent_kind: str | None = None
    pct: bool = False
    check_ok: bool = True
    reason_zh: str = ""
    reason_en: str = ""


def fold(text: str) -> str:
    """Full-width to half-width, upper case: the form numbers are matched in."""
    return unicodedata.normalize("NFKC", text).upper()


def _patent(body: str, check: str) -> RightNumber | None:
    type_pos = 4 if len(body) == 12 else 2
    digit = body[type_pos]
    if digit not in PATENT_TYPE_DIGITS:
        return None
    kind, pct = PATENT_TYPE_DIGITS[digit]
    expected = patent_check_digit(body)
    zh_kind = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}[kind]
    reason_zh = f"申请号第{type_pos + 1}位为{digit}：{zh_kind}" + ("（PCT）" if pct else "")
    reason_en = f"type digit {digit} (position {type_pos + 1}) = {kind}" + (" via PCT" if pct else "")
    if expected != check:
        reason_zh += f"；校验位应为{expected}"
        reason_en += f"; check digit should be {expected}"
    return RightNumber(
        value=f"{body}.{check}", ip_type="patent", patent_kind=kind, pct=pct, check_ok=expected == check,
        reason_zh=reason_zh, reason_en=reason_en,
    )


def parse_right_number(value: str) -> RightNumber | None:
    """What a structured right-number field holds, or None when it is no recognised number."""
    compact = re.sub(r"[\s·]", "", fold(value))
    match = _PATENT_FIELD.match(compact)
    if match:
        return _patent(match[1], match[2])
    found = find_right_numbers(compact)
    return found[0] if found else None


def find_right_numbers(text: str) -> list[RightNumber]:
    """Every recognised right number in free text, in order of appearance."""
    folded = fold(text)
    found: list[tuple[int, RightNumber]] = []
    for match in _PATENT_TEXT.finditer(folded):
        number = _patent(match[1], match[2])
        if number is not None:
            found.append((match.start(), number))
    for match in _PUBLICATION.finditer(folded):
        kind = _PUBLICATION_KINDS[match[2]]
        found.append((match.start(), RightNumber(
            value=f"CN{match[1]}{match[2]}", ip_type="patent", patent_kind=kind,
            reason_zh=f"公告号类别{match[2]}", reason_en=f"publication kind code {match[2]} = {kind}",
        )))
    for pattern, scheme, zh_name, en_name in _OTHER_RIGHTS:
        for match in pattern.finditer(folded):
            found.append((match.start(), RightNumber(
                value=match[1], ip_type=_SCHEME_TYPES.get(scheme, scheme), scheme=scheme,
                reason_zh=zh_name, reason_en=en_name,
            )))
    return [number for _, number in sorted(found, key=lambda pair: pair[0])]
