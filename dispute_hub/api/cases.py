"""Cases in the API: the same scope as the pages."""

from flask import jsonify, request
from flask_login import current_user, login_required

from ..mediation.queries import list_cases
from ..mediation.views import tracked_ids
from ..permissions import load_case
from . import bp
from .schemas import case_summary


@bp.get("/cases")
@login_required
def cases_index():
    page = list_cases(current_user, tracked_ids(), status=request.args.get("status") or None,
                      channel=request.args.get("channel") or None, page=request.args.get("page", 1, type=int))
    return jsonify(total=page.total, page=page.page, pages=page.pages,
                   items=[case_summary(c) for c in page.items])


@bp.get("/cases/<tracking_no>")
def cases_detail(tracking_no: str):
    dispute = load_case(current_user, tracking_no, "view", tracked_ids())
    body = case_summary(dispute)
    body["parties"] = [
        {"role": p.role, "kind": p.kind, "name": p.name, "country": p.country} for p in dispute.parties
    ]
    body["ip_rights"] = [{"type": r.ip_type, "number": r.number, "title": r.title} for r in dispute.ip_rights]
    return jsonify(body)
