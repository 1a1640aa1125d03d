"""Error pages (400/403/404/500) in both languages, and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from . import audit
from .extensions import db

RETRY_AFTER_SECONDS = 5


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        db.session.rollback()
        audit.record("csrf_refused", status=400, reason=exc.description)
        if _wants_json():
            return jsonify(error="csrf", message=exc.description), 400
        return render_template("errors/error.html", code=400, reason="csrf"), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        _audit_refusal(code)
        if _wants_json():
            return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), code
        if code not in (400, 403, 404, 405, 413, 429):
            return exc
        return render_template("errors/error.html", code=code, reason=None), code

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        if database_unavailable(exc):
            return _unavailable(app, exc)
        app.logger.exception("unhandled error on %s", request.path)
        db.session.rollback()
        if _wants_json():
            return jsonify(error="internal_server_error", message="the server failed; nothing was saved"), 500
        return render_template("errors/error.html", code=500, reason=None), 500

    app.register_error_handler(InternalServerError, server_error)
    audit.register(app)


def _audit_refusal(code: int) -> None:
    if code == 403:
        db.session.rollback()
        audit.record("permission_refused", status=403, endpoint=request.endpoint)


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (restart, failover, lost connection, SQLite lock held too long)."""
    if isinstance(exc, DisconnectionError | OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _unavailable(app: Flask, exc: Exception):
    """503 with Retry-After: the request's transaction did not commit, so the client may simply retry."""
    app.logger.warning("database unavailable on %s: %s", request.path, exc.__class__.__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  the connection is gone; the session is discarded at teardown
        app.logger.debug("rollback failed on a lost connection", exc_info=True)
    if _wants_json():
        response = jsonify(error="service_unavailable", message=(
            "the database is unavailable for a moment and nothing was saved; retry shortly "
            "(with the same Idempotency-Key for a filing)"))
    else:  # a page of its own: base.html would ask the database for the logged-in user
        response = app.make_response(render_template("errors/unavailable.html"))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
