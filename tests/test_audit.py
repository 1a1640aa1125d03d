"""The security audit log: login attempts and refusals are kept, even though the refused request rolls back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dispute_hub.extensions import limiter
from dispute_hub.models import AuditEntry


def _entries(db, kind: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.execute(sa.select(AuditEntry).where(AuditEntry.kind == kind)
                              .order_by(AuditEntry.id)).scalars().all()


def test_a_failed_login_is_kept_with_the_address_typed_but_not_the_password(client, db, make):
    make.user("claimant", email="who@example.com")
    db.session.commit()
    response = client.post("/login", data={"email": "who@example.com", "password": "wrong-guess-123"})
    assert response.status_code == 400
    (entry,) = _entries(db, "login_failed")
    assert (entry.email, entry.path, entry.method, entry.status) == ("who@example.com", "/login", "POST", 400)
    assert entry.ip == "127.0.0.1" and entry.user_id is None
    assert "wrong-guess-123" not in repr(entry.detail)


def test_a_successful_login_names_the_user(client, db, make, auth):
    user = make.user("mediator", make.org())
    db.session.commit()
    auth.login(user)
    (entry,) = _entries(db, "login_succeeded")
    assert entry.user_id == user.id and not _entries(db, "login_failed")


def test_opening_another_organisations_case_is_kept_without_its_title(client, db, make, auth):
    mine, theirs = make.org(), make.org()
    mediator = make.user("mediator", mine)
    case = make.dispute(theirs, title="别家机构的秘密案件")
    db.session.commit()
    auth.login(mediator)
    response = client.get(f"/cases/{case.tracking_no}")
    assert response.status_code == 404 and "别家机构的秘密案件" not in response.get_data(as_text=True)
    (entry,) = _entries(db, "case_out_of_scope")
    assert entry.user_id == mediator.id and entry.detail == {"tracking_no": case.tracking_no, "action": "view"}
    assert "别家机构的秘密案件" not in repr(entry.detail)


def test_a_mistyped_tracking_number_is_not_a_refusal(client, db, make, auth):
    mediator = make.user("mediator", make.org())
    db.session.commit()
    auth.login(mediator)
    assert client.get("/cases/NTIP-2026-999999").status_code == 404
    assert not _entries(db, "case_out_of_scope")


def test_a_forbidden_page_is_kept(client, db, make, auth):
    claimant = make.user("claimant")
    db.session.commit()
    auth.login(claimant)
    assert client.get("/admin/").status_code == 403
    (entry,) = _entries(db, "permission_refused")
    assert (entry.user_id, entry.path, entry.status) == (claimant.id, "/admin/", 403)


def test_an_unknown_api_token_is_kept(client, db):
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 401
    (entry,) = _entries(db, "token_refused")
    assert entry.detail == {"error": "invalid_token"} and "not-a-real-token" not in repr(entry.detail)


def test_a_post_without_its_csrf_token_is_kept(app, db):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/login", data={"email": "x@example.com", "password": "whatever-123"})
    assert response.status_code == 400
    assert len(_entries(db, "csrf_refused")) == 1 and not _entries(db, "login_failed")


def test_a_rate_limited_login_is_kept(client, db):
    limiter.reset()
    codes = [client.post("/login", data={"email": "x@example.com", "password": "p-123456"}).status_code
             for _ in range(11)]
    assert codes[-1] == 429
    (entry,) = _entries(db, "rate_limited")
    assert entry.path == "/login"
    limiter.reset()


@pytest.mark.parametrize("role", ["mediator", "org_admin", "liaison", "claimant"])
def test_only_platform_admins_read_the_log(client, db, make, auth, role):
    user = make.user(role, make.org() if role in ("mediator", "org_admin") else None)
    db.session.commit()
    auth.login(user)
    assert client.get("/admin/audit").status_code == 403


def test_the_admin_page_lists_and_filters_entries(client, db, make, auth):
    make.user("claimant", email="who@example.com")
    admin = make.user("admin")
    db.session.commit()
    client.post("/login", data={"email": "who@example.com", "password": "wrong-guess-123"})
    auth.login(admin)
    page = client.get("/admin/audit?kind=login_failed").get_data(as_text=True)
    assert "who@example.com" in page and "登录失败" in page
    assert "who@example.com" not in client.get("/admin/audit?kind=login_succeeded").get_data(as_text=True)
