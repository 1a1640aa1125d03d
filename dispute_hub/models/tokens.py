"""API tokens for integrators (a court system, an e-commerce platform): each acts as one user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .types import UTCDateTime, utcnow

SCOPES = ("filings:write", "filings:read", "triage", "cases:read")
TOKEN_PREFIX = "dh_"  # noqa: S105  a marker that makes leaked tokens easy to find, not a secret


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    # SHA-256 of the token: tokens are 256 random bits, so a fast hash is enough and look-ups stay indexed
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and scope in (self.scopes or [])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the secret, which is shown once and not stored.

    :raises ValueError: on an unknown scope
    """
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=hash_token(secret), display_prefix=secret[:10], user=user,
                   scopes=list(scopes))
    db.session.add(row)
    db.session.flush()
    return row, secret


def find_token(secret: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown or revoked)."""
    row = db.session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row
