"""One demo dispute: parties, right, a plausible history through the lifecycle, its event chain."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..intake.normalize import normalize_party_name, normalize_right_number
from ..models import CourtProceeding, Dispute, IPRight, Organization, Party, User, append_event
from ..tracking import next_tracking_no
from . import texts

# (template, ip_type, patent_kind, cause_name, weight)
SCENARIOS = [
    ("design", "patent", "design", "侵害外观设计专利权纠纷", 18),
    ("utility_model", "patent", "utility_model", "侵害实用新型专利权纠纷", 8),
    ("invention", "patent", "invention", "侵害发明专利权纠纷", 5),
    ("trademark", "trademark", None, "侵害商标权纠纷", 25),
    ("copyright", "copyright", None, "侵害作品信息网络传播权纠纷", 14),
    ("software", "copyright", None, "侵害计算机软件著作权纠纷", 4),
    ("trade_secret", "trade_secret", None, "侵害经营秘密纠纷", 4),
    (
        "unfair_competition",
        "unfair_competition",
        None,
        "擅自使用与他人有一定影响的商品名称、包装、装潢等相同或者近似的标识纠纷",
        8,
    ),
    ("ip_contract", "ip_contract", None, "商标使用许可合同纠纷", 5),
]
DISTRICTS = ["chongchuan", "tongzhou", "haimen", "haian", "rugao", "qidong", "rudong", "netda", "tongzhouwan"]
# rough step lengths in days for the demo's history; real deadlines come from the mediation rules
DEADLINE_DAYS = {
    "litigation_mediation": 30,
    "people_mediation": 30,
    "industry_mediation": 30,
    "arbitration": 60,
    "administrative_adjudication": 90,
    "enforcement_referral": 30,
}
MEDIATION_OUTCOMES = [("settled", 58), ("failed", 15), ("declined", 10), ("withdrawn", 7)]


def _pick(rng: random.Random, weighted):
    return rng.choices(weighted, weights=[w[-1] for w in weighted])[0]


def patent_number(rng: random.Random, year: int, kind: str) -> str:
    """A well-formed Chinese patent number (12 digits + check digit) of ``kind``."""
    type_digit = {"invention": "1", "utility_model": "2", "design": "3"}[kind]
    digits = f"{year}{type_digit}{rng.randrange(10**7):07d}"
    total = sum(int(d) * w for d, w in zip(digits, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], strict=True))
    check = total % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


def _facts_for_a_channel(rng, dispute: Dispute, template: str, ip_type: str) -> None:
    """Give some demo cases the facts that make the other channels' rules fire."""
    roll = rng.random()
    if roll < 0.18:
        number = f"（{dispute.filed_at.year}）苏0691民诉前调{rng.randint(100, 9999)}号"
        dispute.existing_proceedings = {"court_case_no": number, "accepted_elsewhere": None}
    elif template == "ip_contract" and roll < 0.45:
        dispute.arbitration_agreement = True
    elif ip_type == "patent" and roll < 0.40:
        dispute.preferred_channel = "administrative_adjudication"
    elif roll > 0.97:
        dispute.description += "经查，被申请人销售的商品系假冒注册商标的商品，数量巨大，涉嫌犯罪。"


def _route(dispute: Dispute, orgs: dict[str, Organization]) -> None:
    """Classify and route with the real classifier and rule table, as a new filing is."""
    from ..routing.services import SCREENING_ORGANIZATION, filing_body, triage

    classification, decision = triage(filing_body(dispute), today=dispute.filed_at.date())
    dispute.classification, dispute.routing_decision = classification.to_dict(), decision.to_dict()
    if classification.is_ip and classification.cause_name:
        dispute.cause_name, dispute.cause_code = classification.cause_name, classification.cause_code
    dispute.signals = list(classification.signals)
    code = decision.organization if decision.outcome == "route" else SCREENING_ORGANIZATION
    dispute.organization, dispute.channel = orgs[code], decision.channel


