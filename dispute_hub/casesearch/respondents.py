"""Repeat-respondent history: every case against one entity, as a user may see it. Read-only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Dispute, Party, User
from ..permissions import case_scope
from .documents import days_to_close
from .entities import adverse_outcome, find_entity
from .models import RespondentEntity, RespondentLink

ALL_CASES_ROLES = ("admin", "liaison")
MAX_LISTED = 500


@dataclass(frozen=True)
class EntityCase:
    tracking_no: str
    title: str
    status: str
    closure: str | None
    channel: str | None
    cause_name: str | None
    filed_at: datetime
    days_to_close: int | None
    adverse: bool


@dataclass
class EntityHistory:
    """The cases against an entity: those the user may open in full, the others as counts by outcome."""

    entity_id: int
    name: str
    total: int = 0
    adverse: int = 0
    cases: list[EntityCase] = field(default_factory=list)
    hidden: Counter = field(default_factory=Counter)

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())


def _entity_disputes(entity_id: int):
    return select(RespondentLink.dispute_id).where(RespondentLink.entity_id == entity_id)


def entity_history(entity_id: int, user: User) -> EntityHistory | None:
    """The history of one entity for ``user``; None when the user may open none of its cases (answer 404,
    so neither the entity nor its name is revealed)."""
    entity = db.session.get(RespondentEntity, entity_id)
    if entity is None:
        return None
    query = (select(Dispute, case_scope(user).label("visible"), adverse_outcome().label("adverse"))
             .where(Dispute.id.in_(_entity_disputes(entity_id))).order_by(Dispute.filed_at.desc()).limit(MAX_LISTED))
    rows = db.session.execute(query).all()
    visible = [(d, bool(adverse)) for d, seen, adverse in rows if seen]
    if not visible and user.role not in ALL_CASES_ROLES:
        return None
    history = EntityHistory(entity_id, _shown_name(entity, [d.id for d, _ in visible]), total=len(rows))
    for dispute, seen, adverse in rows:
        history.adverse += bool(adverse)
        if seen:
            history.cases.append(EntityCase(dispute.tracking_no, dispute.title, dispute.status, dispute.closure,
                                            dispute.channel, dispute.cause_name, dispute.filed_at,
                                            days_to_close(dispute), bool(adverse)))
        else:
            history.hidden[("closure", dispute.closure) if dispute.closure else ("status", dispute.status)] += 1
    return history


def _shown_name(entity: RespondentEntity, visible_ids: list[int]) -> str:
    """The entity's name as written in a case the user may open (another case's spelling could identify it)."""
    if not visible_ids:
        return entity.name
    name = db.session.execute(
        select(Party.name).join(RespondentLink, RespondentLink.party_id == Party.id)
        .where(RespondentLink.entity_id == entity.id, Party.dispute_id.in_(visible_ids))
        .order_by(Party.id.desc()).limit(1)).scalar_one_or_none()
    return name or entity.name


@dataclass(frozen=True)
class RespondentSummary:
    """A respondent of the case on screen: its entity and what its other cases came to."""

    name: str
    entity_id: int | None
    other_cases: int
    adverse: int


def respondent_summaries(dispute: Dispute) -> list[RespondentSummary]:
    """One summary per respondent of ``dispute``; unlinked respondents are matched on the fly."""
    summaries = []
    for party in dispute.parties_in("respondent"):
        entity_id = db.session.execute(
            select(RespondentLink.entity_id).where(RespondentLink.party_id == party.id)).scalar_one_or_none()
        if entity_id is None:
            match = find_entity(party.name_normalized, party.id_number, party.kind)
            entity_id = match.entity.id if match else None
        if entity_id is None:
            summaries.append(RespondentSummary(party.name, None, 0, 0))
            continue
        others = select(Dispute.id).where(Dispute.id.in_(_entity_disputes(entity_id)), Dispute.id != dispute.id)
        ids = list(db.session.execute(others).scalars())
        adverse = db.session.execute(
            select(Dispute.id).where(Dispute.id.in_(ids), adverse_outcome())).all() if ids else []
        summaries.append(RespondentSummary(party.name, entity_id, len(ids), len(adverse)))
    return summaries
