"""Similar cases in the API: for a case, or for a text; hits outside the caller's scope are anonymised."""

from __future__ import annotations

from collections.abc import Mapping

from flask import jsonify, request

from search import SearchError

from ..casesearch.queries import MAX_K, similar_to_case, similar_to_text
from ..permissions import load_case
from . import bp
from .auth import json_error, request_principal, require_scope
from .filings import json_body

DEFAULT_K = 10
MAX_TEXT = 20_000
FILTERS = ("ip_type", "status", "channel", "cause_name", "district", "year", "closure", "organization")


def _k(value: object) -> int | None:
    if value is None:
        return DEFAULT_K
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        return None
    k = int(value)
    return k if 1 <= k <= MAX_K else None


def _filters(value: object) -> tuple[dict | None, str | None]:
    if value is None:
        return {}, None
    if not isinstance(value, Mapping):
        return None, "filters must be an object"
    unknown = sorted(set(value) - set(FILTERS))
    if unknown:
        return None, f"cannot filter on {', '.join(unknown)}; known: {', '.join(FILTERS)}"
    for name, item in value.items():
        values = item if isinstance(item, list) else [item]
        if not values or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            return None, f"filters.{name} must be a string, a number or a list of them"
    return dict(value), None


def _hits_response(hits) -> object:
    return jsonify(hits=[hit.to_api() for hit in hits])


def _unavailable():
    return json_error(503, "search_unavailable", "search is unavailable at the moment; try again later")


@bp.get("/cases/<tracking_no>/similar")
@require_scope("cases:read")
def case_similar(tracking_no: str):
    principal = request_principal()
    dispute = load_case(principal.user, tracking_no, "view", principal.tracked_ids)
    k = _k(request.args.get("k"))
    if k is None:
        return json_error(422, "invalid_k", f"k must be a whole number from 1 to {MAX_K}")
    try:
        hits = similar_to_case(dispute, principal.user, k=k, tracked=principal.tracked_ids)
    except SearchError:
        return _unavailable()
    return _hits_response(hits)


@bp.post("/similar")
@require_scope("cases:read")
def text_similar():
    principal = request_principal()
    body = json_body()
    if not isinstance(body, Mapping):
        return json_error(422, "invalid_body", "send a JSON object with text, k and filters")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return json_error(422, "invalid_text", f"text must be a non-empty string of at most {MAX_TEXT} characters")
    k = _k(body.get("k"))
    if k is None:
        return json_error(422, "invalid_k", f"k must be a whole number from 1 to {MAX_K}")
    filters, problem = _filters(body.get("filters"))
    if filters is None:
        return json_error(422, "invalid_filters", problem or "invalid filters")
    try:
        hits = similar_to_text(text, principal.user, k=k, filters=filters, tracked=principal.tracked_ids)
    except SearchError:
        return _unavailable()
    except ValueError as exc:
        return json_error(422, "invalid_filters", str(exc))
    return _hits_response(hits)
