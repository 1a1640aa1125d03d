"""reweight(): a pure step that moves phrase weights toward mediators' corrections."""

from __future__ import annotations

import copy

from dispute_hub.routing.classifier import classify
from dispute_hub.routing.training import MAX_WEIGHT, reweight
from dispute_hub.routing.weights import Weights, load_weights

LABOUR = "老板欠了我们三个月工资，还说我们泄露了公司的客户信息，要扣我们的钱。"


def test_reweight_leaves_its_input_alone_and_bumps_the_revision():
    doc = load_weights().to_dict()
    before = copy.deepcopy(doc)
    new = reweight(doc, [(LABOUR, None, None, None)])
    assert doc == before
    assert new["revision"] == before["revision"] + 1 and new["corrections_learned"] == 1


def test_a_wrong_ip_call_is_unlearned():
    weights = load_weights()
    assert classify(LABOUR, weights=weights).is_ip  # the mistake mediators corrected
    new = reweight(weights, [(LABOUR, None, None, None)] * 2)
    assert not classify(LABOUR, weights=Weights.from_dict(new)).is_ip
    assert new["non_ip"]["工资"] > weights.source["non_ip"]["工资"]
    assert new["subjects"]["trade_secret"]["客户信息"] < weights.source["subjects"]["trade_secret"]["客户信息"]


def test_a_wrong_cause_moves_weight_between_the_two_causes():
    text = "双方签订了图书出版合同，出版社擅自删改作品内容后出版。"
    weights = load_weights()
    assert classify(text, weights=weights).cause_name == "出版合同纠纷"
    new = reweight(weights, [(text, None, "copyright", "侵害作品修改权纠纷")] * 3)
    result = classify(text, weights=Weights.from_dict(new))
    assert (result.ip_type, result.cause_name) == ("copyright", "侵害作品修改权纠纷")
    assert new["causes"]["侵害作品修改权纠纷"]["删改"] > weights.source["causes"]["侵害作品修改权纠纷"]["删改"]
    assert new["causes"]["出版合同纠纷"]["出版"] < weights.source["causes"]["出版合同纠纷"]["出版"]
    assert new["natures"]["contract"]["合同"] < weights.source["natures"]["contract"]["合同"]


def test_a_correct_result_changes_no_weight_and_weights_stay_bounded():
    weights = load_weights()
    right = ("被申请人在淘宝店铺销售假冒申请人注册商标的运动鞋", None, "trademark", "侵害商标权纠纷")
    new = reweight(weights, [right])
    for group in ("subjects", "natures", "causes"):
        assert new[group] == weights.source[group]
    pushed = reweight(weights, [(LABOUR, None, None, None)] * 40)
    values = [w for table in pushed["subjects"].values() for w in table.values()] + list(pushed["non_ip"].values())
    assert all(0.0 <= w <= MAX_WEIGHT for w in values)
