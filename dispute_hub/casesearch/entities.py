"""Respondents resolved into entities: by ID number (USCC or resident ID) when known, else by name.

Candidates always come from indexed look-ups (the ID number, the exact normalised name, the block of
names starting alike), never from a scan of all cases; rapidfuzz then decides among a few.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import exists, func, or_, select

from ..extensions import db
from ..models import CourtProceeding, Dispute, Party
from .models import RespondentEntity, RespondentLink

# WRatio on normalised cores. Lower than intake's duplicate check (90): a word added to a long trade name
# (梦洁网络科技 / 梦洁网络科技服务, 85.7) is the same company, while one character changed in a short one
# (锦绣家纺 / 锦华家纺, 75) is not.
SAME_ENTITY = 85.0
CANDIDATES = 200  # per look-up key; a key this common cannot tell entities apart anyway
# Outcomes that went against the respondent: a mediated settlement, an administrative decision, a court
# judgment or court mediation. The data does not say which way a decision went; it is counted as adverse.
ADVERSE_CLOSURES = ("settled", "adjudicated")
ADVERSE_COURT = ("judgment", "mediation")
REPEAT_THRESHOLD = 2


def block_of(core: str) -> str:
    """The blocking key of a name core: its first two characters (CJK) or four (Latin)."""
    if not core:
        return ""
    return core[:2] if not core[0].isascii() else core[:4]


@dataclass(frozen=True)
class EntityMatch:
    entity: RespondentEntity
    score: float
    matched_by: str  # id_number | name | fuzzy


def _compatible(entity: RespondentEntity, id_number: str | None) -> bool:
    return not id_number or entity.id_number in (None, id_number)


def find_entity(core: str, id_number: str | None, kind: str = "company") -> EntityMatch | None:
    """The entity a respondent belongs to, or None; never creates one.

    :param core: the normalised name (``normalize_party_name``)
    :param id_number: USCC or resident ID when the filing gave one
    :param kind: "company" or "person"; people are matched by ID number or exact name only
    """
    if id_number:
        entity = db.session.execute(
            select(RespondentEntity).where(RespondentEntity.id_number == id_number)).scalar_one_or_none()
        if entity is not None:
            return EntityMatch(entity, 100.0, "id_number")
    if not core:
        return None
    exact = db.session.execute(
        select(RespondentEntity).where(RespondentEntity.name_core == core, RespondentEntity.kind == kind)
        .order_by(RespondentEntity.id).limit(CANDIDATES)).scalars().all()
    exact = [e for e in exact if _compatible(e, id_number)]
    if exact:
        return EntityMatch(exact[0], 100.0, "name")
    if kind != "company":
        return None
    block = db.session.execute(
        select(RespondentEntity).where(RespondentEntity.block == block_of(core), RespondentEntity.kind == kind)
        .order_by(RespondentEntity.id.desc()).limit(CANDIDATES)).scalars().all()
    scored = [(float(fuzz.WRatio(core, e.name_core)), e) for e in block if _compatible(e, id_number)]
    scored = [(score, e) for score, e in scored if score >= SAME_ENTITY]
    if not scored:
        return None
    score, entity = max(scored, key=lambda pair: (pair[0], -pair[1].id))
    return EntityMatch(entity, score, "fuzzy")


def resolve_party(party: Party) -> RespondentLink:
    """Link a respondent party to its entity, creating the entity when none matches; flushes."""
    link = _link(party, find_entity(party.name_normalized, party.id_number, party.kind))
    db.session.flush()
    return link


class _Batch:
    """The entities a batch of respondents can match, fetched by three look-ups (ID numbers, exact names, name
    blocks; each capped at CANDIDATES per key, as ``find_entity``'s are) and grown by the entities the batch
    creates, so a batch needs no query or flush per party. Matches as ``find_entity`` does."""

    def __init__(self, parties: Sequence[Party]) -> None:
        ids = {p.id_number for p in parties if p.id_number}
        cores = {p.name_normalized for p in parties if p.name_normalized}
        blocks = {block_of(p.name_normalized) for p in parties if p.kind == "company" and p.name_normalized}
        self.by_id: dict[str, RespondentEntity] = {}
        self.by_name: dict[tuple[str, str], list[RespondentEntity]] = {}  # (core, kind), oldest first
        self.by_block: dict[str, list[RespondentEntity]] = {}  # companies, newest first
        with db.session.no_autoflush:
            if ids:
                self.by_id = {e.id_number: e for e in db.session.execute(
                    select(RespondentEntity).where(RespondentEntity.id_number.in_(ids))).scalars()}
            for entity in self._ranked(RespondentEntity.name_core.in_(cores), RespondentEntity.id.asc(),
                                       RespondentEntity.name_core, RespondentEntity.kind):
                self.by_name.setdefault((entity.name_core, entity.kind), []).append(entity)
            for entity in self._ranked(RespondentEntity.block.in_(blocks) & (RespondentEntity.kind == "company"),
                                       RespondentEntity.id.desc(), RespondentEntity.block):
                self.by_block.setdefault(entity.block, []).append(entity)

    @staticmethod
    def _ranked(where, order, *partition) -> list[RespondentEntity]:
        rank = func.row_number().over(partition_by=partition, order_by=order).label("rank")
        ranked = select(RespondentEntity.id, rank).where(where).subquery()
        return list(db.session.execute(
            select(RespondentEntity).join(ranked, ranked.c.id == RespondentEntity.id)
            .where(ranked.c.rank <= CANDIDATES).order_by(ranked.c.rank)).scalars())

    def find(self, core: str, id_number: str | None, kind: str) -> EntityMatch | None:
        if id_number and id_number in self.by_id:
            return EntityMatch(self.by_id[id_number], 100.0, "id_number")
        if not core:
            return None
        exact = [e for e in self.by_name.get((core, kind), ())[:CANDIDATES] if _compatible(e, id_number)]
        if exact:
            return EntityMatch(exact[0], 100.0, "name")
        if kind != "company":
            return None
        newest_first = self.by_block.get(block_of(core), ())[:CANDIDATES]
        scored = [(score, age, e) for age, e in enumerate(newest_first) if _compatible(e, id_number)
                  and (score := float(fuzz.WRatio(core, e.name_core))) >= SAME_ENTITY]
        if not scored:
            return None
        # find_entity's tie-break: the oldest entity, which is the last of the newest-first list
        score, _age, entity = max(scored, key=lambda scored_entity: scored_entity[:2])
        return EntityMatch(entity, score, "fuzzy")

    def created(self, entity: RespondentEntity) -> None:
        if entity.id_number:
            self.by_id[entity.id_number] = entity
        self.by_name.setdefault((entity.name_core, entity.kind), []).append(entity)
        if entity.kind == "company":
            self.by_block.setdefault(entity.block, []).insert(0, entity)

    def gave_id_number(self, entity: RespondentEntity) -> None:
        self.by_id[entity.id_number] = entity


def _link(party: Party, match: EntityMatch | None, batch: _Batch | None = None) -> RespondentLink:
    """The link of ``party`` to its match, or to a new entity when none matched; added, not flushed."""
    if match is None:
        entity = RespondentEntity(kind=party.kind, id_number=party.id_number or None,
                                  name_core=party.name_normalized, block=block_of(party.name_normalized),
                                  name=party.name)
        db.session.add(entity)
        if batch is not None:
            batch.created(entity)
        link = RespondentLink(party_id=party.id, entity=entity, dispute_id=party.dispute_id, score=100.0,
                              matched_by="new")
    else:
        entity = match.entity
        if party.id_number and entity.id_number is None:
            entity.id_number = party.id_number  # the first filing that gives the USCC settles it
            if batch is not None:
                batch.gave_id_number(entity)
        entity.name = party.name
        link = RespondentLink(party_id=party.id, entity=entity, dispute_id=party.dispute_id, score=match.score,
                              matched_by=match.matched_by)
    db.session.add(link)
    return link


def link_respondents(disputes: Iterable[Dispute]) -> int:
    """Resolve every respondent of these cases that has no entity yet; return how many were linked.

    The whole batch is matched from one set of look-ups and written by one flush; it links as resolving
    its parties one by one with ``resolve_party`` would.
    """
    parties = [p for d in disputes for p in d.parties if p.role == "respondent" and p.id is not None]
    if not parties:
        return 0
    linked = set(db.session.execute(
        select(RespondentLink.party_id).where(RespondentLink.party_id.in_([p.id for p in parties]))).scalars())
    todo = [p for p in parties if p.id not in linked]
    if not todo:
        return 0
    batch = _Batch(todo)
    with db.session.no_autoflush:
        for party in todo:
            _link(party, batch.find(party.name_normalized, party.id_number, party.kind), batch)
    db.session.flush()
    return len(todo)


def adverse_outcome():
    """SQL condition on Dispute: the case ended against its respondent (see ADVERSE_*)."""
    court = exists().where(CourtProceeding.dispute_id == Dispute.id,
                           CourtProceeding.conclusion_type.in_(ADVERSE_COURT))
    return or_(Dispute.closure.in_(ADVERSE_CLOSURES), court)


def respondent_case_ids(core: str, id_number: str | None, kind: str = "company") -> set[int]:
    """Cases against the same respondent: its entity's links plus parties with the same ID or exact name.

    The direct party look-ups cover cases whose respondents the outbox has not linked yet.
    """
    ids: set[int] = set()
    match = find_entity(core, id_number, kind)
    if match is not None:
        ids.update(db.session.execute(select(RespondentLink.dispute_id).where(
            RespondentLink.entity_id == match.entity.id).limit(CANDIDATES)).scalars())
    keys = []
    if id_number:
        keys.append(Party.id_number == id_number)
    if core:
        keys.append(Party.name_normalized == core)
    for key in keys:
        ids.update(db.session.execute(select(Party.dispute_id).where(Party.role == "respondent", key)
                                      .order_by(Party.id.desc()).limit(CANDIDATES)).scalars())
    return ids


def count_adverse(dispute_ids: Iterable[int]) -> int:
    ids = list(dispute_ids)
    if not ids:
        return 0
    found = db.session.execute(select(Dispute.id).where(Dispute.id.in_(ids), adverse_outcome())).all()
    return len(found)


def repeat_respondent_flags(respondents: Sequence) -> list[dict]:
    """Intake flags for respondents with REPEAT_THRESHOLD or more earlier adverse outcomes.

    :param respondents: the filing's respondents (``PartyData``: name, name_normalized, id_number, kind)
    :return: flag dicts ``{"code": "possible_repeat_infringer", "count", "zh", "en"}``, one per respondent
    """
    flags = []
    for respondent in respondents:
        ids = respondent_case_ids(respondent.name_normalized, respondent.id_number, respondent.kind)
        adverse = count_adverse(ids)
        if adverse >= REPEAT_THRESHOLD:
            flags.append({
                "code": "possible_repeat_infringer",
                "count": adverse,
                # figures about other cases: for the staff screening this one, never for the filer
                "staff_only": True,
                "zh": f"被申请人“{respondent.name}”此前已有 {adverse} 起案件以调解成功、裁决或判决告终，可能为重复侵权",
                "en": f"respondent “{respondent.name}” has {adverse} earlier cases that ended in a settlement, "
                      "decision or judgment: possibly a repeat infringer",
            })
    return flags
