"""Reference data: districts and organisations."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import CHANNELS, ORG_KINDS  # noqa: F401  re-exported for the models package


class District(db.Model):
    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(128))


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(128), unique=True)
    name_en: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(32))
    channels: Mapped[list] = mapped_column(JSON, default=list)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"))
    # IP types the organisation takes; empty means all
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    # industries an industry body is limited to (e.g. home_textile); empty means any
    industries: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    district: Mapped[District | None] = relationship()

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"
