"""The ValidationError raised by every intake validator, and text helpers they share."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


class ValidationError(ValueError):
    """A value failed validation: which field, a stable code, and a message in each language."""

    def __init__(self, field: str, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {code}: {message_en}")
        self.field = field
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh…" or "en…"); Chinese for anything else."""
        return self.message_en if lang.lower().startswith("en") else self.message_zh

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready form for API error bodies."""
        return {"field": self.field, "code": self.code, "message_zh": self.message_zh,
                "message_en": self.message_en}


def fail(field: str, code: str, zh: str, en: str) -> ValidationError:
    """Build the error (callers ``raise fail(...)`` so the raise stays visible at the call site)."""
    return ValidationError(field, code, zh, en)


def require_text(value: object, field: str, what_zh: str, what_en: str) -> str:
    """``value`` as NFKC text (full-width letters and digits become ASCII), stripped; raises if empty."""
    if not isinstance(value, str):
        if value is None:
            raise fail(field, "required", f"请填写{what_zh}", f"Please enter the {what_en}")
        raise fail(field, "bad_format", f"{what_zh}格式不正确", f"The {what_en} has the wrong format")
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise fail(field, "required", f"请填写{what_zh}", f"Please enter the {what_en}")
    return text


def without_spaces(text: str) -> str:
    """``text`` with all whitespace removed (people paste identifiers in groups)."""
    return _SPACES.sub("", text)
