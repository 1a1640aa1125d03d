"""The filing service: one transaction, idempotent, gap-free numbers, hashed access code, flags."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import sqlalchemy as sa

from dispute_hub.intake.schema import FilingInvalid, parse_filing
from dispute_hub.intake.services import check_access_code, submit_filing
from dispute_hub.models import CaseEvent, Dispute, IPRight, Party, SearchOutbox, verify_chain
from tests.support.filings import filing_body, patent

DESIGN_PATENT = {"type": "patent", "number": patent("202130123456"), "title": "床罩（花开富贵）"}


def body(**changes):
    return filing_body(**{"ip_right": dict(DESIGN_PATENT), **changes})


@pytest.fixture
def valid(districts):
    return body()


def test_a_filing_writes_a_complete_case_in_one_transaction(db, valid, districts):
    filing = parse_filing(valid, districts=districts, today=date(2026, 11, 25))
    receipt = submit_filing(filing, idempotency_key="k-1")
    db.session.commit()
    case = db.session.get(Dispute, receipt.dispute.id)
    assert receipt.created and case.status == "submitted"
    assert case.tracking_no.startswith("NTIP-") and case.tracking_no.endswith("000001")
    assert case.ip_type == "patent" and case.patent_kind == "design"
    assert case.district_code == "chongchuan"
    assert {p.role for p in case.parties} == {"claimant", "respondent"}
    right = db.session.execute(sa.select(IPRight).where(IPRight.dispute_id == case.id)).scalar_one()
    assert right.number_normalized == valid["ip_right"]["number"][2:].replace(".", "")
    events = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == case.id)).scalars().all()
    assert [e.kind for e in events] == ["submitted"] and verify_chain(case).ok
    assert db.session.execute(sa.select(SearchOutbox.entity_id)).scalars().all() == [case.id]
    # the access code is shown once; only its hash is stored
    assert receipt.access_code and receipt.access_code not in (case.access_code_hash or "")
    assert check_access_code(case, receipt.access_code)
    assert check_access_code(case, receipt.access_code.lower().replace("-", " "))
    assert not check_access_code(case, "AAAA-AAAA")


def test_double_submit_returns_the_first_case(db, valid, districts):
    filing = parse_filing(valid, districts=districts)
    first = submit_filing(filing, idempotency_key="same")
    db.session.commit()
    second = submit_filing(filing, idempotency_key="same")
    assert not second.created and second.access_code is None
    assert second.dispute.id == first.dispute.id
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 1


def test_nothing_is_written_when_the_filing_is_invalid(db, districts):
    bad = body(description="", district="上海市")
    bad["claimant"]["id_number"] = "91320602MA1N2L3J70"  # wrong check character
    bad["respondents"] = [{"name": ""}]
    with pytest.raises(FilingInvalid) as caught:
        parse_filing(bad, districts=districts)
    fields = {e.field for e in caught.value.errors}
    assert {"description", "district", "claimant.id_number", "respondents[0].name"} <= fields
    assert all(e.message_zh and e.message_en for e in caught.value.errors)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0


def test_parties_get_normalised_names_for_lookups(db, valid, districts):
    receipt = submit_filing(parse_filing(valid, districts=districts))
    db.session.commit()
    names = dict(
        db.session.execute(
            sa.select(Party.role, Party.name_normalized).where(Party.dispute_id == receipt.dispute.id)
        ).all()
    )
    assert names == {"claimant": "锦绣家纺", "respondent": "佳美日用品"}


def test_same_claimant_respondent_and_right_is_flagged_as_possible_duplicate(db, valid, districts):
    first = submit_filing(parse_filing(valid, districts=districts))
    db.session.commit()
    variant = copy.deepcopy(valid)
    variant["claimant"]["name"] = "南通锦绣家纺有限责任公司"  # a spelling variant of the same company
    variant["respondents"][0]["name"] = "（义乌）佳美日用品有限公司"
    second = submit_filing(parse_filing(variant, districts=districts))
    flags = [f for f in second.dispute.flags if f["code"] == "possible_duplicate"]
    assert [f["tracking_no"] for f in flags] == [first.dispute.tracking_no]
    assert "申请人相同" in flags[0]["zh"] and "same right number" in flags[0]["en"]


def test_different_claimant_is_not_a_duplicate(db, valid, districts):
    submit_filing(parse_filing(valid, districts=districts))
    db.session.commit()
    other = copy.deepcopy(valid)
    other["claimant"]["name"] = "海安美居家具有限公司"
    other["claimant"]["id_number"] = None
    receipt = submit_filing(parse_filing(other, districts=districts))
    assert not [f for f in receipt.dispute.flags if f["code"] == "possible_duplicate"]


def test_accepted_elsewhere_and_time_bar_are_flagged(db, valid, districts):
    data = copy.deepcopy(valid)
    data["existing_proceedings"] = {"court_case_no": None, "accepted_elsewhere": "南通市崇川区人民调解委员会"}
    data["discovered_on"] = "2021-01-10"
    receipt = submit_filing(parse_filing(data, districts=districts))
    codes = {f["code"] for f in receipt.dispute.flags}
    assert {"accepted_elsewhere", "possibly_time_barred"} <= codes


def test_triage_needs_only_the_description(districts):
    filing = parse_filing({"description": "对方抄袭了我的软件代码"}, districts=districts, require_parties=False)
    assert filing.claimant is None and filing.respondents == ()


def test_foreign_claimant_keeps_its_own_registration_number(db, valid, districts):
    data = copy.deepcopy(valid)
    data["claimant"] = {
        "kind": "company",
        "name": "Nordlicht Textiles GmbH",
        "country": "de",
        "id_number": "HRB 12345",
        "email": "ip@nordlicht.example.com",
    }
    data["language"] = "en"
    filing = parse_filing(data, districts=districts)
    assert filing.claimant.country == "DE" and filing.claimant.id_number == "HRB 12345"
