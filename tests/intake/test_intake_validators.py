"""Tables of valid and invalid identifiers for the intake validators, plus property tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispute_hub.intake.validators import (
    PatentNumber,
    ValidationError,
    patent_check_digit,
    resident_id_check_digit,
    uscc_check_character,
    validate_amount,
    validate_court_case_number,
    validate_email,
    validate_past_date,
    validate_patent_number,
    validate_phone,
    validate_resident_id,
    validate_trademark_number,
    validate_uscc,
)
from dispute_hub.intake.validators.identity import USCC_ALPHABET, USCC_CATEGORIES
from tests.support.validation import TODAY, error_code

# --- ValidationError ------------------------------------------------------------------------------

def test_validation_error_carries_both_languages():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("914403001922038217", "respondent.uscc")
    err = caught.value
    assert err.message("zh") == "统一社会信用代码校验位不正确"
    assert err.message("en") == "The unified social credit code's check character is wrong"
    assert err.message("en-GB") == err.message_en and err.message("fr") == err.message_zh
    assert err.as_dict() == {"field": "respondent.uscc", "code": "bad_check_digit",
                             "message_zh": err.message_zh, "message_en": err.message_en}
    assert isinstance(err, ValueError)


# --- resident ID numbers --------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("11010519491231002X", "11010519491231002X"),  # the worked example in GB 11643-1999
    ("11010519491231002x", "11010519491231002X"),
    ("440524188001010014", "440524188001010014"),  # the standard's other example, born 1880
    ("320602199003071236", "320602199003071236"),
    (" 320684 19851111 0027 ", "320684198511110027"),
    ("３２０６０２１９９００３０７１２３６", "320602199003071236"),  # full-width digits
    ("810000199408230021", "810000199408230021"),  # Hong Kong resident's residence permit
    ("83000020000229004X", "83000020000229004X"),  # Taiwan, born on a leap day
])
def test_resident_id_valid(raw, expected):
    assert validate_resident_id(raw, "claimant.id_number", today=TODAY) == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    (None, "required"),
    (12345, "bad_format"),
    ("11010519491231002", "wrong_length"),
    ("11010519491231002X1", "wrong_length"),
    ("32060219900307123", "wrong_length"),  # a 15/17-digit typo
    ("11010519491231002Y", "bad_characters"),
    ("1101051949123100X2", "bad_characters"),  # X only as the last character
    ("99010519491231002X", "unknown_region"),
    ("110105194913310020", "bad_birth_date"),  # month 13
    ("110105199902290020", "bad_birth_date"),  # 1999 was not a leap year
    ("320602202506020011", "bad_birth_date"),  # born after "today"
    ("110105186001010010", "bad_birth_date"),  # before 1870
    ("110105194912310021", "bad_check_digit"),
    ("320602199003071237", "bad_check_digit"),
])
def test_resident_id_invalid(raw, code):
    assert error_code(validate_resident_id, raw, today=TODAY) == code


def test_resident_id_message_names_the_problem():
    with pytest.raises(ValidationError) as caught:
        validate_resident_id("320602199003071237", "claimant.id_number", today=TODAY)
    assert "居民身份证号校验位不正确" in caught.value.message("zh")
    assert "resident ID number's check digit is wrong" in caught.value.message("en")


# --- unified social credit codes ------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("914403001922038216", "914403001922038216"),  # published codes of well-known companies
    ("91330100799655058B", "91330100799655058B"),
    ("9144030071526726XG", "9144030071526726XG"),
    ("91330100799655058b", "91330100799655058B"),
    ("9144 0300 1922 0382 16", "914403001922038216"),
    ("51310110501144395U", "51310110501144395U"),  # social organisation (民政, 社会团体)
    ("53100000500019795A", "53100000500019795A"),  # foundation (民政, 基金会)
    ("92320602MA1AAAAA0L", "92320602MA1AAAAA0L"),  # individual business, letters in the body
    ("Y1320600MA1ABCDE0G", "Y1320600MA1ABCDE0G"),
    ("N2320602MA1ABCDE0J", "N2320602MA1ABCDE0J"),
])
def test_uscc_valid(raw, expected):
    assert validate_uscc(raw, "respondent.uscc") == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("91440300192203821", "wrong_length"),
    ("9144030019220382166", "wrong_length"),
    ("91440300192203821I", "bad_characters"),
    ("9144030019220382O6", "bad_characters"),
    ("91440300-922038216", "bad_characters"),
    ("B14403001922038216", "bad_department"),
    ("94440300192203821E", "bad_category"),  # 工商 has only categories 1, 2, 3
    ("Y2320600MA1ABCDE0G", "bad_category"),  # 其他 has only category 1
    ("9144A300192203821E", "bad_region"),
    ("914403001922038217", "bad_check_digit"),
    ("91330100799655058C", "bad_check_digit"),
])
def test_uscc_invalid(raw, code):
    assert error_code(validate_uscc, raw) == code


# --- patent numbers -------------------------------------------------------------------------------

# Numbers taken from public documents (patent certificates, judgments, university and company pages),
# so the check-digit rule is tested against CNIPA's own output, not only against itself.
PUBLISHED_PATENT_NUMBERS = [
    "ZL200410053749.9", "ZL201010104157.0", "ZL02139508.X", "ZL95115608.X", "201710601862.3",
    "ZL202011472880.4", "ZL202111118032.8", "ZL 2023 1 0397744.0", "ZL 2014 1 0026192.3",
    "ZL 2024 1 0040777.4", "ZL 201210442457.9", "ZL202210110472.7", "ZL 2025 1 1400055.6",
]


@pytest.mark.parametrize("raw", PUBLISHED_PATENT_NUMBERS)
def test_patent_check_digit_matches_published_numbers(raw):
    number = validate_patent_number(raw, "ip_right.number", today=TODAY)
    assert number.normalized == "ZL" + raw.replace(" ", "").removeprefix("ZL")


@pytest.mark.parametrize(("raw", "normalized", "kind", "year", "pct"), [
    ("202110123456.7", "ZL202110123456.7", "invention", 2021, False),
    ("ZL 2021 1 0123456.7", "ZL202110123456.7", "invention", 2021, False),
    ("CN202110123456.7", "ZL202110123456.7", "invention", 2021, False),
    ("zl2021101234567", "ZL202110123456.7", "invention", 2021, False),  # dot left out
    ("专利号：ZL 2021 1 0123456.7", "ZL202110123456.7", "invention", 2021, False),
    ("ＺＬ２０２１１０１２３４５６．７", "ZL202110123456.7", "invention", 2021, False),
    ("202320123456.1", "ZL202320123456.1", "utility_model", 2023, False),
    ("202430654321.8", "ZL202430654321.8", "design", 2024, False),
    ("202480000123.7", "ZL202480000123.7", "invention", 2024, True),
    ("202290001234.6", "ZL202290001234.6", "utility_model", 2022, True),
    ("02139508.x", "ZL02139508.X", "invention", 2002, False),
    ("ZL95115608.X", "ZL95115608.X", "invention", 1995, False),
    ("88100123.6", "ZL88100123.6", "invention", 1988, False),
    ("98200456.7", "ZL98200456.7", "utility_model", 1998, False),
])
def test_patent_valid(raw, normalized, kind, year, pct):
    number = validate_patent_number(raw, "ip_right.number", today=TODAY)
    assert number == PatentNumber(normalized, kind, year, pct)
    assert str(number) == normalized
    assert number.canonical == normalized[2:].replace(".", "")


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("ZL", "bad_characters"),
    ("ZL20211O123456.7", "bad_characters"),  # letter O for zero
    ("ZL2021101X3456.7", "bad_characters"),
    ("CN112330675B", "publication_number"),
    ("CN 116455754 B", "publication_number"),
    ("ZL2021101234.567", "bad_format"),
    ("ZL2021.101234.5", "bad_format"),
    ("202110123456", "missing_check_digit"),
    ("02139508", "missing_check_digit"),
    ("ZL20221955451.7", "wrong_length"),  # a real typo seen on a public page: 11 digits
    ("ZL20211012345678.9", "wrong_length"),
    ("199910123456.5", "bad_year"),  # the 12-digit form started in 2003
    ("202610123456.3", "bad_year"),  # after "today"
    ("05112345.6", "bad_year"),  # the 8-digit form ended in 2003
    ("202150123456.9", "bad_kind"),
    ("95415608.1", "bad_kind"),
    ("ZL202110123456.8", "bad_check_digit"),
    ("ZL200410053749.8", "bad_check_digit"),
    ("ZL02139508.9", "bad_check_digit"),
])
def test_patent_invalid(raw, code):
    assert error_code(validate_patent_number, raw, today=TODAY) == code


def test_patent_check_digit_ten_is_x():
    assert patent_check_digit("02139508") == "X"
    assert patent_check_digit("202110123456") == "7"


# --- trademark numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("12345678", "12345678"),
    ("第12345678号", "12345678"),
    ("第 1234 5678 号", "12345678"),
    ("注册号：第3号", "3"),
    ("商标注册号: 00012345", "12345"),
    ("第12345678A号", "12345678A"),  # divided application
    ("12345678a", "12345678A"),
    ("１２３４５６７", "1234567"),
    ("No. 987654321", "987654321"),
])
def test_trademark_valid(raw, expected):
    assert validate_trademark_number(raw, "ip_right.number") == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("", "required"),
    ("第号", "bad_characters"),
    ("TM123", "bad_characters"),
    ("1234-5678", "bad_characters"),
    ("第12345678B号", "bad_characters"),
    ("0", "wrong_length"),
    ("1234567890", "wrong_length"),
])
def test_trademark_invalid(raw, code):
    assert error_code(validate_trademark_number, raw) == code



# --- properties -----------------------------------------------------------------------------------

TEXT_VALIDATORS = [validate_resident_id, validate_uscc, validate_patent_number, validate_trademark_number,
                   validate_phone, validate_email, validate_past_date, validate_amount,
                   validate_court_case_number]
IDEMPOTENT = [validate_resident_id, validate_uscc, validate_trademark_number, validate_phone, validate_email,
              validate_past_date, validate_amount, validate_court_case_number]


@pytest.mark.parametrize("validator", TEXT_VALIDATORS, ids=lambda f: f.__name__)
@given(text=st.text(max_size=60) | st.text(alphabet="0123456789XxZLCN.-+ ()（）@第号万元年月日苏民初", max_size=25))
def test_validators_raise_only_validation_error(validator, text):
    try:
        result = validator(text, "f")
    except ValidationError:
        return
    if validator in IDEMPOTENT:
        assert validator(result, "f") == result


@given(st.one_of(st.none(), st.integers(), st.floats(), st.decimals(), st.booleans(), st.dates()))
def test_amount_accepts_any_scalar_without_crashing(value):
    try:
        result = validate_amount(value, "f")
    except ValidationError:
        return
    assert result > 0 and result == result.quantize(Decimal("0.01"))


@given(
    region=st.sampled_from(["11", "32", "44", "65", "81"]),
    rest=st.text(alphabet="0123456789", min_size=4, max_size=4),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    serial=st.text(alphabet="0123456789", min_size=3, max_size=3),
    position=st.integers(0, 16),
    delta=st.integers(1, 9),
)
def test_resident_id_check_digit_catches_every_single_digit_error(region, rest, born, serial, position, delta):
    body = f"{region}{rest}{born:%Y%m%d}{serial}"
    good = body + resident_id_check_digit(body)
    assert validate_resident_id(good, "f", today=TODAY) == good
    typo = good[:position] + str((int(good[position]) + delta) % 10) + good[position + 1:]
    with pytest.raises(ValidationError):
        validate_resident_id(typo, "f", today=TODAY)


@given(
    department=st.sampled_from(sorted(USCC_CATEGORIES)),
    data=st.data(),
    position=st.integers(0, 17),
)
def test_uscc_check_character_catches_every_single_substitution(department, data, position):
    category = data.draw(st.sampled_from(USCC_CATEGORIES[department]))
    region = data.draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body = department + category + region + data.draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    good = body + uscc_check_character(body)
    assert validate_uscc(good, "f") == good
    replacement = data.draw(st.sampled_from(USCC_ALPHABET.replace(good[position], "")))
    with pytest.raises(ValidationError):
        validate_uscc(good[:position] + replacement + good[position + 1:], "f")


@given(
    year=st.integers(2003, 2025),
    kind=st.sampled_from("12389"),
    serial=st.text(alphabet="0123456789", min_size=7, max_size=7),
    position=st.integers(0, 11),
    delta=st.integers(1, 9),
)
def test_patent_check_digit_catches_every_single_digit_error(year, kind, serial, position, delta):
    digits = f"{year}{kind}{serial}"
    number = validate_patent_number(f"{digits}.{patent_check_digit(digits)}", "f", today=TODAY)
    assert validate_patent_number(number.normalized, "f", today=TODAY) == number
    typo = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1:]
    with pytest.raises(ValidationError):
        validate_patent_number(f"{typo}.{number.normalized[-1]}", "f", today=TODAY)
