"""Case search in the platform: documents from disputes, the outbox drain, similar cases, repeat respondents."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Keep the configured backend on ``app.extensions["search"]``, kick drains after commits, add the views."""
    from . import hooks, models  # noqa: F401  models: the entity tables belong to the metadata
    from .backend import init_backend
    from .views import bp

    init_backend(app)
    hooks.install()
    app.register_blueprint(bp)
