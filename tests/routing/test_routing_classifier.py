"""Classifier behaviours, one table per concern: structured facts first, non-IP stays non-IP, signals."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dispute_hub.intake.validators import patent_check_digit
from dispute_hub.routing.classifier import classify
from dispute_hub.routing.weights import load_weights


def number(body: str) -> str:
    return f"ZL{body}.{patent_check_digit(body)}"


def evidence_of(result, source: str) -> list[dict]:
    return [e for e in result.to_dict()["evidence"] if e["source"] == source]


def test_a_design_number_outranks_text_that_says_invention():
    result = classify("我方的发明专利被对方仿造，对方大量销售同款台灯",
                      {"ip_right": {"type": "patent", "number": number("202230812345")}})
    assert (result.ip_type, result.patent_kind, result.cause_name) == ("patent", "design", "侵害外观设计专利权纠纷")
    [field] = evidence_of(result, "ip_right.number")
    assert field["target"] == "ip_type:patent" and "type digit 3" in field["reason"]


def test_a_number_in_the_text_decides_the_kind_when_no_field_does():
    result = classify(f"被申请人未经许可制造与申请人专利{number('201920654321')}相同的毛巾架")
    assert result.patent_kind == "utility_model" and result.cause_name == "侵害实用新型专利权纠纷"


def test_a_declared_right_type_carries_a_vague_text():
    result = classify("对方未经许可在同类商品上使用", {"ip_right": {"type": "trademark"}})
    assert result.ip_type == "trademark" and result.cause_name == "侵害商标权纠纷"


@pytest.mark.parametrize("text", [
    "被申请人以经营其注册商标的品牌店为由向申请人借款30万元，约定月息1%，到期未还本息。",
    "申请人在被申请人处工作三年，被申请人拖欠工资及加班费并违法解除劳动合同。",
    "双方离婚时对婚后取得的房产和存款的分割存在争议。",
    "申请人驾驶电动车被被申请人的货车撞伤，要求赔偿医疗费、误工费。",
    "申请人向被申请人供应面料，被申请人拖欠货款12万元。",
    "被申请人租用申请人的商铺开店，已拖欠租金半年。",
    "申请人托运的专利产品样机在运输途中损坏，要求物流公司赔偿。",
    "",
])
def test_non_ip_disputes_are_not_forced_into_an_ip_type(text):
    result = classify(text)
    assert not result.is_ip
    assert (result.ip_type, result.patent_kind, result.cause_name) == (None, None, None)


def test_a_denied_ip_word_is_shown_as_negated_evidence():
    result = classify("本案系借款纠纷，与商标无关，被告借款十万元到期未还。")
    assert not result.is_ip
    negated = [e for e in result.to_dict()["evidence"] if e.get("negated")]
    assert negated and negated[0]["phrase"] == "商标"


@pytest.mark.parametrize(("text", "ip_type", "cause", "level"), [
    ("被申请人未经许可在同类商品上使用申请人的注册商标", "trademark", "侵害商标权纠纷", "item"),
    ("被申请人照着我们的专利产品做了一批卖给我们的客户", "patent", "专利权权属、侵权纠纷", "cause"),
    ("被申请人将申请人的美术作品擅自印制在T恤上出售", "copyright", "著作权权属、侵权纠纷", "cause"),
    ("被申请人未经许可在其网站上传播申请人的摄影作品", "copyright", "侵害作品信息网络传播权纠纷", "item"),
    ("被申请人的行为构成不正当竞争，扰乱市场秩序", "unfair_competition", "不正当竞争纠纷", "group"),
    ("被申请人在销售的羊肉上使用地理标志证明商标，产品并非产自该地", "geographical_indication",
     "侵害商标权纠纷", "item"),
    ("被申请人多次发警告函，申请人请求确认其产品不侵害被申请人的实用新型专利权", "patent",
     "确认不侵害专利权纠纷", "item"),
    ("双方签订技术开发合同，被申请人委托开发的纺纱工艺失败，申请人要求退还研发费", "ip_contract",
     "技术委托开发合同纠纷", "item"),
])
def test_the_most_specific_cause_the_evidence_supports(text, ip_type, cause, level):
    result = classify(text)
    assert (result.ip_type, result.cause_name, result.cause_level) == (ip_type, cause, level)


def test_a_software_registration_number_points_at_the_software_causes():
    result = classify("对方盗用我们的系统，换了界面就拿去卖",
                      {"ip_right": {"type": "copyright", "number": "2019SR0123456"}})
    assert result.cause_name == "侵害计算机软件著作权纠纷"


def test_an_english_filing_is_understood():
    result = classify("The respondent sells counterfeit bedding bearing our registered trademark on Taobao.",
                      {"claimant": {"country": "US"}})
    assert (result.ip_type, result.cause_name, result.industry) == ("trademark", "侵害商标权纠纷", "home_textile")
    assert set(result.signals) == {"criminal_or_counterfeit", "e_commerce", "foreign_party"}


@pytest.mark.parametrize(("text", "structured", "signal"), [
    ("被申请人在淘宝店铺销售侵权产品", None, "e_commerce"),
    ("在广交会上发现被申请人展出的产品使用了申请人的商标", None, "trade_fair"),
    ("公安机关查获制假窝点，现场有大量假冒申请人注册商标的洗发水", None, "criminal_or_counterfeit"),
    ("日本某株式会社发现被申请人使用其注册商标", None, "foreign_party"),
    ("被申请人使用申请人的注册商标", {"respondents": [{"name": "X", "country": "HK"}]}, "foreign_party"),
])
def test_signals(text, structured, signal):
    assert signal in classify(text, structured).signals


@pytest.mark.parametrize(("discovered", "today", "barred"), [
    ("2021-06-01", date(2024, 6, 1), False),   # exactly three years: not yet
    ("2021-05-31", date(2024, 6, 1), True),
    (date(2020, 2, 28), date(2024, 2, 29), True),
    ("2024-02-29", date(2027, 2, 28), False),  # leap day counts from 28 February
    ("not a date", date(2024, 6, 1), False),
    (None, date(2024, 6, 1), False),
])
def test_possibly_time_barred_after_three_years(discovered, today, barred):
    result = classify("被申请人未经许可使用申请人注册商标", {"discovered_on": discovered}, today=today)
    assert ("possibly_time_barred" in result.signals) is barred


@pytest.mark.parametrize(("text", "structured", "industry"), [
    ("被申请人销售侵犯申请人外观设计专利的四件套", None, "home_textile"),
    ("被申请人仿制申请人的实木沙发", None, "furniture"),
    ("被申请人使用申请人的注册商标", {"industry": "家纺"}, "home_textile"),
    ("被申请人使用申请人的注册商标", {"industry": "furniture"}, "furniture"),
    ("被申请人使用申请人的注册商标", None, None),
])
def test_industry_is_declared_or_read_from_the_text(text, structured, industry):
    assert classify(text, structured).industry == industry


def test_the_result_is_json_ready_with_a_bounded_confidence_and_its_evidence():
    result = classify("被申请人在淘宝店铺销售与申请人外观设计专利近似的床罩",
                      {"ip_right": {"type": "patent", "title": "床罩"}})
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["is_ip"] and 0.0 <= data["confidence"] <= 1.0
    assert {"source": "ip_right.type", "target": "ip_type:patent"}.items() <= data["evidence"][0].items()
    assert any(e.get("phrase") == "外观设计专利" for e in data["evidence"])
    assert data["weights_version"] == load_weights().version and data["taxonomy_version"] == "2020"


def test_weak_evidence_gives_lower_confidence_than_strong_evidence():
    weak = classify("对方抄袭我们的产品")
    strong = classify("被申请人未经许可制造销售落入申请人实用新型专利权利要求保护范围的产品",
                      {"ip_right": {"type": "patent", "number": number("202220345678")}})
    assert strong.confidence > weak.confidence
