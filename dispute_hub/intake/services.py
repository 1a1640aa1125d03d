"""Filing service: one transaction writes a complete case. Never commits; the caller does."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..casesearch.entities import repeat_respondent_flags
from ..extensions import db
from ..labels import LABELS
from ..models import Dispute, District, IPRight, Party, User, append_event, enqueue_index, utcnow
from ..tracking import next_tracking_no
from .duplicates import find_possible_duplicates
from .schema import FilingData, PartyData

SHANGHAI = ZoneInfo("Asia/Shanghai")
# no 0/O, 1/I/L: read out over the phone and typed from paper without mistakes
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TIME_BAR_YEARS = 3


@dataclass(frozen=True)
class FilingReceipt:
    """What the claimant is told: the case and, only when it was just created, its access code."""

    dispute: Dispute
    access_code: str | None
    created: bool


def new_access_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def check_access_code(dispute: Dispute, code: str) -> bool:
    """Compare a typed code with the stored hash; case, spaces and the dash do not matter."""
    if not dispute.access_code_hash:
        return False
    typed = "".join(ch for ch in code.upper() if ch.isalnum())
    return check_password_hash(dispute.access_code_hash, f"{typed[:4]}-{typed[4:]}")


def district_lookup() -> dict[str, str]:
    """District codes and Chinese names → code, for ``parse_filing``."""
    lookup: dict[str, str] = {}
    for code, name in db.session.execute(select(District.code, District.name_zh)):
        lookup[code] = code
        lookup[name] = code
    return lookup


def party_row(data: PartyData, user: User | None = None) -> Party:
    return Party(
        role=data.role,
        kind=data.kind,
        name=data.name,
        name_normalized=data.name_normalized,
        id_number=data.id_number,
        country=data.country,
        phone=data.phone,
        email=data.email,
        address=data.address,
        online_store=data.online_store,
        user_id=user.id if user else None,
    )


def case_title(filing: FilingData) -> str:
    claimant = filing.claimant.name if filing.claimant else "申请人"
    respondent = filing.respondents[0].name if filing.respondents else "被申请人"
    kind = LABELS["ip_type"].get(filing.ip_right.ip_type or "", ("知识产权", ""))[0]
    return f"{claimant}与{respondent}{kind}纠纷"[:256]


def _flags(filing: FilingData, today: date) -> list[dict]:
    flags = []
    for hit in find_possible_duplicates(filing):
        flags.append(
            {
                "code": "possible_duplicate",
                "tracking_no": hit.tracking_no,
                "zh": hit.reason("zh"),
                "en": hit.reason("en"),
            }
        )
    flags.extend(repeat_respondent_flags(filing.respondents))
    if filing.accepted_elsewhere:
        flags.append(
            {
                "code": "accepted_elsewhere",
                "zh": f"该纠纷已由{filing.accepted_elsewhere}受理，依法不再重复受理",
                "en": f"already accepted by {filing.accepted_elsewhere}: not accepted again",
            }
        )
    if filing.discovered_on and filing.discovered_on < today - timedelta(days=365 * TIME_BAR_YEARS + 1):
        flags.append(
            {
                "code": "possibly_time_barred",
                "zh": "权利人知道侵权已超过三年，可能超过诉讼时效",
                "en": "the claimant knew of the harm more than three years ago: possibly time-barred",
            }
        )
    return flags


def find_by_idempotency_key(key: str) -> Dispute | None:
    return db.session.execute(select(Dispute).where(Dispute.idempotency_key == key)).scalar_one_or_none()


def submit_filing(
    filing: FilingData,
    *,
    user: User | None = None,
    idempotency_key: str | None = None,
    evidence: Sequence = (),
    source: str = "web",
    actor_label: str | None = None,
    now: datetime | None = None,
) -> FilingReceipt:
    """Write the case, its parties, right, evidence records, ``submitted`` event and outbox row.

    :param filing: a validated filing (``schema.parse_filing``)
    :param user: the logged-in claimant or the integrator's account, if any
    :param idempotency_key: a repeat with the same key returns the first case, with no new code
    :param evidence: ``StoredFile`` records already in the upload folder, or (StoredFile, description)
    :param source: "web", "api" or "import", recorded on the event
    :return: the receipt; the access code is shown once and only its hash is stored
    """
    if idempotency_key:
        existing = find_by_idempotency_key(idempotency_key)
        if existing is not None:
            return FilingReceipt(existing, None, False)
    now = now or utcnow()
    code = new_access_code()
    dispute = Dispute(
        tracking_no=next_tracking_no(now.astimezone(SHANGHAI).year),
        idempotency_key=idempotency_key,
        title=case_title(filing),
        description=filing.description,
        status="submitted",
        language=filing.language,
        claimant_user_id=user.id if user is not None and user.role == "claimant" else None,
        access_code_hash=generate_password_hash(code),
        district_code=filing.district_code,
        industry=filing.industry,
        ip_type=filing.ip_right.ip_type,
        patent_kind=filing.ip_right.patent_kind,
        preferred_channel=filing.preferred_channel,
        claims=filing.claims,
        damages_claimed=filing.damages,
        arbitration_agreement=filing.arbitration_agreement,
        consent_online=filing.consent_online,
        existing_proceedings={"court_case_no": filing.court_case_no, "accepted_elsewhere": filing.accepted_elsewhere},
        discovered_on=filing.discovered_on,
        filed_at=now,
        signals=[],
        flags=_flags(filing, now.astimezone(SHANGHAI).date()),
    )
    if filing.claimant is not None:
        dispute.parties.append(
            party_row(filing.claimant, user if user is not None and user.role == "claimant" else None)
        )
    if filing.agent is not None:
        dispute.parties.append(party_row(filing.agent))
    dispute.parties.extend(party_row(r) for r in filing.respondents)
    right = filing.ip_right
    if right.ip_type or right.number or right.title:
        dispute.ip_rights.append(
            IPRight(
                ip_type=right.ip_type,
                number=right.number,
                number_normalized=right.number_normalized,
                title=right.title,
                owner=right.owner,
            )
        )
    db.session.add(dispute)
    db.session.flush()
    if evidence:
        from .evidence import attach_evidence

        for item in evidence:
            stored, note = item if isinstance(item, tuple) else (item, None)
            attach_evidence(dispute, stored, uploaded_by=user, description=note)
    append_event(
        dispute,
        "submitted",
        actor=user,
        to_status="submitted",
        at=now,
        actor_label=actor_label or (user.name if user is not None else "申请人（网上立案）"),
        data={"source": source, "evidence": len(evidence), "flags": [f["code"] for f in dispute.flags]},
    )
    enqueue_index(dispute.id)
    db.session.flush()
    return FilingReceipt(dispute, code, True)
