"""Home page, health check, template helpers and security headers."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from flask_babel import get_locale
from sqlalchemy import text

from .extensions import db
from .i18n import LANGUAGES
from .labels import label

bp = Blueprint("web", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


def register(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def template_helpers():
        return {"LANGUAGES": LANGUAGES, "current_locale": str(get_locale() or "zh"), "label": label}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if current_app.config["SESSION_COOKIE_SECURE"] and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
