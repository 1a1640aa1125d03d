"""Respondents resolved into entities, and the intake flag for a possible repeat infringer."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dispute_hub.casesearch.entities import block_of, find_entity, repeat_respondent_flags
from dispute_hub.casesearch.models import RespondentEntity, RespondentLink
from dispute_hub.intake.normalize import normalize_party_name
from dispute_hub.intake.schema import parse_filing
from dispute_hub.intake.services import submit_filing
from dispute_hub.models import CourtProceeding
from tests.support.filings import filing_body, uscc

USCC = uscc("91320612MA1X2Y3N4")


def entity_of(db, case) -> RespondentEntity:
    party = case.parties_in("respondent")[0]
    return db.session.get(RespondentLink, party.id).entity


@pytest.mark.parametrize(("core", "block"), [("梦洁网络科技", "梦洁"), ("acmetextile", "acme"), ("", "")])
def test_block_is_the_start_of_the_name_core(core, block):
    assert block_of(core) == block


def test_spelling_variants_of_one_company_are_one_entity(db, make, indexed_case):
    org = make.org()
    first = indexed_case(org, respondent="南通市梦洁网络科技有限公司")
    second = indexed_case(org, respondent="梦洁网络科技（南通）有限公司")
    third = indexed_case(org, respondent="梦洁网络科技有限责任公司海门分公司")

    entities = {entity_of(db, case).id for case in (first, second, third)}

    assert len(entities) == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(RespondentEntity)).scalar_one() == 1


def test_a_near_spelling_is_matched_fuzzily_and_a_different_trade_name_is_not(db, make, indexed_case):
    org = make.org()
    base = indexed_case(org, respondent="梦洁网络科技有限公司")
    near = indexed_case(org, respondent="梦洁网络科技服务有限公司")
    other = indexed_case(org, respondent="梦想家居用品有限公司")
    short = indexed_case(org, respondent="锦绣家纺有限公司")
    one_changed = indexed_case(org, respondent="锦华家纺有限公司")

    assert entity_of(db, near).id == entity_of(db, base).id
    link = db.session.get(RespondentLink, near.parties_in("respondent")[0].id)
    assert link.matched_by == "fuzzy" and link.score >= 85
    assert entity_of(db, other).id != entity_of(db, base).id
    assert entity_of(db, one_changed).id != entity_of(db, short).id


def test_the_uscc_decides_over_the_name(db, make, indexed_case):
    org = make.org()
    named = indexed_case(org, respondent="梦洁网络科技有限公司")
    with_code = indexed_case(org, respondent="梦洁网络科技有限公司", id_number=USCC)
    renamed = indexed_case(org, respondent="南通新名字贸易有限公司", id_number=USCC)
    namesake = indexed_case(org, respondent="梦洁网络科技有限公司", id_number=uscc("91320612MA1X2Y3N5"))

    entity = entity_of(db, named)
    assert entity_of(db, with_code).id == entity.id and entity.id_number == USCC
    assert entity_of(db, renamed).id == entity.id
    assert entity_of(db, namesake).id != entity.id


def test_people_are_matched_by_id_number_or_exact_name_only(db, make):
    make.dispute()  # no entity yet for anyone
    db.session.add(RespondentEntity(kind="person", name_core="张伟", block="张伟", name="张伟"))
    db.session.flush()

    assert find_entity("张伟", None, "person").matched_by == "name"
    assert find_entity("张伟伟", None, "person") is None


def test_candidates_come_from_index_look_ups_only(db, make, indexed_case):
    org = make.org()
    indexed_case(org, respondent="梦洁网络科技有限公司")
    statements: list[str] = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    try:
        find_entity(normalize_party_name("梦洁网络科技服务有限公司"), None)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    selects = [s for s in statements if "respondent_entities" in s]
    assert selects and all("WHERE" in s and ("name_core" in s or "block" in s) for s in selects)


def adverse_cases(db, make, indexed_case, name: str, n: int):
    org = make.org()
    closures = ["settled", "adjudicated", "failed"]
    cases = [indexed_case(org, respondent=name, status="closed", closure=closures[i % 3]) for i in range(n)]
    return cases


def test_intake_flags_a_respondent_with_two_earlier_adverse_outcomes(db, make, indexed_case, districts):
    adverse_cases(db, make, indexed_case, "义乌市佳美日用品有限公司", 3)  # settled, adjudicated, failed

    filing = parse_filing(filing_body(), districts=districts, today=date(2026, 11, 25))
    case = submit_filing(filing).dispute

    flags = [f for f in case.flags if f["code"] == "possible_repeat_infringer"]
    assert len(flags) == 1 and flags[0]["count"] == 2 and flags[0]["staff_only"] is True
    assert "佳美" in flags[0]["zh"]


def test_one_adverse_outcome_or_a_court_judgment_alone_is_not_yet_a_repeat(db, make, indexed_case, districts):
    cases = adverse_cases(db, make, indexed_case, "义乌市佳美日用品有限公司", 1)
    filing = parse_filing(filing_body(), districts=districts, today=date(2026, 11, 25))
    assert repeat_respondent_flags(filing.respondents) == []

    other = indexed_case(make.org(), respondent="佳美日用品（义乌）有限公司", status="referred")
    db.session.add(CourtProceeding(dispute_id=other.id, conclusion_type="judgment"))
    db.session.commit()

    assert cases and repeat_respondent_flags(filing.respondents)[0]["count"] == 2


def test_unlinked_earlier_cases_still_count_by_exact_name(db, make, districts):
    from dispute_hub.models import Party

    org = make.org()
    for _ in range(2):
        case = make.dispute(org, status="closed", closure="settled")
        case.parties.append(Party(role="respondent", kind="company", name="义乌市佳美日用品有限公司",
                                  name_normalized=normalize_party_name("义乌市佳美日用品有限公司")))
    db.session.commit()  # no outbox rows: never linked

    filing = parse_filing(filing_body(), districts=districts, today=date(2026, 11, 25))

    assert repeat_respondent_flags(filing.respondents)[0]["count"] == 2


# a batch of respondents written in one go (as an import's drain sees them): spelling variants, a near name,
# names one character apart, ID numbers given late or shared by differently named filings, people, Latin names
BATCH = [
    ("company", "南通市梦洁网络科技有限公司", None),
    ("company", "梦洁网络科技（南通）有限公司", None),
    ("company", "梦洁网络科技服务有限公司", None),
    ("company", "梦洁网络科技有限公司", USCC),
    ("company", "南通梦洁网络科技有限公司", None),
    ("company", "锦绣家纺有限公司", None),
    ("company", "锦华家纺有限公司", None),
    ("company", "锦华家纺有限公司", uscc("91320600MA1B2C3D4")),
    ("company", "海门锦华家纺有限公司", uscc("91320600MA1B2C3D4")),
    ("company", "Acme Textile Co., Ltd.", None),
    ("company", "ACME TEXTILE LTD", None),
    ("company", "Acme Textiles Trading Ltd", None),
    ("person", "张伟", None),
    ("person", "张伟", "320602199001011234"),
    ("person", "张伟伟", None),
    ("company", "梦想家居用品有限公司", None),
    ("company", "锦程纺织科技有限公司", None),
]
EARLIER = [("company", "梦洁网络科技有限公司", None), ("company", "锦绣家纺有限公司", uscc("91320600MA9X8Y7W6")),
           ("person", "张伟", None),
           # two earlier entities equally near to 锦程纺织科技 (85.7 each): the older one wins the tie
           ("company", "锦程纺织科技发展有限公司", None), ("company", "锦程纺织科技服务有限公司", None)]


def _cases(make, org, rows):
    from dispute_hub.models import Party

    parties = []
    for kind, name, id_number in rows:
        dispute = make.dispute(org)
        for party in dispute.parties_in("respondent"):
            dispute.parties.remove(party)
        party = Party(role="respondent", kind=kind, name=name, name_normalized=normalize_party_name(name),
                      id_number=id_number)
        dispute.parties.append(party)
        parties.append(party)
    return parties


def _groups(db, parties, kept: set[int]) -> list[tuple]:
    """Each party's (parties sharing its entity, the entity's id when it is one of ``kept``, how it matched,
    score): comparable across runs that each create their own new entities."""
    links = {p.id: db.session.get(RespondentLink, p.id) for p in parties}
    members: dict[int, set[int]] = {}
    for party_id, link in links.items():
        members.setdefault(link.entity_id, set()).add(party_id)
    return [(frozenset(members[link.entity_id]), link.entity_id if link.entity_id in kept else None,
             link.matched_by, round(link.score, 3)) for link in (links[p.id] for p in parties)]


def test_a_batch_links_as_resolving_its_parties_one_by_one_would(db, make):
    """link_respondents matches a whole batch from one set of look-ups and one flush; the entities, the
    groupings and each link's way and score equal those of resolve_party called party after party."""
    from dispute_hub.casesearch.entities import link_respondents, resolve_party

    org = make.org()
    for party in _cases(make, org, EARLIER):
        db.session.flush()
        resolve_party(party)
    batch = _cases(make, org, BATCH)
    db.session.commit()
    before = {e.id: (e.id_number, e.name) for e in db.session.execute(sa.select(RespondentEntity)).scalars()}

    assert link_respondents([p.dispute for p in batch]) == len(BATCH)
    db.session.commit()
    batched = _groups(db, batch, set(before))
    tie = db.session.get(RespondentLink, batch[-1].id).entity
    entities_batched = db.session.execute(sa.select(sa.func.count()).select_from(RespondentEntity)).scalar_one()

    db.session.execute(sa.delete(RespondentLink).where(RespondentLink.party_id.in_([p.id for p in batch])))
    db.session.execute(sa.delete(RespondentEntity).where(RespondentEntity.id.notin_(list(before))))
    for entity in db.session.execute(sa.select(RespondentEntity)).scalars():
        entity.id_number, entity.name = before[entity.id]
    db.session.commit()
    for party in batch:
        resolve_party(party)
    db.session.commit()

    assert batched == _groups(db, batch, set(before))
    assert entities_batched == db.session.execute(sa.select(sa.func.count()).select_from(RespondentEntity)).scalar_one()
    ways = {way for _members, _kept, way, _score in batched}
    assert {"id_number", "name", "fuzzy", "new"} <= ways  # the batch exercises every way of matching
    assert tie.name_core == normalize_party_name(EARLIER[-2][1])
