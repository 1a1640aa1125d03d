"""Party-name normalisation, right-number keys and name similarity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispute_hub.intake.normalize import name_similarity, normalize_party_name, normalize_right_number
from dispute_hub.intake.validators import ValidationError

SAME_FIRM = [
    "南通市某某家纺有限公司",
    "南通市某某家纺有限责任公司",
    "（南通）某某家纺 co. ltd",
    "某某家纺（南通）有限公司",
    "江苏省南通市某某家纺股份有限公司",
    "南通某某家纺厂",
    "某某家纺店",
    "ＮＡＮＴＯＮＧ 某某家纺 Co., Ltd.",
    "【南通】某某家纺有限公司",
    "南通市某某家纺有限公司海门分公司",
    " 某某 家纺 , Co.,Ltd ",
]


@pytest.mark.parametrize("name", SAME_FIRM)
def test_variants_of_one_firm_share_a_core(name):
    assert normalize_party_name(name) == "某某家纺"


@pytest.mark.parametrize(("name", "core"), [
    ("Nantong Moumou Home Textile Co., Ltd.", "moumouhometextile"),
    ("ACME GmbH", "acme"),
    ("Acme Corp.", "acme"),
    ("ACME, Inc.", "acme"),
    ("Acme LLC", "acme"),
    ("Tesco PLC", "tesco"),  # "co" inside a word is no legal form
    ("Zinc Inc.", "zinc"),
    ("NASA", "nasa"),
    ("华为技术有限公司", "华为技术"),
    ("某某集团有限公司", "某某"),
    ("南通某某商行", "某某"),
    # 厂 / 店 stay where they are part of the noun
    ("某某大酒店", "某某大酒店"),
    ("南通某某饭店", "某某饭店"),
    ("某某工厂", "某某工厂"),
    ("某某书店有限公司", "某某书店"),
    # never stripped to nothing
    ("公司", "公司"),
    ("南通", "南通"),
    ("", ""),
])
def test_normalized_cores(name, core):
    assert normalize_party_name(name) == core


def test_the_three_brief_variants_match_fully():
    a, b, c = "南通市某某家纺有限公司", "南通市某某家纺有限责任公司", "（南通）某某家纺 co. ltd"
    assert name_similarity(a, b) == name_similarity(a, c) == name_similarity(b, c) == 100.0


@pytest.mark.parametrize(("a", "b"), [
    ("南通市某某家纺有限公司", "上海大华家具有限公司"),
    ("南通市某某家纺有限公司", "深圳市金太阳家纺有限公司"),  # share only the industry word
    ("南通市某某家纺有限公司", "Acme GmbH"),
    ("华为技术有限公司", "中兴通讯股份有限公司"),
    ("Nantong Moumou Home Textile Co., Ltd.", "Shanghai Dahua Furniture Co., Ltd."),
])
def test_unrelated_names_score_low(a, b):
    assert name_similarity(a, b) < 50


@pytest.mark.parametrize(("a", "b"), [
    ("华为", "华为技术有限公司"),  # a trade name inside the full name
    ("南通市某某家纺有限公司", "某某家纺科技有限公司"),
    ("Moumou Home Textile Co Ltd", "Nantong Moumou Home Textile Co., Ltd."),
])
def test_related_names_score_high(a, b):
    assert name_similarity(a, b) >= 85


def test_similarity_is_symmetric_and_empty_scores_zero():
    assert name_similarity("某某家纺", "某某家具") == name_similarity("某某家具", "某某家纺")
    assert name_similarity("", "某某家纺") == 0.0
    assert name_similarity("有限公司", "") == 0.0


@pytest.mark.parametrize(("ip_type", "number", "key"), [
    ("patent", "ZL 2021 1 0123456.7", "2021101234567"),
    ("patent", "CN202110123456.7", "2021101234567"),
    ("patent", "02139508.x", "02139508X"),
    ("trademark", "第 0012345678 号", "12345678"),
    ("trademark", "12345678a", "12345678A"),
    ("copyright", "国作登字-2021-F-00012345", "国作登字2021F00012345"),
    ("plant_variety", "cnA 2019 1234.5", "CNA201912345"),
])
def test_normalize_right_number(ip_type, number, key):
    assert normalize_right_number(ip_type, number) == key


@pytest.mark.parametrize(("ip_type", "number", "code"), [
    ("patent", "ZL202110123456.8", "bad_check_digit"),
    ("trademark", "TM-1", "bad_characters"),
])
def test_normalize_right_number_refuses_invalid(ip_type, number, code):
    with pytest.raises(ValidationError) as caught:
        normalize_right_number(ip_type, number)
    assert caught.value.code == code and caught.value.field == "ip_right.number"


NAME_PARTS = st.lists(st.sampled_from([
    "南通", "南通市", "江苏省", "（南通）", "某某", "家纺", "科技", "有限公司", "有限责任公司", "股份", "集团",
    "厂", "店", "酒", "工", "分公司", "海门", " co.", " ltd", " Inc", "GmbH", "(", ")", "【", "】", " ", ",",
    "Ａ", "ß", "ﬁ", "㍿", "\u3000", "nantong ", "x",
]), max_size=10).map("".join)


@given(st.text(max_size=40) | NAME_PARTS)
def test_normalize_party_name_is_idempotent(name):
    once = normalize_party_name(name)
    assert normalize_party_name(once) == once


@given(NAME_PARTS, NAME_PARTS)
def test_similarity_is_bounded_and_identity_is_full(a, b):
    score = name_similarity(a, b)
    assert 0.0 <= score <= 100.0
    if normalize_party_name(a):
        assert name_similarity(a, a) == 100.0
