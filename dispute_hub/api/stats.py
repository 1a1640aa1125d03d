"""GET /api/v1/stats: the figures of a period in the one JSON shape the CLI prints too (issue 7)."""

from flask import jsonify, request

from ..stats.definitions import STATS_ROLES
from ..stats.periods import PeriodError, parse_query
from ..stats.queries import Scope, stats_report
from . import bp
from .auth import json_error, request_principal, require_scope


@bp.get("/stats")
@require_scope("cases:read")
def stats_index():
    user = request_principal().user
    if user is None or user.role not in STATS_ROLES:
        return json_error(403, "forbidden", "statistics are for liaison officers, organisation admins and admins")
    try:
        query = parse_query(request.args)
    except PeriodError as exc:
        return json_error(422, "invalid_parameter", exc.message_en, field=exc.field)
    return jsonify(stats_report(Scope.of(user), query))
