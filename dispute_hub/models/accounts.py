"""User accounts, roles and mediator profiles."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..labels import ROLES  # noqa: F401  re-exported for the models package
from .reference import Organization
from .types import UTCDateTime, utcnow

# roles that belong to an organisation and must name one
ORG_ROLES = ("mediator", "org_admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship()
    mediator_profile: Mapped[MediatorProfile | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class MediatorProfile(db.Model):
    __tablename__ = "mediator_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # IP types handled (see routing IP types); empty means any
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["zh"])
    capacity: Mapped[int] = mapped_column(Integer, default=20)
    on_leave: Mapped[bool] = mapped_column(Boolean, default=False)
    leave_until: Mapped[date | None] = mapped_column(Date)
    # names of companies or people the mediator has an interest in or has represented
    declared_interests: Mapped[list] = mapped_column(JSON, default=list)
    past_representation: Mapped[list] = mapped_column(JSON, default=list)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="mediator_profile")