def _parties(rng, dispute: Dispute, people: dict[str, User]) -> None:
    foreign = rng.random() < 0.12
    if foreign:
        name, country = rng.choice(texts.FOREIGN_CLAIMANTS)
        dispute.language = "en" if rng.random() < 0.7 else "zh"
    else:
        name, country = rng.choice(texts.CLAIMANT_COMPANIES), "CN"
    claimant = Party(
        role="claimant",
        kind="company",
        name=name,
        name_normalized=normalize_party_name(name),
        country=country,
        email=f"legal{rng.randrange(100)}@example.com",
    )
    dispute.parties.append(claimant)
    if name == people["claimant"].name:
        dispute.claimant_user_id = people["claimant"].id
    elif name == people["claimant_en"].name:
        dispute.claimant_user_id = people["claimant_en"].id
    for _ in range(1 if rng.random() < 0.8 else 2):
        rname = rng.choice(texts.RESPONDENT_COMPANIES)
        store = f"{rng.choice(texts.PLATFORMS)}店铺“{rname[-8:-4]}旗舰店”" if rng.random() < 0.6 else None
        respondent = Party(
            role="respondent",
            kind="company",
            name=rname,
            name_normalized=normalize_party_name(rname),
            country="CN",
            online_store=store,
        )
        if rname == people["respondent"].name:
            respondent.user_id = people["respondent"].id
        dispute.parties.append(respondent)


def _history(rng, dispute: Dispute, org: Organization, mediator: User | None, now: datetime) -> None:
    t = dispute.filed_at
    append_event(dispute, "submitted", actor_label="申请人（网上立案）", to_status="submitted", at=t)
    decision = dispute.routing_decision or {}
    append_event(dispute, "classified", at=t + timedelta(seconds=1),
                 data={"ip_type": dispute.ip_type, "cause_name": dispute.cause_name})
    append_event(dispute, "routed", at=t + timedelta(seconds=2),
                 data={"outcome": decision.get("outcome"), "channel": dispute.channel, "rule": decision.get("rule_id")})
    if dispute.channel is None or rng.random() < 0.05 or (now - t).days < 2:
        _not_accepted(rng, dispute, now)
        return
    t += timedelta(hours=rng.randint(4, 96))
    dispute.accepted_at = t
    dispute.deadline_at = t + timedelta(days=DEADLINE_DAYS[dispute.channel])
    append_event(dispute, "transition", from_status="submitted", to_status="accepted", at=t)
    if mediator is None:
        dispute.status = "accepted"
        return
    t += timedelta(hours=rng.randint(1, 48))
    dispute.mediator_id = mediator.id
    append_event(
        dispute,
        "transition",
        from_status="accepted",
        to_status="assigned",
        at=t,
        data={"mediator": mediator.name, "reason": "专长匹配，在办案件最少"},
    )
    took = timedelta(days=rng.randint(5, 75))
    if t + took > now:
        dispute.status = rng.choice(["assigned", "in_mediation", "in_mediation", "suspended", "more_info"])
        if dispute.status == "suspended":
            dispute.suspended_days = rng.randint(3, 20)
        return
    _close(rng, dispute, t + took, now)


def _not_accepted(rng, dispute: Dispute, now: datetime) -> None:
    """Recent filings still wait for screening; a few older ones were rejected."""
    if (now - dispute.filed_at).days < 2:
        dispute.status = rng.choice(["submitted", "screening"])
        return
    t = dispute.filed_at + timedelta(days=rng.randint(1, 5))
    append_event(
        dispute,
        "transition",
        from_status="submitted",
        to_status="rejected",
        at=t,
        data={"reason": "不属于知识产权纠纷或材料不全，告知申请人依法另行主张"},
    )
    dispute.status, dispute.closure, dispute.closed_at = "rejected", "rejected", t


def _outcome(rng, channel: str) -> tuple[str, str]:
    """(closure, status before closing) for a case that ran its course in ``channel``."""
    if channel == "administrative_adjudication":
        return "adjudicated", "decided"
    if channel == "enforcement_referral":
        return "referred", "referred"
    closure = _pick(rng, MEDIATION_OUTCOMES)[0]
    if closure == "failed" and channel == "litigation_mediation":
        return "referred", "referred"  # failed court-linked mediation goes back to the court
    return closure, closure


