"""Admin services for organisations and users. Never commit."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.services import AccountError, create_user, find_user_by_email
from ..extensions import db
from ..models import ORG_ROLES, MediatorProfile, Organization, User


def save_organization(org: Organization | None, data: dict) -> Organization:
    """Create (org None) or update an organisation from form data.

    :raises AccountError: when the code or Chinese name belongs to another organisation
    """
    for field in ("code", "name_zh"):
        clash = db.session.execute(
            select(Organization).where(getattr(Organization, field) == data[field])
        ).scalar_one_or_none()
        if clash is not None and clash is not org:
            raise AccountError("already used by another organisation", field)
    if org is None:
        org = Organization()
        db.session.add(org)
    industries = [s.strip() for s in (data.get("industries") or "").split(",") if s.strip()]
    org.code, org.name_zh, org.name_en = data["code"], data["name_zh"].strip(), data["name_en"].strip()
    org.kind, org.channels = data["kind"], list(data.get("channels") or [])
    org.district_code = data.get("district_code") or None
    org.specialties, org.industries = list(data.get("specialties") or []), industries
    org.active = bool(data.get("active"))
    db.session.flush()
    return org


def _apply_profile(user: User, data: dict) -> None:
    if user.role != "mediator":
        return
    profile = user.mediator_profile or MediatorProfile()
    profile.specialties = list(data.get("specialties") or [])
    profile.languages = list(data.get("languages") or ["zh"])
    profile.capacity = int(data.get("capacity") or 0)
    profile.on_leave = bool(data.get("on_leave"))
    names = [line.strip() for line in (data.get("declared_interests") or "").splitlines() if line.strip()]
    profile.declared_interests = names
    user.mediator_profile = profile


def save_user(user: User | None, data: dict, acting_admin: User) -> User:
    """Create (user None) or update a user from form data.

    :raises AccountError: a taken email, a missing organisation for an org role, a new user with no
        password, or an admin removing their own admin role
    """
    org = db.session.get(Organization, data["organization_id"]) if data.get("organization_id") else None
    if data["role"] in ORG_ROLES and org is None:
        raise AccountError("mediators and organisation admins belong to an organisation", "organization_id")
    if user is None:
        if not data.get("password"):
            raise AccountError("a new account needs a password", "password")
        user = create_user(email=data["email"], name=data["name"], password=data["password"],
                           role=data["role"], organization=org)
    else:
        other = find_user_by_email(data["email"])
        if other is not None and other is not user:
            raise AccountError("an account with this email exists", "email")
        if user.id == acting_admin.id and (data["role"] != "admin" or not data.get("active")):
            raise AccountError("you cannot remove your own admin rights", "role")
        user.email, user.name, user.role = data["email"].strip().lower(), data["name"].strip(), data["role"]
        user.organization = org if data["role"] in ORG_ROLES else None
        if data.get("password"):
            user.set_password(data["password"])
    user.active = bool(data.get("active"))
    _apply_profile(user, data)
    db.session.flush()
    return user
