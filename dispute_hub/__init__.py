"""dispute_hub: rapid handling of intellectual-property disputes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from .config import ConfigError, load_settings

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

__all__ = ["ConfigError", "create_app"]


def create_app(config_override: Mapping[str, object] | None = None) -> Flask:
    """Build the application.

    :param config_override: settings that win over the DISPUTE_HUB_* environment (tests, embedding)
    :raises ConfigError: when a required setting is missing, naming the variable to set
    """
    settings = load_settings(os.environ, str(PROJECT_DIR / "instance"), config_override)
    app = Flask(
        __name__,
        instance_path=str(settings["INSTANCE_DIR"]),
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    app.config.update(settings)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config["MAX_CONTENT_LENGTH"] = (int(app.config["UPLOAD_MAX_CASE_MB"]) + 1) * 1024 * 1024
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)

    from . import cli, errors, web

    errors.register(app)
    cli.register(app)
    web.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import i18n
    from .auth.loader import init_login
    from .celery_app import celery_init_app
    from .extensions import babel, csrf, db, limiter, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=_render_migration_item)
    csrf.init_app(app)
    # Flask-Limiter keeps the last app's RATELIMIT_ENABLED on the shared limiter as every later app's default
    # (one app built with limits off, e.g. a benchmark, would switch them off for all): each app states its own
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    init_login(app)
    celery_init_app(app)
    from .casesearch import init_app as init_casesearch

    init_casesearch(app)


def _render_migration_item(type_, obj, autogen_context):
    """Write our column types as plain SQLAlchemy types, so migrations never import the models."""
    from .models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .api import bp as api_bp
    from .auth.views import bp as auth_bp
    from .intake.views import bp as intake_bp
    from .mediation.views import bp as mediation_bp
    from .routing.views import bp as rules_admin_bp
    from .stats.views import bp as stats_bp

    for bp in (auth_bp, admin_bp, intake_bp, mediation_bp, api_bp, rules_admin_bp, stats_bp):
        app.register_blueprint(bp)
