"""A valid filing body for tests, with real check characters computed, not hard-coded."""

from __future__ import annotations

import copy

from dispute_hub.intake.validators import patent_check_digit, uscc_check_character


def uscc(first17: str) -> str:
    """A unified social credit code with its real check character."""
    return first17 + uscc_check_character(first17)


def patent(digits: str) -> str:
    """A patent number (ZL + 12 digits + check character) with its real check character."""
    return f"ZL{digits}.{patent_check_digit(digits)}"


BODY = {
    "claimant": {
        "kind": "company",
        "name": "南通锦绣家纺有限公司",
        "id_number": uscc("91320602MA1N2L3J7"),
        "country": "CN",
        "phone": "13812345678",
        "email": "legal@jinxiu.example.com",
    },
    "respondents": [
        {
            "kind": "company",
            "name": "义乌市佳美日用品有限公司",
            "id_number": None,
            "address": "浙江省义乌市稠城街道工人北路88号",
            "online_store": "拼多多“佳美家居”店",
        }
    ],
    "ip_right": {"type": "patent", "number": patent("202110123456"), "title": "一种防滑床笠"},
    "description": "被申请人在拼多多店铺销售的床笠落入申请人发明专利权利要求1的保护范围，请求停止销售并赔偿损失。",
    "discovered_on": "2026-05-01",
    "district": "崇川区",
    "industry": "home_textile",
    "claims": {"stop": True, "damages": 50000, "other": None},
    "arbitration_agreement": False,
    "existing_proceedings": {"court_case_no": None, "accepted_elsewhere": None},
    "preferred_channel": None,
    "language": "zh",
}


def filing_body(**changes) -> dict:
    """A fresh, valid filing (the API shape) with ``changes`` applied to its top level."""
    body = copy.deepcopy(BODY)
    body.update(changes)
    return body
