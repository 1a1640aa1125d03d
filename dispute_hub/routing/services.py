"""Routing services: classify, route and propose a mediator for a filing; store each step with its reasons.

Never commits; the task (or the caller) does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func, select

from ..extensions import db
from ..intake.schema import FilingData, PartyData
from ..mediation.transitions import TERMINAL_STATES
from ..mediation.workflow import perform, record
from ..models import Dispute, MediatorProfile, Organization, User, utcnow
from .assignment import Assignment, CaseForAssignment, MediatorCandidate, assign
from .classification import Classification
from .classifier import classify
from .corrections import active_weights
from .engine import Decision, route
from .facts import facts_from_filing
from .rules_store import active_ruleset
from .ruleset import RuleSet

SHANGHAI = ZoneInfo("Asia/Shanghai")
# filings no rule routes (not IP, already accepted elsewhere) wait here for a person to screen them
SCREENING_ORGANIZATION = "nt-ip-people-mediation"


def active_rules() -> RuleSet:
    """The rule table in force: the admin-activated version, else the repository's (cached per version)."""
    return active_ruleset()


def triage(
    body: Mapping, *, today: date | None = None, rules: RuleSet | None = None
) -> tuple[Classification, Decision]:
    """Classification and routing decision of a filing body (the intake shape); writes nothing."""
    # weights retrained from mediators' corrections (flask retrain-classifier) win over the packaged ones;
    # outside an application (evaluation, pure tests) there are none
    weights = active_weights(current_app.instance_path) if has_app_context() else None
    classification = classify(str(body.get("description") or ""), body, today=today, weights=weights)
    decision = route(facts_from_filing(body, classification), rules or active_rules())
    return classification, decision


def filing_body(dispute: Dispute) -> dict:
    """The intake shape of a stored case, as routing reads it."""
    right = dispute.ip_rights[0] if dispute.ip_rights else None
    parties = {"claimant": None, "respondents": []}
    for p in dispute.parties:
        data = {"kind": p.kind, "name": p.name, "country": p.country, "id_number": p.id_number}
        if p.role == "claimant":
            parties["claimant"] = data
        elif p.role == "respondent":
            parties["respondents"].append(data)
    proceedings = dict(dispute.existing_proceedings or {})
    return {
        **parties,
        "description": dispute.description,
        "ip_right": {"type": right.ip_type, "number": right.number, "title": right.title} if right else {},
        "industry": dispute.industry,
        "arbitration_agreement": dispute.arbitration_agreement,
        "existing_proceedings": proceedings,
        "preferred_channel": dispute.preferred_channel,
        "damages_claimed": dispute.damages_claimed,
        "discovered_on": dispute.discovered_on,
        "filed_on": dispute.filed_at.astimezone(SHANGHAI).date(),
        "language": dispute.language,
    }


def _party_shape(party: PartyData) -> dict:
    return {"kind": party.kind, "name": party.name, "country": party.country, "id_number": party.id_number}


def filing_shape(filing: FilingData, today: date) -> dict:
    """The intake shape routing reads, built from a validated filing as it would be stored on ``today``.

    Mirrors ``routing.services.filing_body`` of a stored case, so a preview decides like the filing would.
    """
    right = filing.ip_right
    return {
        "claimant": _party_shape(filing.claimant) if filing.claimant else None,
        "respondents": [_party_shape(r) for r in filing.respondents],
        "description": filing.description,
        "ip_right": ({"type": right.ip_type, "number": right.number, "title": right.title}
                     if right.ip_type or right.number or right.title else {}),
        "industry": filing.industry,
        "arbitration_agreement": filing.arbitration_agreement,
        "existing_proceedings": {"court_case_no": filing.court_case_no,
                                 "accepted_elsewhere": filing.accepted_elsewhere},
        "preferred_channel": filing.preferred_channel,
        "damages_claimed": filing.damages,
        "discovered_on": filing.discovered_on,
        "filed_on": today,
        "language": filing.language,
    }


def triage_filing(filing: FilingData, *, today: date, rules: RuleSet | None = None) -> tuple[Classification, Decision]:
    """Classification and routing decision of a validated filing, as if filed ``today``; writes nothing."""
    return triage(filing_shape(filing, today), today=today, rules=rules)


