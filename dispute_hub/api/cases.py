"""Cases in the API: the same scope as the pages."""

from flask import jsonify, request

from ..mediation.queries import list_cases
from ..permissions import load_case
from . import bp
from .auth import request_principal, require_scope
from .schemas import case_summary


@bp.get("/cases")
@require_scope("cases:read")
def cases_index():
    principal = request_principal()
    page = list_cases(principal.user, principal.tracked_ids, status=request.args.get("status") or None,
                      channel=request.args.get("channel") or None, page=request.args.get("page", 1, type=int))
    return jsonify(total=page.total, page=page.page, pages=page.pages,
                   items=[case_summary(c) for c in page.items])


@bp.get("/cases/<tracking_no>")
@require_scope("cases:read", anonymous=True)
def cases_detail(tracking_no: str):
    principal = request_principal()
    dispute = load_case(principal.user, tracking_no, "view", principal.tracked_ids)
    body = case_summary(dispute)
    body["parties"] = [
        {"role": p.role, "kind": p.kind, "name": p.name, "country": p.country} for p in dispute.parties
    ]
    body["ip_rights"] = [{"type": r.ip_type, "number": r.number, "title": r.title} for r in dispute.ip_rights]
    return jsonify(body)
