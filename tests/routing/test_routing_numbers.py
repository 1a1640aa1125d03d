"""Right numbers: the type digit of a Chinese patent application number decides the patent kind."""

from __future__ import annotations

import pytest

from dispute_hub.intake.validators import patent_check_digit
from dispute_hub.routing.numbers import find_right_numbers, parse_right_number


def number(body: str) -> str:
    return f"{body}.{patent_check_digit(body)}"


@pytest.mark.parametrize(("value", "kind", "pct"), [
    ("ZL" + number("202110123456"), "invention", False),
    ("ZL " + number("202120123456"), "utility_model", False),
    (number("202130123456"), "design", False),
    ("CN" + number("201880012345"), "invention", True),
    (number("201990012345"), "utility_model", True),
    ("ZL" + number("98234567"), "utility_model", False),     # before 2003: 8 digits, digit 3 is the type
    ("ZL" + number("99312345"), "design", False),
    (number("202130123456").replace(".", ""), "design", False),  # a field may omit the dot
    ("ＺＬ２０２１３０１２３４５６．" + patent_check_digit("202130123456"), "design", False),  # full width
])
def test_structured_patent_numbers_give_the_kind(value, kind, pct):
    found = parse_right_number(value)
    assert found is not None and found.ip_type == "patent"
    assert (found.patent_kind, found.pct, found.check_ok) == (kind, pct, True)


def test_a_wrong_check_digit_still_reads_the_type_but_says_so():
    found = parse_right_number("ZL202130123456.7")  # the correct check digit is 8
    assert found is not None and found.patent_kind == "design" and not found.check_ok
    assert "check digit should be 8" in found.reason_en


@pytest.mark.parametrize("value", ["", "第12345678号", "202150123456.1", "12345", "hello"])
def test_other_values_are_not_patent_numbers(value):
    found = parse_right_number(value)
    assert found is None or found.ip_type != "patent"


def test_numbers_are_found_in_free_text_in_order():
    text = f"涉案专利ZL{number('201710123456')}，另有公告号CN 305123456 S，软件登记号2019SR0123456。"
    found = find_right_numbers(text)
    assert [(n.ip_type, n.patent_kind, n.scheme) for n in found] == [
        ("patent", "invention", "patent"), ("patent", "design", "patent"), ("copyright", None, "software"),
    ]


def test_text_numbers_need_the_dot_so_phone_numbers_are_not_patents():
    assert find_right_numbers("联系电话13912345678，身份证320602199001011234") == []


def test_plant_variety_and_layout_design_numbers():
    found = find_right_numbers("品种权号CNA20191234.5；布图设计登记号BS.205500123")
    assert [n.ip_type for n in found] == ["plant_variety", "layout_design"]
