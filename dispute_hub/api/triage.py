"""Triage in the API: where a filing would go (classification and routing decision), without filing it."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from ..extensions import db, limiter
from ..intake.schema import FilingInvalid, parse_filing
from ..intake.services import district_lookup
from ..models import Organization
from ..routing.classification import Classification
from ..routing.engine import Decision
from ..routing.explain import chosen_reason
from ..routing.ruleset import RuleSet
from ..routing.services import active_rules, shanghai_today, triage_filing
from . import bp
from .auth import require_scope
from .filings import invalid_filing_response, json_body, token_caller

# anonymous visitors (the public form's preview) and session users, per client address; tokens are exempt
RATE_LIMIT = "30 per minute"


def _organization(code: str | None) -> dict | None:
    if code is None:
        return None
    org = db.session.execute(select(Organization).where(Organization.code == code)).scalar_one_or_none()
    if org is None:  # a rule naming an organisation the reference data lacks: show the code alone
        return {"code": code, "name_zh": code, "name_en": code}
    return {"code": org.code, "name_zh": org.name_zh, "name_en": org.name_en}


def triage_result(classification: Classification, decision: Decision, rules: RuleSet) -> dict:
    """The response body: both results in full, and a summary a form can show as it is."""
    reason_zh, reason_en = chosen_reason(decision, rules)
    return {
        "classification": classification.to_dict(),
        "decision": decision.to_dict(),
        "summary": {
            "outcome": decision.outcome,
            "channel": decision.channel,
            "organization": _organization(decision.organization),
            "reason_zh": reason_zh,
            "reason_en": reason_en,
        },
    }


@bp.post("/triage")
@limiter.limit(RATE_LIMIT, exempt_when=token_caller)
@require_scope("triage", anonymous=True)
def triage_preview():
    body = json_body()
    today = shanghai_today()
    try:
        filing = parse_filing(body, districts=district_lookup(), require_parties=False, today=today)
    except FilingInvalid as exc:
        return invalid_filing_response(exc, body)
    rules = active_rules()
    classification, decision = triage_filing(filing, today=today, rules=rules)
    return jsonify(triage_result(classification, decision, rules))
