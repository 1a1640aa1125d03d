"""Contact and value validators as tables: phones, email, dates, money, court case numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from dispute_hub.intake.validators import (
    ValidationError,
    validate_amount,
    validate_court_case_number,
    validate_email,
    validate_past_date,
    validate_phone,
)
from tests.support.validation import TODAY, error_code

# --- phone numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("13912345678", "+8613912345678"),
    ("139 1234 5678", "+8613912345678"),
    ("+86 139-1234-5678", "+8613912345678"),
    ("0086 13912345678", "+8613912345678"),
    ("8613912345678", "+8613912345678"),
    ("19912345678", "+8619912345678"),
    ("0513-85123456", "+8651385123456"),
    ("(0513) 8512 3456", "+8651385123456"),
    ("０５１３－８５１２３４５６", "+8651385123456"),
    ("0513-8512345", "+865138512345"),  # 7-digit local number
    ("0513-85123456 转 802", "+8651385123456;ext=802"),
    ("0513-85123456 ext. 802", "+8651385123456;ext=802"),
    ("010-62345678-12", "+861062345678;ext=12"),
    ("+86 10 6234 5678", "+861062345678"),
    ("+86 (0)513 8512 3456", "+8651385123456"),
    ("025-84567890", "+862584567890"),
    ("+1 (415) 555-0123", "+14155550123"),
    ("+44 20 7946 0958", "+442079460958"),
    ("0044 20 7946 0958", "+442079460958"),
    ("+852 2123 4567", "+85221234567"),
    ("+8651385123456;ext=802", "+8651385123456;ext=802"),  # its own output
])
def test_phone_valid(raw, expected):
    assert validate_phone(raw, "claimant.phone") == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("call me", "bad_characters"),
    ("+86+13912345678", "bad_characters"),
    ("139123456789", "bad_mobile"),
    ("12012345678", "bad_mobile"),
    ("+86 139 1234 567", "bad_mobile"),
    ("13912345678 转 8", "bad_mobile"),
    ("1062345678", "bad_mobile"),  # Beijing number without its trunk 0 is no mobile
    ("85123456", "missing_area_code"),
    ("8512345", "missing_area_code"),
    ("0513-123", "bad_landline"),
    ("010-12345678", "bad_landline"),  # local numbers never start with 1
    ("+1234567", "bad_international"),
    ("+0123456789", "bad_international"),
    ("+1234567890123456", "bad_international"),
])
def test_phone_invalid(raw, code):
    assert error_code(validate_phone, raw) == code


# --- e-mail ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("user@example.com", "user@example.com"),
    ("First.Last+tag@Example.COM", "First.Last+tag@example.com"),
    ("ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ", "user@example.com"),
    ("user@mail.example.co.uk", "user@mail.example.co.uk"),
    ("user@例子.中国", "user@例子.中国"),
    ("user@XN--FSQU00A.XN--FIQS8S", "user@例子.中国"),
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("user@example.com.", "user@example.com"),
])
def test_email_valid(raw, expected):
    assert validate_email(raw, "claimant.email") == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("user", "bad_format"),
    ("a@b@example.com", "bad_format"),
    ("user @example.com", "bad_characters"),
    ("user@exa\tmple.com", "bad_characters"),
    ("@example.com", "bad_local_part"),
    (".user@example.com", "bad_local_part"),
    ("us..er@example.com", "bad_local_part"),
    ("张三@example.com", "bad_local_part"),
    ("x" * 65 + "@example.com", "too_long"),
    ("user@" + "a" * 250 + ".com", "too_long"),
    ("user@localhost", "bad_domain"),
    ("user@exa_mple.com", "bad_domain"),
    ("user@-example.com", "bad_domain"),
    ("user@example..com", "bad_domain"),
    ("user@example.c", "bad_domain"),
    ("user@123.456", "bad_domain"),
    ("user@", "bad_domain"),
])
def test_email_invalid(raw, code):
    assert error_code(validate_email, raw) == code


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "2024-03-05", "2024/3/5", "2024.03.05", "2024年3月5日", "2024 年 3 月 5 日", "20240305",
    date(2024, 3, 5), datetime(2024, 3, 5, 10, 30),
])
def test_past_date_valid(raw):
    assert validate_past_date(raw, "dispute.discovered_on", today=TODAY) == date(2024, 3, 5)


def test_past_date_today_is_allowed():
    assert validate_past_date("2025-06-01", "d", today=TODAY) == TODAY


@pytest.mark.parametrize(("raw", "code", "kwargs"), [
    ("", "required", {}),
    ("2025-06-02", "in_future", {}),
    (date(2030, 1, 1), "in_future", {}),
    ("2023-02-30", "bad_date", {}),
    ("2024-13-01", "bad_date", {}),
    ("15/03/2024", "bad_format", {}),
    ("yesterday", "bad_format", {}),
    ("1999-12-31", "too_early", {"earliest": date(2000, 1, 1)}),
])
def test_past_date_invalid(raw, code, kwargs):
    assert error_code(validate_past_date, raw, today=TODAY, **kwargs) == code


def test_past_date_message_names_the_date():
    with pytest.raises(ValidationError) as caught:
        validate_past_date("2026-01-01", "d", today=TODAY, what_zh="知悉侵权日期", what_en="discovery date")
    assert caught.value.message("zh") == "知悉侵权日期不能晚于今天"
    assert caught.value.message("en") == "The discovery date cannot be in the future"


# --- money ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("1200", "1200.00"),
    ("1,200.50", "1200.50"),
    ("¥1,200.5", "1200.50"),
    ("￥1200元", "1200.00"),
    ("RMB 1200", "1200.00"),
    ("人民币 80000 元", "80000.00"),
    ("3.5万元", "35000.00"),
    ("1.234567万", "12345.67"),
    ("0.01", "0.01"),
    ("１２００", "1200.00"),
    (Decimal("12.3"), "12.30"),
    (12, "12.00"),
    (12.5, "12.50"),
    ("999999999999.99", "999999999999.99"),
])
def test_amount_valid(raw, expected):
    result = validate_amount(raw, "dispute.damages_claimed")
    assert result == Decimal(expected) and str(result) == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("0", "not_positive"),
    ("0.00", "not_positive"),
    ("-5", "not_positive"),
    (-5, "not_positive"),
    ("1.234", "too_many_decimals"),
    ("1.2345678万", "too_many_decimals"),
    (0.1 + 0.2, "too_many_decimals"),
    ("1,2,3", "bad_format"),
    ("1e5", "bad_format"),
    ("NaN", "bad_format"),
    ("twelve", "bad_format"),
    (Decimal("NaN"), "bad_format"),
    (Decimal("Infinity"), "bad_format"),
    (float("inf"), "bad_format"),
    (True, "bad_format"),
    ("1000000000000", "too_large"),
])
def test_amount_invalid(raw, code):
    assert error_code(validate_amount, raw) == code


# --- court case numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("（2024）苏06民初123号", "（2024）苏06民初123号"),
    ("(2024)苏06民初123号", "（2024）苏06民初123号"),
    ("( 2024 ) 苏06 民初 123 号", "（2024）苏06民初123号"),
    ("（2024）苏06民初123", "（2024）苏06民初123号"),
    ("〔2023〕最高法知民终12号之一", "（2023）最高法知民终12号之一"),
    ("（2023）最高法知民终12之一号", "（2023）最高法知民终12号之一"),
    ("[2022]苏0602民诉前调45号", "（2022）苏0602民诉前调45号"),
    ("【2021】京73民初1号", "（2021）京73民初1号"),
    ("（2024）苏06知民初00123号", "（2024）苏06知民初123号"),
    ("（2020）沪73民终5号", "（2020）沪73民终5号"),
    ("（2024）苏0602执888号", "（2024）苏0602执888号"),
])
def test_court_case_number_valid(raw, expected):
    assert validate_court_case_number(raw, "dispute.court_case_number", today=TODAY) == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("hello", "bad_format"),
    ("2024苏06民初123号", "bad_format"),  # no brackets
    ("（2024）XX06民初123号", "bad_format"),
    ("（2024）苏06123号", "bad_format"),  # no case type
    ("（2024）苏06号号123号", "bad_format"),
    ("（24）苏06民初123号", "bad_format"),
    ("（2024）苏06民初号", "bad_format"),
    ("（1975）苏06民初1号", "bad_year"),
    ("（2026）苏06民初1号", "bad_year"),
])
def test_court_case_number_invalid(raw, code):
    assert error_code(validate_court_case_number, raw, today=TODAY) == code
