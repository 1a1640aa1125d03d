"""Case list and case page, for every role, filtered by the one permission function."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..models import verify_chain
from ..permissions import can, load_case, tracked_ids
from .queries import case_events, list_cases

bp = Blueprint("mediation", __name__, url_prefix="/cases")


@bp.get("/")
@login_required
def index():
    page = list_cases(current_user, tracked_ids(), status=request.args.get("status") or None,
                      channel=request.args.get("channel") or None,
                      page=request.args.get("page", 1, type=int))
    return render_template("mediation/index.html", page=page)


@bp.get("/<tracking_no>")
def detail(tracking_no: str):
    dispute = load_case(current_user, tracking_no, "view", tracked_ids())
    staff = current_user.is_authenticated and (can(current_user, "work", dispute) or current_user.role == "liaison")
    return render_template("mediation/detail.html", case=dispute, events=case_events(dispute),
                           chain=verify_chain(dispute), staff=staff, **actions.case_forms(dispute, current_user))


from . import actions  # noqa: E402  registers the case-action routes on bp