def shanghai_today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def _apply_classification(dispute: Dispute, c: Classification) -> None:
    dispute.classification = c.to_dict()
    # what the claimant stated about the right stands; the classifier fills what is missing
    dispute.ip_type = dispute.ip_type or c.ip_type
    dispute.patent_kind = dispute.patent_kind or c.patent_kind
    dispute.cause_code, dispute.cause_name, dispute.taxonomy_version = c.cause_code, c.cause_name, c.taxonomy_version
    dispute.industry = dispute.industry or c.industry
    dispute.signals = list(c.signals)
    record(
        dispute,
        "classified",
        data={"is_ip": c.is_ip, "ip_type": c.ip_type, "cause_name": c.cause_name, "confidence": c.confidence},
    )


def open_load(org_id: int) -> dict[int, int]:
    """Open cases per mediator of an organisation, in one grouped query."""
    rows = db.session.execute(
        select(Dispute.mediator_id, func.count())
        .where(
            Dispute.organization_id == org_id,
            Dispute.mediator_id.is_not(None),
            Dispute.status.not_in(TERMINAL_STATES | {"settled", "failed", "declined", "referred", "decided"}),
        )
        .group_by(Dispute.mediator_id)
    ).all()
    return dict(rows)


def candidates(org: Organization) -> list[MediatorCandidate]:
    load = open_load(org.id)
    rows = db.session.execute(
        select(User, MediatorProfile)
        .join(MediatorProfile, MediatorProfile.user_id == User.id)
        .where(User.organization_id == org.id, User.role == "mediator")
        .order_by(User.id)
    ).all()
    return [
        MediatorCandidate(
            id=user.id,
            name=user.name,
            active=user.active,
            on_leave=profile.on_leave,
            leave_until=profile.leave_until,
            specialties=tuple(profile.specialties or ()),
            languages=tuple(profile.languages or ("zh",)),
            capacity=profile.capacity,
            open_cases=load.get(user.id, 0),
            declared_interests=tuple(profile.declared_interests or ()),
            past_representation=tuple(profile.past_representation or ()),
            last_assigned_at=profile.last_assigned_at,
        )
        for user, profile in rows
    ]


def propose_mediator(dispute: Dispute, now: datetime | None = None) -> Assignment:
    """Choose the case's mediator in its organisation and record the choice with every candidate's reasons."""
    now = now or utcnow()
    case = CaseForAssignment(
        case_id=dispute.id,
        ip_type=dispute.ip_type,
        language=dispute.language,
        party_names=tuple(p.name for p in dispute.parties),
        subject=(dispute.classification or {}).get("subject"),
    )
    result = assign(case, candidates(dispute.organization), now)
    dispute.mediator_id = result.mediator_id
    if result.mediator_id is not None:
        profile = db.session.get(MediatorProfile, result.mediator_id)
        profile.last_assigned_at = now
    record(dispute, "assignment", data=result.to_dict())
    return result


def process_new_filing(dispute: Dispute, now: datetime | None = None) -> bool:
    """Classify, route and propose a mediator for a case still ``submitted``; False when already done.

    The case moves to ``screening`` in the chosen organisation (or the screening organisation when no
    rule routes it); accepting it stays a person's decision.
    """
    if dispute.status != "submitted" or dispute.classification is not None:
        return False
    now = now or utcnow()
    classification, decision = triage(filing_body(dispute), today=now.astimezone(SHANGHAI).date())
    _apply_classification(dispute, classification)
    dispute.routing_decision = decision.to_dict()
    code = decision.organization if decision.outcome == "route" else SCREENING_ORGANIZATION
    dispute.organization = db.session.execute(select(Organization).where(Organization.code == code)).scalar_one()
    dispute.channel = decision.channel
    record(
        dispute,
        "routed",
        data={"outcome": decision.outcome, "channel": decision.channel, "organization": code, "rule": decision.rule_id},
    )
    perform(dispute, "screen", role="system", actor_label="系统（自动分流） / System (routing)", now=now)
    if decision.outcome == "route":
        propose_mediator(dispute, now)
    return True
