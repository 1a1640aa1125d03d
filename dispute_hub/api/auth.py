"""Who calls the API: the user of a bearer token, else the logged-in session user, else nobody."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

from flask import Response, abort, current_app, g, jsonify, request
from flask_login import current_user

from .. import audit
from ..extensions import csrf, db
from ..models import SCOPES, ApiToken, User, find_token, utcnow
from ..permissions import tracked_ids

P = ParamSpec("P")
R = TypeVar("R")

CHALLENGE = 'Bearer realm="dispute_hub"'
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# last_used_at is for spotting idle or leaked tokens; minute precision spares a write per request
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """The caller: ``user`` is None for an anonymous visitor; ``token`` is set for bearer requests.

    ``tracked_ids`` are the cases unlocked in this browser session with a tracking number and access
    code (the portal); a token request never carries them.
    """

    user: User | None
    token: ApiToken | None = None
    tracked_ids: tuple[int, ...] = ()


def json_error(status: int, error: str, message: str, **extra: object) -> Response:
    """A JSON error response in the API's shape: ``{"error": code, "message": text, ...}``."""
    response = jsonify(error=error, message=message, **extra)
    response.status_code = status
    return response


def _deny(status: int, error: str, message: str, *, challenge: str | None = None, **extra: object) -> NoReturn:
    if status in (401, 403):
        db.session.rollback()
        audit.record("token_refused" if status == 401 else "permission_refused", status=status, error=error)
    response = json_error(status, error, message, **extra)
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    abort(response)


def _touch(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    token.last_used_at = now
    # committed on its own, before the view starts: the filing transaction then never holds the
    # token's row lock (parallel filings of one integrator do not queue), and failed calls still count
    db.session.commit()


def _resolve() -> Principal:
    header = request.headers.get("Authorization", "").strip()
    if not header:
        if current_user.is_authenticated:
            return Principal(current_user._get_current_object(), None, tracked_ids())
        return Principal(None, None, tracked_ids())
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        _deny(401, "invalid_request", "send the token as 'Authorization: Bearer <token>'",
              challenge=f'{CHALLENGE}, error="invalid_request"')
    token = find_token(secret)
    if token is None:
        # a bad token never falls back to the session: the caller meant to use the token
        _deny(401, "invalid_token", "the API token is unknown or revoked, or its account is disabled",
              challenge=f'{CHALLENGE}, error="invalid_token"')
    _touch(token)
    return Principal(token.user, token)


def request_principal() -> Principal:
    """The caller of the current request, resolved once per request.

    Aborts with 401 (JSON, ``WWW-Authenticate: Bearer``) for a malformed, unknown or revoked token.
    """
    if "api_principal" not in g:
        g.api_principal = _resolve()
    return g.api_principal


def _check_csrf() -> None:
    # The blueprint is CSRF-exempt because tokens are not cookies; a session cookie is, so a
    # browser-authenticated write must carry the CSRF token (X-CSRFToken) like any form post.
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def require_scope(scope: str, *, anonymous: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """View decorator: the caller may use this endpoint.

    A token must list ``scope`` (403 ``insufficient_scope`` otherwise). A session user needs no scope:
    the permission function limits what they see, as on the pages; their writes need the CSRF token.
    Nobody at all gets 401, unless ``anonymous`` (detail views, which answer 404 to strangers and
    show cases unlocked in the portal).

    :param scope: one of ``models.SCOPES``; kept on the view as ``required_scope`` for the OpenAPI test
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = request_principal()
            if principal.token is not None:
                if not principal.token.allows(scope):
                    _deny(403, "insufficient_scope", f"this token does not have the scope {scope}",
                          challenge=f'{CHALLENGE}, error="insufficient_scope", scope="{scope}"',
                          required_scope=scope)
            elif principal.user is None:
                if not anonymous:
                    _deny(401, "unauthorized", "log in or send an API token", challenge=CHALLENGE)
            elif request.method not in SAFE_METHODS:
                _check_csrf()
            return view(*args, **kwargs)

        wrapped.required_scope = scope  # type: ignore[attr-defined]
        return wrapped

    return decorator
