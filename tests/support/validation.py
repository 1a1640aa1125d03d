"""Helpers for validator tables."""

from __future__ import annotations

from datetime import date

import pytest

from dispute_hub.intake.validators import ValidationError

# the "today" validator tables are written against
TODAY = date(2025, 6, 1)


def error_code(func, value, **kwargs) -> str:
    """The code of the ValidationError ``func`` raises for ``value``, after checking its field and messages."""
    with pytest.raises(ValidationError) as caught:
        func(value, "some.field", **kwargs)
    assert caught.value.field == "some.field"
    assert caught.value.message("zh") and caught.value.message("en")
    return caught.value.code
