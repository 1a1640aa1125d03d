"""Filings in the API: an integrator (court system, e-commerce platform) files a complaint and follows it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from flask import Response, abort, current_app, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from ..extensions import db, limiter
from ..intake.schema import FilingInvalid, parse_filing
from ..intake.services import FilingReceipt, district_lookup, find_by_idempotency_key, submit_filing
from ..intake.views import FILING_LIMIT, FILING_SCOPE
from ..mediation.queries import case_events
from ..models import Dispute
from ..permissions import case_scope, load_case
from ..routing.tasks import process_new_filing_task
from ..tasks import dispatch
from . import bp
from .auth import Principal, json_error, request_principal, require_scope

MAX_BODY_BYTES = 1024 * 1024  # a filing is text: 20,000 characters of facts at most; evidence is uploaded apart
# what a client may send; stored as "api:<user id>:<key>" so two integrators' keys never collide
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,80}")
LANGUAGES = ("zh", "en")
INVALID_MESSAGE = {
    "zh": "申请内容有误，请按 errors 中各字段的说明修改后重新提交",
    "en": "The filing has problems; correct each field listed in errors and send it again",
}
HIDDEN_DUPLICATE = {
    "message_zh": "可能与已有案件重复",
    "message_en": "possibly a duplicate of an earlier case",
}


def token_caller() -> bool:
    """Limiter exemption: integrators with a token are identified and revocable; browsers are limited by address."""
    try:
        return request_principal().token is not None
    except HTTPException:
        # a bad token: the view answers 401 without doing anything, so there is nothing to count
        return True


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in JSON")


def json_body() -> object:
    """The request's JSON value; 415 when not sent as JSON, 400 when it does not parse."""
    if not request.is_json:
        abort(json_error(415, "unsupported_media_type", "send the filing as application/json"))
    request.max_content_length = MAX_BODY_BYTES
    try:
        return json.loads(request.get_data(cache=False), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        message = f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        message = "the body is not valid JSON: nested too deeply"
    except ValueError as exc:  # not UTF-8, or NaN / Infinity
        message = f"the body is not valid JSON: {exc}"
    abort(json_error(400, "malformed_json", message))


def _idempotency_key(principal: Principal) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        abort(json_error(400, "bad_idempotency_key",
                         "Idempotency-Key must be 1 to 80 visible ASCII characters, e.g. a UUID"))
    return f"api:{principal.user.id}:{key}"


def _language(body: object) -> str:
    """Language of error messages: the filing's own ``language``, else Accept-Language, else the default."""
    if isinstance(body, Mapping) and body.get("language") in LANGUAGES:
        return body["language"]
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["DEFAULT_LOCALE"]


def invalid_filing_response(exc: FilingInvalid, body: object) -> Response:
    lang = _language(body)
    errors = [{**e.as_dict(), "message": e.message(lang)} for e in exc.errors]
    return json_error(422, "invalid_filing", INVALID_MESSAGE[lang], language=lang, errors=errors)


def public_flags(dispute: Dispute, principal: Principal) -> list[dict]:
    """The case's flags as the caller may see them.

    A possible-duplicate flag names another case; its tracking number and reason are kept only when
    the caller may open that case, so that filing under someone else's name cannot reveal their cases.
    Staff-only flags (a respondent's record of adverse outcomes) are never shown to a filer.
    """
    flags = [f for f in dispute.flags or [] if not f.get("staff_only")]
    named = {f["tracking_no"] for f in flags if f.get("tracking_no")}
    visible: set[str] = set()
    if named:
        visible = set(db.session.execute(
            select(Dispute.tracking_no).where(Dispute.tracking_no.in_(named),
                                              case_scope(principal.user, principal.tracked_ids))
        ).scalars())
    shown = []
    for flag in flags:
        number = flag.get("tracking_no")
        if number and number not in visible:
            shown.append({"code": flag["code"], **HIDDEN_DUPLICATE})
            continue
        item = {"code": flag["code"], "message_zh": flag.get("zh"), "message_en": flag.get("en")}
        if number:
            item["tracking_no"] = number
        shown.append(item)
    return shown


def _actor_label(principal: Principal) -> str:
    user = principal.user
    if principal.token is None:
        return user.name
    return f"{user.name}（API：{principal.token.name}）"[:128]


def _receipt_response(receipt: FilingReceipt, principal: Principal) -> Response:
    dispute = receipt.dispute
    body: dict[str, object] = {
        "tracking_no": dispute.tracking_no,
        "created": receipt.created,
        "status": dispute.status,
        "flags": public_flags(dispute, principal),
    }
    if not receipt.created:
        return jsonify(body)
    body["access_code"] = receipt.access_code  # shown this once; only its hash is stored
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("api.filings_detail", tracking_no=dispute.tracking_no)
    return response


@bp.post("/filings")
@limiter.shared_limit(FILING_LIMIT, scope=FILING_SCOPE, exempt_when=token_caller)
@require_scope("filings:write")
def filings_create():
    principal = request_principal()
    body = json_body()
    key = _idempotency_key(principal)
    try:
        filing = parse_filing(body, districts=district_lookup())
    except FilingInvalid as exc:
        return invalid_filing_response(exc, body)
    try:
        receipt = submit_filing(filing, user=principal.user, idempotency_key=key, source="api",
                                actor_label=_actor_label(principal))
        db.session.commit()
    except IntegrityError:
        # the same key sent twice at once: the other request won the unique constraint
        db.session.rollback()
        first = find_by_idempotency_key(key) if key else None
        if first is None:
            raise
        receipt = FilingReceipt(first, None, False)
    if receipt.created:
        dispatch(process_new_filing_task, receipt.dispute.id)
    return _receipt_response(receipt, principal)


def filing_status(dispute: Dispute, principal: Principal) -> dict:
    """What a filer may follow: progress, who handles it, flags and the timeline (no actors)."""
    org = dispute.organization
    return {
        "tracking_no": dispute.tracking_no,
        "status": dispute.status,
        "closure": dispute.closure,
        "channel": dispute.channel,
        "organization": {"code": org.code, "name_zh": org.name_zh, "name_en": org.name_en} if org else None,
        "flags": public_flags(dispute, principal),
        "filed_at": _iso(dispute.filed_at),
        "accepted_at": _iso(dispute.accepted_at),
        "closed_at": _iso(dispute.closed_at),
        "deadline_at": _iso(dispute.deadline_at),
        "timeline": [
            {"at": _iso(ev.created_at), "kind": ev.kind, "from": ev.from_status, "to": ev.to_status}
            for ev in case_events(dispute)
        ],
    }


@bp.get("/filings/<tracking_no>")
@require_scope("filings:read", anonymous=True)
def filings_detail(tracking_no: str):
    principal = request_principal()
    dispute = load_case(principal.user, tracking_no, "view", principal.tracked_ids)
    return jsonify(filing_status(dispute, principal))
