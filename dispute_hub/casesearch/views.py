"""Search page, respondent page and the similar-cases panel of the case page."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Dispute, District
from ..permissions import require_roles
from .forms import SearchArgs
from .queries import keyword_search, similar_to_case
from .respondents import entity_history, respondent_summaries

log = logging.getLogger(__name__)
bp = Blueprint("casesearch", __name__)

SEARCH_ROLES = ("mediator", "org_admin", "liaison", "admin")
SIMILAR_SHOWN = 10


def district_names() -> dict[str, tuple[str, str]]:
    return {code: (zh, en) for code, zh, en in db.session.execute(
        select(District.code, District.name_zh, District.name_en))}


@bp.get("/search")
@require_roles(*SEARCH_ROLES)
def search():
    args = SearchArgs.parse(request.args)
    error = False
    try:
        page = keyword_search(current_user, args.query, args.filters, page=args.page)
    except Exception:  # the search backend is down: say so instead of failing the page
        log.exception("keyword search failed")
        page, error = None, True
    return render_template("casesearch/search.html", args=args, page=page, error=error,
                           districts=district_names())


@bp.get("/respondents/<int:entity_id>")
@require_roles(*SEARCH_ROLES)
def respondent(entity_id: int):
    history = entity_history(entity_id, current_user)
    if history is None:
        abort(404)
    return render_template("casesearch/respondent.html", history=history)


@bp.app_context_processor
def similar_panel_helper() -> dict:
    """``similar_panel(case)`` for templates/casesearch/_similar.html, included by the case page."""
    return {"similar_panel": similar_panel}


def similar_panel(case: Dispute) -> dict | None:
    """Similar cases and respondent history for the staff viewing ``case``; None for anyone else."""
    if not current_user.is_authenticated or current_user.role not in SEARCH_ROLES:
        return None
    cache = g.setdefault("similar_panels", {})
    if case.id not in cache:
        error = False
        try:
            hits = similar_to_case(case, current_user, k=SIMILAR_SHOWN)
        except Exception:  # never let search break the case page
            log.exception("similar cases of %s failed", case.tracking_no)
            hits, error = [], True
        cache[case.id] = {"hits": hits, "error": error, "respondents": respondent_summaries(case)}
    return cache[case.id]
