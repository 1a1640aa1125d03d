"""DisputeFacts from a filing dict and its classification."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from dispute_hub.routing.classification import Classification
from dispute_hub.routing.classifier import classify
from dispute_hub.routing.engine import route
from dispute_hub.routing.facts import DisputeFacts, facts_from_filing
from dispute_hub.routing.ruleset import load_rules

FILING = {
    "claimant": {"name": "某精工株式会社", "country": "jp"},
    "respondents": [{"name": "南通某家纺有限公司", "country": "CN"}, {"name": "某贸易公司"}],
    "ip_right": {"type": "patent", "number": "ZL202130456781.9", "title": "床罩"},
    "description": "被申请人在叠石桥市场销售与申请人外观设计专利近似的床罩",
    "discovered_on": "2023-03-01",
    "filed_on": "2024-05-06",
    "arbitration_agreement": {"written": True, "clause": "合同第12条"},
    "existing_proceedings": {"court_case_no": "(2024)苏0691民初123号", "court_referral": True},
    "preferred_channel": "industry_mediation",
    "damages_claimed": "50000.00",
    "language": "zh",
}


def test_facts_carry_the_filing_and_the_classification():
    classification = classify(FILING["description"], FILING, today=date(2024, 5, 6))
    facts = facts_from_filing(FILING, classification)
    assert (facts.ip_type, facts.patent_kind, facts.nature, facts.is_infringement) == (
        "patent", "design", "infringement", True)
    assert facts.cause_name == "侵害外观设计专利权纠纷" and facts.right_number == "ZL202130456781.9"
    assert facts.industry == "home_textile"  # read from the text: 叠石桥, 床罩
    assert facts.arbitration_agreement and facts.court_linked and not facts.accepted_elsewhere
    assert facts.claimant_preference == "industry_mediation"
    assert (facts.claimant_country, facts.respondent_countries, facts.foreign_party) == ("JP", ("CN", "CN"), True)
    assert facts.damages_claimed == Decimal("50000.00")
    assert (facts.discovered_on, facts.filed_on) == (date(2023, 3, 1), date(2024, 5, 6))
    assert "foreign_party" in facts.signals and facts.classification is classification


def test_facts_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DisputeFacts().ip_type = "patent"  # type: ignore[misc]


@pytest.mark.parametrize(("agreement", "written"), [
    (True, True), (False, False), (None, False), ({"written": False}, False), ("yes", True), ("no", False),
])
def test_only_a_written_arbitration_agreement_counts(agreement, written):
    assert facts_from_filing({"arbitration_agreement": agreement}, None).arbitration_agreement is written


@pytest.mark.parametrize(("proceedings", "elsewhere"), [
    ({}, False),
    ({"accepted_by": "arbitration"}, True),
    ({"accepted_by": "mediation"}, True),
    ({"accepted": True}, True),
    ({"accepted_by": "court"}, True),
    ({"accepted_by": "court", "court_case_no": "(2024)苏06民初9号"}, False),
    ({"accepted_by": "court", "court_referral": True}, False),
])
def test_accepted_elsewhere_excludes_the_court_that_refers_the_case(proceedings, elsewhere):
    assert facts_from_filing({"existing_proceedings": proceedings}, None).accepted_elsewhere is elsewhere


def test_industry_declared_in_the_filing_beats_the_classifier():
    c = Classification(is_ip=True, ip_type="trademark", industry="furniture")
    assert facts_from_filing({"industry": "home_textile"}, c).industry == "home_textile"
    assert facts_from_filing({}, c).industry == "furniture"


def test_without_a_classification_the_filing_is_screened():
    facts = facts_from_filing({"description": "x", "damages_claimed": "lots"}, None)
    assert not facts.is_ip and facts.damages_claimed is None
    assert route(facts, load_rules()).outcome == "screening"
