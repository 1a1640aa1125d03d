"""Reference data: districts and organisations."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

# Kinds of organisation and the channels they may serve (DESIGN.md §2)
ORG_KINDS = {
    "court": "法院",
    "people_mediation_committee": "人民调解委员会",
    "industry_center": "行业调解组织",
    "arbitration_commission": "仲裁委员会",
    "market_supervision": "市场监督管理局（知识产权局）",
    "enforcement": "执法机关",
}

CHANNELS = (
    "litigation_mediation",
    "people_mediation",
    "industry_mediation",
    "arbitration",
    "administrative_adjudication",
    "enforcement_referral",
)


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
