"""Writing the security audit log: on its own connection, so that a refused request's rollback keeps the entry."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from .extensions import db
from .models import AUDIT_KINDS, AuditEntry, utcnow


def record(kind: str, *, status: int | None = None, email: str | None = None, user_id: int | None = None,
           **detail: object) -> None:
    """Append one audit entry for the current request (who, from where, which path).

    Never raises: a failure to audit is logged, and the user's request goes on. The entry is written
    on a connection of its own and committed at once; callers must not hold uncommitted writes on
    SQLite (its single writer lock would make this wait), so refusal paths roll back first.

    :param kind: one of ``AUDIT_KINDS``
    :param status: the HTTP status answered
    :param email: the address typed at a login attempt
    :param user_id: the user concerned when it is not the logged-in one (e.g. the owner of a token)
    :param detail: small JSON-serialisable facts (tracking number, action, limit); never a case title
    """
    if kind not in AUDIT_KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    values: dict[str, object] = {"at": utcnow(), "kind": kind, "status": status, "email": email,
                                 "user_id": user_id, "detail": detail}
    if has_request_context():
        values.update(ip=(request.remote_addr or "")[:64], method=request.method, path=request.path[:512])
        if user_id is None and current_user and current_user.is_authenticated:
            values["user_id"] = current_user.id
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(AuditEntry.__table__).values(**values))
    except Exception:  # noqa: BLE001  auditing must never break the request it records
        current_app.logger.exception("could not write audit entry %s", kind)


def register(app: Flask) -> None:
    """Audit what Flask-Limiter refuses; the other kinds are recorded where they are decided."""

    @app.after_request
    def audit_rate_limits(response):
        if response.status_code == 429:
            record("rate_limited", status=429)
        return response
