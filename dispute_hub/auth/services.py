"""Account services: authenticate, register, create users. Never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import ORG_ROLES, ROLES, MediatorProfile, Organization, User, utcnow


class AccountError(ValueError):
    """A request about accounts that cannot be met; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for any failure)."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def create_user(*, email: str, name: str, password: str, role: str,
                organization: Organization | None = None, locale: str | None = None,
                profile: dict | None = None) -> User:
    """Add a user to the session after checking role, organisation and email uniqueness.

    :param profile: mediator profile fields (specialties, languages, capacity...) for mediators
    :raises AccountError: when the role is unknown, an org role lacks its organisation, or the
        email is taken
    """
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}", "role")
    if role in ORG_ROLES and organization is None:
        raise AccountError("mediators and organisation admins belong to an organisation", "organization")
    if find_user_by_email(email) is not None:
        raise AccountError("an account with this email exists", "email")
    user = User(email=normalise_email(email), name=name.strip(), role=role,
                organization=organization if role in ORG_ROLES else None, locale=locale)
    user.set_password(password)
    if role == "mediator":
        user.mediator_profile = MediatorProfile(**(profile or {}))
    db.session.add(user)
    db.session.flush()
    return user


def register_claimant(*, email: str, name: str, password: str, locale: str | None = None) -> User:
    """Self-registration: always the claimant role, whatever the request says."""
    return create_user(email=email, name=name, password=password, role="claimant", locale=locale)
