"""Demo data: accounts for every role and a few hundred realistic disputes from a fixed seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ..auth.services import create_user, find_user_by_email
from ..extensions import db
from ..models import Dispute, Organization, User
from .cases import build_dispute

DEMO_DOMAIN = "demo.ntip.cn"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    org: str | None = None
    specialties: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("zh",)


ACCOUNTS = [
    DemoAccount(f"admin@{DEMO_DOMAIN}", "平台管理员", "admin"),
    DemoAccount(f"liaison@{DEMO_DOMAIN}", "法院联络员 周敏", "liaison"),
    DemoAccount(f"amr.liaison@{DEMO_DOMAIN}", "市场监管联络员 钱军", "liaison"),
    DemoAccount(f"orgadmin@{DEMO_DOMAIN}", "人民调解委员会主任 陈静", "org_admin", "nt-ip-people-mediation"),
    DemoAccount(f"mediator@{DEMO_DOMAIN}", "调解员 王磊", "mediator", "nt-ip-people-mediation",
                ("patent", "trademark", "copyright"), ("zh", "en")),
    DemoAccount(f"mediator2@{DEMO_DOMAIN}", "调解员 李娜", "mediator", "nt-ip-people-mediation",
                ("trademark", "unfair_competition", "trade_secret", "ip_contract")),
    DemoAccount(f"court.admin@{DEMO_DOMAIN}", "诉调对接中心负责人 孙伟", "org_admin", "tzw-court"),
    DemoAccount(f"court.mediator@{DEMO_DOMAIN}", "特邀调解员 赵敏", "mediator", "tzw-court", (), ("zh", "en")),
    DemoAccount(f"court.mediator2@{DEMO_DOMAIN}", "特邀调解员 刘洋", "mediator", "nt-intermediate-court"),
    DemoAccount(f"amr.officer@{DEMO_DOMAIN}", "行政裁决办案人员 吴昊", "mediator", "nt-amr", ("patent",)),
    DemoAccount(f"arbitrator@{DEMO_DOMAIN}", "仲裁秘书 郑楠", "mediator", "nt-arbitration"),
    DemoAccount(f"textile.mediator@{DEMO_DOMAIN}", "家纺维权中心调解员 冯雪", "mediator", "nt-hometextile-center",
                ("patent", "copyright", "trademark")),
    DemoAccount(f"furniture.mediator@{DEMO_DOMAIN}", "家具调解中心调解员 何平", "mediator", "haian-furniture-center"),
    DemoAccount(f"claimant@{DEMO_DOMAIN}", "南通锦绣家纺有限公司", "claimant"),
    DemoAccount(f"foreign.claimant@{DEMO_DOMAIN}", "Nordlicht Textiles GmbH", "claimant", languages=("en",)),
    DemoAccount(f"respondent@{DEMO_DOMAIN}", "南通鑫源家纺用品有限公司", "respondent"),
]
# the one login printed per role
PRINTED = ("admin", "liaison", "org_admin", "mediator", "claimant", "respondent")


def ensure_demo_accounts(password: str) -> list[User]:
    """Create the demo accounts that do not exist yet; existing ones are left as they are."""
    users = []
    for acc in ACCOUNTS:
        user = find_user_by_email(acc.email)
        if user is None:
            org = None
            if acc.org:
                org = db.session.execute(select(Organization).where(Organization.code == acc.org)).scalar_one()
            profile = {"specialties": list(acc.specialties), "languages": list(acc.languages), "capacity": 40}
            user = create_user(email=acc.email, name=acc.name, password=password, role=acc.role,
                               organization=org, locale="en" if acc.languages == ("en",) else "zh",
                               profile=profile if acc.role == "mediator" else None)
        users.append(user)
    return users


def printed_logins() -> list[tuple[str, str]]:
    """(role, email) of the first demo account of each role."""
    seen: dict[str, str] = {}
    for acc in ACCOUNTS:
        seen.setdefault(acc.role, acc.email)
    return [(role, seen[role]) for role in PRINTED]


def seed_demo(password: str, count: int = 300, seed: int = 20260101, now: datetime | None = None) -> int:
    """Create demo accounts and, when there are no disputes yet, ``count`` demo disputes.

    :return: the number of disputes created (0 when the database already had disputes)
    """
    ensure_demo_accounts(password)
    if db.session.execute(select(Dispute.id).limit(1)).first() is not None:
        return 0
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    orgs = {o.code: o for o in db.session.execute(select(Organization)).scalars()}
    mediators: dict[int, list[User]] = {}
    for user in db.session.execute(select(User).where(User.role == "mediator")).scalars():
        mediators.setdefault(user.organization_id, []).append(user)
    people = {acc.role + ("_en" if acc.languages == ("en",) else ""): find_user_by_email(acc.email)
              for acc in ACCOUNTS if acc.role in ("claimant", "respondent")}
    span = timedelta(days=540)
    filed = sorted(now - span + timedelta(seconds=rng.randrange(int(span.total_seconds()))) for _ in range(count))
    for filed_at in filed:
        build_dispute(rng, filed_at, now, orgs, mediators, people)
    db.session.flush()
    return count
