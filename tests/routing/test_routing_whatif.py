"""What-if: stored filings replayed under an edited table; counts before and after, the cases that move."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
import yaml

from dispute_hub.routing.rules_store import rules_from_text
from dispute_hub.routing.ruleset import DEFAULT_RULES, RulesError, load_rules
from dispute_hub.routing.services import triage
from dispute_hub.routing.whatif import LANES, Destination, StoredFiling, destination, replay
from tests.support.filings import filing_body

RULES = load_rules()
TODAY = date(2026, 6, 1)

HOME_TEXTILE = filing_body()  # an invention patent on a bed sheet, industry home_textile
PHOTOS = filing_body(
    industry=None,
    ip_right={"type": "copyright", "number": None, "title": "风光摄影作品集"},
    description="被申请人未经许可在其网站上传播申请人享有著作权的摄影作品一百余幅，请求停止侵权并赔偿损失。",
)


def edited_table(change: Callable[[dict], None] | None = None, version: str = "v2-test") -> str:
    """The shipped table as YAML text with a new version and ``change`` applied to its document."""
    doc = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    doc["version"] = version
    if change is not None:
        change(doc)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def without_rule(rule_id: str) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        doc["rules"] = [r for r in doc["rules"] if r["id"] != rule_id]

    return change


def stored(body: dict, n: int = 1, classification: dict | None = None) -> StoredFiling:
    """A filing as if routed by the shipped table (classification and decision stored)."""
    c, d = triage(body, today=TODAY, rules=RULES)
    return StoredFiling(dispute_id=n, tracking_no=f"NTIP-2026-{n:06d}", title=f"case {n}", body=body,
                        classification=classification or c.to_dict(), decision=d.to_dict())


def test_the_shipped_table_replayed_moves_nothing():
    filings = [stored(HOME_TEXTILE, 1), stored(PHOTOS, 2), stored(HOME_TEXTILE, 3)]
    result = replay(RULES, filings)
    assert result.replayed == 3 and result.moves == () and result.changed == ()
    assert all(row.before == row.after for row in result.lanes + result.organizations)


def test_without_the_home_textile_rule_its_cases_move_to_peoples_mediation():
    filings = [stored(HOME_TEXTILE, 1), stored(PHOTOS, 2), stored(HOME_TEXTILE, 3)]
    assert [f.decision["rule_id"] for f in filings] == ["home-textile-center", "people-mediation",
                                                         "home-textile-center"]
    result = replay(rules_from_text(edited_table(without_rule("home-textile-center"))), filings)
    assert result.rules_version == "v2-test"
    assert [m.tracking_no for m in result.moves] == ["NTIP-2026-000001", "NTIP-2026-000003"]
    move = result.moves[0]
    assert (move.before.channel, move.before.organization, move.before.rule_id) == (
        "industry_mediation", "nt-hometextile-center", "home-textile-center")
    assert (move.after.channel, move.after.organization, move.after.rule_id) == (
        "people_mediation", "nt-ip-people-mediation", "people-mediation")
    lanes = {row.key: (row.before, row.after, row.delta) for row in result.lanes}
    assert lanes == {"industry_mediation": (2, 0, -2), "people_mediation": (1, 3, 2)}
    orgs = {row.key: (row.before, row.after) for row in result.organizations}
    assert orgs == {"nt-hometextile-center": (2, 0), "nt-ip-people-mediation": (1, 3)}
    assert [row.key for row in result.changed] == ["people_mediation", "industry_mediation"]


def test_a_rule_renamed_but_routing_the_same_moves_no_case():
    def rename(doc: dict) -> None:
        next(r for r in doc["rules"] if r["id"] == "home-textile-center")["id"] = "textile-centre"

    result = replay(rules_from_text(edited_table(rename)), [stored(HOME_TEXTILE)])
    assert result.moves == ()


def test_the_stored_classification_is_replayed_not_recomputed():
    not_ip = {"is_ip": False, "signals": [], "confidence": 0.9}
    result = replay(RULES, [stored(HOME_TEXTILE, classification=not_ip)])
    assert [(m.before.lane, m.after.lane, m.after.rule_id) for m in result.moves] == [
        ("industry_mediation", "screening", "not-ip-screening")]


@pytest.mark.parametrize(("decision", "lane", "organization"), [
    ({"outcome": "route", "channel": "arbitration", "organization": "nt-arbitration"}, "arbitration",
     "nt-arbitration"),
    ({"outcome": "screening", "channel": None, "organization": None}, "screening", None),
    ({"outcome": "not_accepted", "channel": None, "organization": None, "rule_id": "accepted-elsewhere"},
     "not_accepted", None),
    ({}, "screening", None),
])
def test_destination_of_a_stored_decision(decision, lane, organization):
    place = destination(decision)
    assert (place.lane, place.organization) == (lane, organization)


def test_lanes_are_listed_channels_first_then_outcomes_and_no_organisation_last():
    elsewhere = copy.deepcopy(HOME_TEXTILE)
    elsewhere["existing_proceedings"] = {"accepted_by": "arbitration"}
    filings = [stored(elsewhere, 1), stored(PHOTOS, 2), stored(HOME_TEXTILE, 3)]
    result = replay(RULES, filings)
    assert [row.key for row in result.lanes] == ["people_mediation", "industry_mediation", "not_accepted"]
    assert [row.key for row in result.lanes] == sorted((r.key for r in result.lanes), key=LANES.index)
    assert result.organizations[-1].key is None
    assert Destination("route", "people_mediation", "x", "a").same_place(Destination("route", "people_mediation",
                                                                                     "x", "b"))


@pytest.mark.parametrize(("change", "rule", "field"), [
    (lambda doc: doc["rules"][0]["conditions"].append({"predicate": "moon_phase"}), "accepted-elsewhere",
     "conditions[1].predicate"),
    (lambda doc: doc["rules"].append(copy.deepcopy(doc["rules"][0])), "accepted-elsewhere", "id"),
    (lambda doc: doc["rules"][-1].update(channel="carrier_pigeon"), "people-mediation", "channel"),
])
def test_an_invalid_edited_table_names_the_rule_and_field(change, rule, field):
    with pytest.raises(RulesError) as raised:
        rules_from_text(edited_table(change))
    assert f"rule '{rule}' field '{field}'" in str(raised.value)


def test_text_that_is_not_yaml_is_refused_with_its_position():
    with pytest.raises(RulesError, match=r"(?s)edited table: cannot read rules: .*line 3, column 3"):
        rules_from_text("version: v2\nrules: [\n  - {id: x")


# --- over stored cases ---

def file_and_route(db, districts, body: dict):
    """A filing submitted and routed as the platform does it, committed."""
    from dispute_hub.intake.schema import parse_filing
    from dispute_hub.intake.services import submit_filing
    from dispute_hub.routing.services import process_new_filing

    dispute = submit_filing(parse_filing(body, districts=districts)).dispute
    assert process_new_filing(dispute) is True
    db.session.commit()
    return dispute


def test_dry_run_replays_the_last_routed_filings_and_writes_nothing(db, districts):
    from dispute_hub.models import Dispute, RuleTableVersion
    from dispute_hub.routing.whatif import dry_run, recent_filings

    cases = [file_and_route(db, districts, body) for body in (HOME_TEXTILE, PHOTOS, HOME_TEXTILE)]
    before = {d.id: copy.deepcopy(d.routing_decision) for d in cases}
    assert [f.dispute_id for f in recent_filings(2)] == [cases[2].id, cases[1].id]

    result = dry_run(edited_table(without_rule("home-textile-center")), last=200)
    assert result.replayed == 3
    assert sorted(m.dispute_id for m in result.moves) == [cases[0].id, cases[2].id]

    db.session.rollback()
    db.session.expire_all()
    assert db.session.execute(sa.select(sa.func.count()).select_from(RuleTableVersion)).scalar_one() == 0
    after = dict(db.session.execute(sa.select(Dispute.id, Dispute.routing_decision)).all())
    assert after == before


def test_dry_run_refuses_an_organisation_that_does_not_exist(db, districts):
    from dispute_hub.routing.whatif import dry_run

    def rename_org(doc: dict) -> None:
        doc["rules"][-1]["organization"] = "nowhere-committee"

    with pytest.raises(RulesError, match="rule 'people-mediation' field 'organization': unknown organisation"):
        dry_run(edited_table(rename_org))
