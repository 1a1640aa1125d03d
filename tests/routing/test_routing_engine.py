"""The routing engine over the shipped rules, as tables: every rule, rule order, every preference case."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from dispute_hub.routing.classification import Classification
from dispute_hub.routing.engine import route
from dispute_hub.routing.facts import DisputeFacts
from dispute_hub.routing.ruleset import load_rules, rules_from_dict

RULES = load_rules()
PATENT_INFRINGEMENT = DisputeFacts(ip_type="patent", patent_kind="design", nature="infringement",
                                   cause_name="侵害外观设计专利权纠纷")
TRADEMARK = DisputeFacts(ip_type="trademark", nature="infringement", cause_name="侵害商标权纠纷")


def facts(base: DisputeFacts = TRADEMARK, **changes) -> DisputeFacts:
    return replace(base, **changes)


@pytest.mark.parametrize(("given", "outcome", "channel", "organization", "rule_id"), [
    (facts(accepted_by="arbitration"), "not_accepted", None, None, "accepted-elsewhere"),
    (facts(accepted_by="mediation"), "not_accepted", None, None, "accepted-elsewhere"),
    (facts(accepted_by="court"), "not_accepted", None, None, "accepted-elsewhere"),
    (facts(is_ip=False, ip_type=None, nature=None, cause_name=None), "screening", None, None, "not-ip-screening"),
    (facts(PATENT_INFRINGEMENT, patent_kind="invention", court_case_no="(2024)苏06民初1号"), "route",
     "litigation_mediation", "nt-intermediate-court", "court-linked-patent"),
    (facts(PATENT_INFRINGEMENT, patent_kind=None, court_referral=True), "route",
     "litigation_mediation", "nt-intermediate-court", "court-linked-patent"),
    (facts(PATENT_INFRINGEMENT, court_referral=True), "route", "litigation_mediation", "tzw-court", "court-linked"),
    (facts(ip_type="plant_variety", court_referral=True), "route", "litigation_mediation",
     "nt-intermediate-court", "court-linked-technical"),
    (facts(ip_type="trade_secret", cause_name="侵害技术秘密纠纷", court_case_no="(2024)苏0691民初2号"), "route",
     "litigation_mediation", "nt-intermediate-court", "court-linked-technical"),
    (facts(ip_type="trade_secret", cause_name="侵害经营秘密纠纷", court_referral=True), "route",
     "litigation_mediation", "tzw-court", "court-linked"),
    (facts(court_case_no="(2024)苏0691民初3号"), "route", "litigation_mediation", "tzw-court", "court-linked"),
    (facts(accepted_by="court", court_case_no="(2024)苏0691民初4号"), "route", "litigation_mediation",
     "tzw-court", "court-linked"),
    (facts(signals=("criminal_or_counterfeit",)), "route", "enforcement_referral", "nt-amr",
     "counterfeit-enforcement"),
    (facts(ip_type="ip_contract", nature="contract", arbitration_agreement=True), "route", "arbitration",
     "nt-arbitration", "arbitration-agreement"),
    (facts(arbitration_agreement=True), "route", "arbitration", "nt-arbitration", "arbitration-agreement"),
    (facts(nature="ownership", cause_name="商标权权属纠纷", arbitration_agreement=True), "route",
     "people_mediation", "nt-ip-people-mediation", "people-mediation"),
    (facts(PATENT_INFRINGEMENT, claimant_preference="administrative_adjudication"), "route",
     "administrative_adjudication", "nt-amr", "patent-administrative-adjudication"),
    (facts(industry="home_textile"), "route", "industry_mediation", "nt-hometextile-center",
     "home-textile-center"),
    (facts(industry="furniture"), "route", "industry_mediation", "haian-furniture-center", "furniture-center"),
    (facts(), "route", "people_mediation", "nt-ip-people-mediation", "people-mediation"),
])
def test_every_rule(given, outcome, channel, organization, rule_id):
    decision = route(given, RULES)
    assert (decision.outcome, decision.channel, decision.organization, decision.rule_id) == (
        outcome, channel, organization, rule_id)


@pytest.mark.parametrize(("given", "rule_id"), [
    (facts(accepted_by="arbitration", court_referral=False, is_ip=False), "accepted-elsewhere"),
    (facts(is_ip=False, court_referral=True), "not-ip-screening"),
    (facts(court_referral=True, signals=("criminal_or_counterfeit",)), "court-linked"),
    (facts(industry="home_textile", signals=("criminal_or_counterfeit",)), "counterfeit-enforcement"),
    (facts(industry="furniture", arbitration_agreement=True), "arbitration-agreement"),
    (facts(PATENT_INFRINGEMENT, industry="home_textile", claimant_preference="administrative_adjudication"),
     "patent-administrative-adjudication"),
])
def test_the_first_rule_that_fires_wins(given, rule_id):
    assert route(given, RULES).rule_id == rule_id


@pytest.mark.parametrize(("given", "wanted", "status", "channel", "words"), [
    (facts(industry="home_textile"), "people_mediation", "honoured", "people_mediation", "switched"),
    (facts(arbitration_agreement=True), "people_mediation", "honoured", "people_mediation", "switched"),
    (facts(industry="home_textile", arbitration_agreement=True), "industry_mediation", "honoured",
     "industry_mediation", "switched"),
    (facts(), "people_mediation", "honoured", "people_mediation", "as the claimant asked"),
    (facts(), "administrative_adjudication", "not_eligible", "people_mediation", "IP type is trademark"),
    (facts(PATENT_INFRINGEMENT, nature="ownership", cause_name="专利权权属纠纷"), "administrative_adjudication",
     "not_eligible", "people_mediation", "nature of the dispute is ownership"),
    (facts(PATENT_INFRINGEMENT, signals=("criminal_or_counterfeit",)), "administrative_adjudication",
     "not_overridable", "enforcement_referral", "counterfeit-enforcement"),
    (facts(), "arbitration", "not_eligible", "people_mediation", "no written arbitration agreement"),
    (facts(), "litigation_mediation", "not_eligible", "people_mediation", "no court case number"),
    (facts(), "industry_mediation", "not_eligible", "people_mediation", "industry is unknown"),
    (facts(), "enforcement_referral", "not_eligible", "people_mediation", "no signal"),
    (facts(court_referral=True), "people_mediation", "not_overridable", "litigation_mediation", "court-linked"),
    (facts(is_ip=False), "people_mediation", "not_overridable", None, "not-ip-screening"),
    (facts(accepted_by="mediation"), "people_mediation", "not_overridable", None, "accepted-elsewhere"),
    (facts(), "mediation", "not_eligible", "people_mediation", "'mediation' is not a channel"),
    (facts(), None, "none", "people_mediation", "no preferred channel"),
])
def test_preferences_are_honoured_when_eligible_and_explained_when_not(given, wanted, status, channel, words):
    decision = route(replace(given, claimant_preference=wanted), RULES)
    assert (decision.preference.status, decision.channel) == (status, channel)
    assert decision.preference.requested == wanted
    assert words in decision.preference.en and decision.preference.zh


def test_the_administrative_refusal_explains_that_only_patent_infringement_qualifies():
    decision = route(facts(claimant_preference="administrative_adjudication"), RULES)
    assert "专利侵权" in decision.preference.zh and "Patent Law Art 65" in decision.preference.en


def test_every_rule_is_considered_in_order_with_one_chosen_and_reasons():
    decision = route(facts(industry="home_textile"), RULES)
    assert [t.rule_id for t in decision.considered] == [r.id for r in RULES]
    assert [t.rule_id for t in decision.considered if t.chosen] == ["home-textile-center"]
    fired = {t.rule_id for t in decision.considered if t.fired}
    assert fired == {"home-textile-center", "people-mediation"}
    court = next(t for t in decision.considered if t.rule_id == "court-linked")
    assert court.reason_zh == "无法院案号，也非法院委派" and court.reason_en.startswith("no court case number")
    default = next(t for t in decision.considered if t.rule_id == "people-mediation")
    assert default.reason_en == "applies unconditionally"


@pytest.mark.parametrize(("given", "codes"), [
    (facts(signals=("possibly_time_barred",)), ["possibly_time_barred"]),
    (facts(confidence=0.3, classification=Classification(is_ip=True)), ["low_confidence"]),
    (facts(respondent_countries=("JP",)), ["foreign_party"]),
    (facts(PATENT_INFRINGEMENT, claimant_preference="administrative_adjudication"), ["invalidation_suspends"]),
    (facts(), []),
])
def test_warnings(given, codes):
    assert [w.code for w in route(given, RULES).warnings] == codes


def test_no_rule_firing_goes_to_screening_with_a_warning():
    rules = rules_from_dict({"version": "t", "rules": [
        {"id": "patents", "description": {"zh": "专利", "en": "patents"}, "channel": "people_mediation",
         "organization": "nt-ip-people-mediation", "preference_may_override": True,
         "conditions": [{"predicate": "ip_type_in", "args": {"types": ["patent"]}}]}]})
    decision = route(facts(), rules)
    assert (decision.outcome, decision.rule_id, decision.channel) == ("screening", None, None)
    assert [w.code for w in decision.warnings] == ["no_rule"]


def test_the_decision_is_json_ready():
    data = route(facts(industry="furniture", claimant_preference="arbitration"), RULES).to_dict()
    again = json.loads(json.dumps(data, ensure_ascii=False))
    assert again["rules_version"] == "v1" and again["preference"]["status"] == "not_eligible"
    assert len(again["considered"]) == len(RULES.rules)


def test_route_is_pure():
    given = facts(industry="home_textile", claimant_preference="people_mediation")
    assert route(given, RULES) == route(given, RULES)
