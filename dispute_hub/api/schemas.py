"""JSON shapes of the API resources."""

from __future__ import annotations

from ..models import Dispute


def _iso(value):
    return value.isoformat() if value is not None else None


def case_summary(case: Dispute) -> dict:
    return {
        "tracking_no": case.tracking_no,
        "external_id": case.external_id,
        "title": case.title,
        "status": case.status,
        "closure": case.closure,
        "channel": case.channel,
        "organization": case.organization.code if case.organization else None,
        "ip_type": case.ip_type,
        "cause_name": case.cause_name,
        "district": case.district_code,
        "filed_at": _iso(case.filed_at),
        "accepted_at": _iso(case.accepted_at),
        "closed_at": _iso(case.closed_at),
        "deadline_at": _iso(case.deadline_at),
    }