def _close(rng, dispute: Dispute, t: datetime, now: datetime) -> None:
    closure, final = _outcome(rng, dispute.channel)
    if rng.random() < 0.15:
        dispute.suspended_days = rng.randint(3, 25)
    append_event(dispute, "transition", from_status="assigned", to_status=final, at=t)
    t += timedelta(hours=rng.randint(1, 72))
    append_event(dispute, "transition", from_status=final, to_status="closed", at=t)
    dispute.status, dispute.closure, dispute.closed_at = "closed", closure, t
    if rng.random() < 0.7:
        dispute.satisfaction = rng.choices([5, 4, 3, 2, 1], weights=[55, 30, 8, 4, 3])[0]
    if closure == "referred" and dispute.channel == "litigation_mediation":
        _court(rng, dispute, t, now)


def _court(rng, dispute: Dispute, referred: datetime, now: datetime) -> None:
    filed = referred.date() + timedelta(days=rng.randint(1, 10))
    proceeding = CourtProceeding(
        court_case_no=f"（{filed.year}）苏0691民初{rng.randint(100, 9999)}号",
        court_name=dispute.organization.name_zh,
        filed_at=filed,
    )
    concluded = filed + timedelta(days=rng.randint(30, 120))
    if concluded < now.date():
        kind = rng.choices(["judgment", "ruling", "mediation", "withdrawal"], weights=[50, 10, 30, 10])[0]
        served = concluded + timedelta(days=rng.randint(1, 10))
        abroad = any(p.country != "CN" for p in dispute.parties)
        proceeding.first_instance_concluded_at, proceeding.conclusion_type = concluded, kind
        if kind in ("judgment", "ruling"):
            proceeding.served_at, proceeding.party_abroad = served, abroad
            if rng.random() < 0.12 and served + timedelta(days=5) < now.date():
                proceeding.appeal_filed_at = served + timedelta(days=rng.randint(2, 9))
    dispute.court_proceedings.append(proceeding)


def build_dispute(
    rng: random.Random,
    filed_at: datetime,
    now: datetime,
    orgs: dict[str, Organization],
    mediators: dict[int, list[User]],
    people: dict[str, User],
) -> Dispute:
    """Add one demo dispute filed at ``filed_at`` with a history consistent with ``now``."""
    from ..extensions import db

    template, ip_type, kind, cause, _w = _pick(rng, SCENARIOS)
    industry = rng.choices(
        ["home_textile", "furniture", "electronics", "machinery", "software", "food"], weights=[38, 10, 14, 12, 14, 12]
    )[0]
    if template == "software":
        industry = "software"
    product = rng.choice(texts.PRODUCTS[industry])
    brand = rng.choice(texts.BRANDS)
    year = filed_at.year - rng.randint(1, 5)
    if ip_type == "patent":
        number = patent_number(rng, year, kind)
    elif ip_type == "trademark":
        number = str(rng.randint(1_000_000, 69_999_999))
    else:
        number = None
    damages = rng.choice([20000, 30000, 50000, 80000, 100000, 200000, 500000])
    facts = texts.TEMPLATES[template].format(
        product=product, number=number or "", brand=brand, platform=rng.choice(texts.PLATFORMS), damages=damages
    )
    dispute = Dispute(
        tracking_no=next_tracking_no(filed_at.year),
        title=f"{brand}{product}{cause}"[:250],
        description=facts,
        status="submitted",
        ip_type=ip_type,
        patent_kind=kind,
        cause_name=cause,
        taxonomy_version="2020",
        industry=industry,
        district_code=rng.choice(DISTRICTS),
        damages_claimed=damages,
        filed_at=filed_at,
        claims={"stop": True, "damages": damages},
        discovered_on=(filed_at - timedelta(days=rng.randint(5, 400))).date(),
        language="zh",
        existing_proceedings={},
    )
    dispute.ip_rights.append(
        IPRight(
            ip_type=ip_type,
            number=number,
            title=f"{brand}{product}",
            number_normalized=normalize_right_number(ip_type, number) if number else None,
            owner=None,
        )
    )
    _parties(rng, dispute, people)
    _facts_for_a_channel(rng, dispute, template, ip_type)
    _route(dispute, orgs)
    org = dispute.organization
    db.session.add(dispute)
    db.session.flush()
    pool = mediators.get(org.id, []) if dispute.channel else []
    mediator = rng.choice(pool) if pool and rng.random() < 0.93 else None
    _history(rng, dispute, org, mediator, now)
    return dispute
