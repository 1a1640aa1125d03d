"""Test factories: plain objects added to the session and flushed, never committed."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, datetime

from dispute_hub.models import Dispute, MediatorProfile, Organization, Party, User, append_event
from dispute_hub.tracking import next_tracking_no

PASSWORD = "correct-horse-battery"


@functools.cache
def password_hash() -> str:
    """One real (slow, scrypt) hash of PASSWORD, computed once and shared by every test user."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)


class Factories:
    def __init__(self, db):
        self.db = db
        self._seq = itertools.count(1)

    def org(self, code: str | None = None, **kw) -> Organization:
        n = next(self._seq)
        org = Organization(code=code or f"org-{n}", name_zh=kw.pop("name_zh", f"测试机构{n}"),
                           name_en=kw.pop("name_en", f"Test organisation {n}"),
                           kind=kw.pop("kind", "people_mediation_committee"),
                           channels=kw.pop("channels", ["people_mediation"]), **kw)
        self.db.session.add(org)
        self.db.session.flush()
        return org

    def user(self, role: str = "claimant", org: Organization | None = None, **kw) -> User:
        n = next(self._seq)
        user = User(email=kw.pop("email", f"{role}{n}@example.com"), name=kw.pop("name", f"{role} {n}"),
                    role=role, organization=org, **kw)
        user.password_hash = password_hash()
        if role == "mediator":
            user.mediator_profile = MediatorProfile(specialties=[], languages=["zh"], capacity=10)
        self.db.session.add(user)
        self.db.session.flush()
        return user

    def dispute(self, org: Organization | None = None, claimant: User | None = None,
                respondent: User | None = None, title: str | None = None, **kw) -> Dispute:
        n = next(self._seq)
        now = datetime.now(UTC)
        dispute = Dispute(
            tracking_no=next_tracking_no(now.year), title=title or f"测试纠纷{n}",
            description=kw.pop("description", "被申请人在网店销售侵犯外观设计专利权的产品。"),
            status=kw.pop("status", "accepted"), channel=kw.pop("channel", "people_mediation"),
            organization=org, claimant_user_id=claimant.id if claimant else None, **kw,
        )
        dispute.parties.append(Party(role="claimant", kind="company", name=f"申请人公司{n}",
                                     name_normalized=f"申请人{n}"))
        dispute.parties.append(Party(role="respondent", kind="company", name=f"被申请人公司{n}",
                                     name_normalized=f"被申请人{n}", user_id=respondent.id if respondent else None))
        self.db.session.add(dispute)
        self.db.session.flush()
        append_event(dispute, "submitted", to_status="submitted")
        self.db.session.flush()
        return dispute
