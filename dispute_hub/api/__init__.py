"""JSON API, version 1."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # JSON clients authenticate per request; no cookie-borne form posts here

from . import cases, filings, openapi, similar, stats, triage  # noqa: E402,F401  registers the routes
