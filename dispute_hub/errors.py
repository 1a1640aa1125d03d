"""Error pages (400/403/404/500) in both languages, and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from . import audit
from .extensions import db


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
        if code == 403:
            db.session.rollback()
            audit.record("permission_refused", status=403, endpoint=request.endpoint)
        if _wants_json():
            return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), code
        if code not in (400, 403, 404, 405, 413, 429):
            return exc
        return render_template("errors/error.html", code=code, reason=None), code

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("unhandled error on %s", request.path)
        db.session.rollback()
        if _wants_json():
            return jsonify(error="internal_server_error", message="the server failed; nothing was saved"), 500
        return render_template("errors/error.html", code=500, reason=None), 500

    app.register_error_handler(InternalServerError, server_error)
    audit.register(app)
