"""The 2020 cause taxonomy as data: complete, immutable, looked up by name and code, versioned."""

from __future__ import annotations

import dataclasses

import pytest

from dispute_hub.routing.taxonomy import TaxonomyError, available_versions, load_taxonomy, name_key
from dispute_hub.routing.vocab import IP_TYPES, PATENT_KINDS

TAX = load_taxonomy("2020")


def test_every_group_and_numbered_cause_is_there():
    groups = TAX.level("group")
    assert [(g.code, g.name) for g in groups] == [
        ("13", "知识产权合同纠纷"), ("14", "知识产权权属、侵权纠纷"), ("15", "不正当竞争纠纷"), ("16", "垄断纠纷"),
    ]
    assert [c.number for c in TAX.level("cause")] == list(range(146, 186))


def test_item_counts_follow_the_official_list():
    counts = {c.number: len(c.children) for c in TAX.level("cause")}
    assert counts[146] == 13 and counts[158] == 28 and counts[160] == 10 and counts[152] == 13
    assert counts[153] == 0 and counts[171] == 0 and counts[184] == 6
    assert len(TAX.level("item")) == 125


@pytest.mark.parametrize(("name", "code", "ip_type", "kind", "parent"), [
    ("侵害外观设计专利权纠纷", "160.5", "patent", "design", "160"),
    ("侵害实用新型专利权纠纷", "160.4", "patent", "utility_model", "160"),
    ("侵害发明专利权纠纷", "160.3", "patent", "invention", "160"),
    ("外观设计专利实施许可合同纠纷", "148.5", "ip_contract", "design", "148"),
    ("发明专利临时保护期使用费纠纷", "160.7", "patent", "invention", "160"),
    ("侵害作品信息网络传播权纠纷", "158.13", "copyright", None, "158"),
    ("侵害技术秘密纠纷", "176.1", "trade_secret", None, "176"),
    ("确认不侵害注册商标专用权纠纷", "169.2", "trademark", None, "169"),
    ("职务技术成果完成人奖励、报酬纠纷", "152.12", "ip_contract", None, "152"),
    ("虚假宣传纠纷", "175", "unfair_competition", None, "15"),
    ("滥用市场支配地位纠纷", "184", "other_ip", None, "16"),
])
def test_nodes_carry_code_parent_type_and_kind(name, code, ip_type, kind, parent):
    node = TAX.by_name(name)
    assert (node.code, node.ip_type, node.patent_kind, node.parent_code) == (code, ip_type, kind, parent)
    assert TAX.by_code(code) is node


def test_contract_items_end_in_contract_dispute_and_others_in_dispute():
    for node in TAX.nodes:
        assert node.name.endswith("纠纷")
    contract = [n for n in TAX.level("item") if n.parent_code and TAX.by_code(n.parent_code).parent_code == "13"]
    assert all(n.name.endswith("合同纠纷") for n in contract if n.nature == "contract")


def test_every_node_maps_to_known_codes():
    for node in TAX.nodes:
        assert node.ip_type is None or node.ip_type in IP_TYPES
        assert node.patent_kind is None or node.patent_kind in PATENT_KINDS
    assert all(n.ip_type for n in TAX.nodes if n.level != "group" and n.code != "14")


def test_lookup_tolerates_width_and_the_trailing_dispute_word():
    node = TAX.by_name("企业名称(商号)合同纠纷")
    assert node.name == "企业名称（商号）合同纠纷"
    assert TAX.find("侵害外观设计专利权") is TAX.by_code("160.5")
    assert TAX.find("no such cause") is None
    assert name_key(" 侵害商标权纠纷 ") == "侵害商标权"


def test_path_runs_from_group_to_node():
    assert [n.code for n in TAX.path(TAX.by_code("160.5"))] == ["14", "160", "160.5"]


def test_taxonomy_is_immutable_and_shared():
    node = TAX.by_code("159")
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        TAX._by_code["x"] = node  # type: ignore[index]
    assert load_taxonomy("2020") is TAX


def test_versions_form_a_registry_and_unknown_ones_are_refused():
    assert "2020" in available_versions()
    with pytest.raises(TaxonomyError, match="2025"):
        load_taxonomy("2025")


def test_geographical_indications_borrow_trademark_causes_in_2020():
    assert TAX.types_for("geographical_indication") == ("geographical_indication", "trademark")
    assert TAX.types_for("patent") == ("patent",)
