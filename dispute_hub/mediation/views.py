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
                           chain=verify_chain(dispute), staff=staff, **actions.case_forms(dispute, current_user),
                           court=court_views.court_panel(dispute, current_user),
                           panel=case_views.case_panel(dispute, current_user),
                           **document_views.panel(dispute, current_user, tracked_ids()))


# register the routes of the case actions, lifecycle, court follow-through and respondent portal on bp
from . import actions, case_views, court_views, document_views, queue_views, respondent  # noqa: E402, F401
