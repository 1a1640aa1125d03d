"""Login, logout, registration and CSRF."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dispute_hub.models import User


def test_register_creates_a_claimant_and_logs_in(client, db):
    response = client.post("/register", data={
        "name": "南通锦程家纺有限公司", "email": "Legal@JinCheng.example.com",
        "password": "a-long-password", "confirm": "a-long-password", "role": "admin",
    })
    assert response.status_code == 302
    user = db.session.execute(sa.select(User)).scalar_one()
    assert user.role == "claimant"  # a posted role is ignored
    assert user.email == "legal@jincheng.example.com"
    assert user.password_hash != "a-long-password" and user.check_password("a-long-password")
    assert client.get("/cases/").status_code == 200


def test_register_keeps_input_and_explains_errors(client, make, db):
    make.user("claimant", email="taken@example.com")
    db.session.commit()
    response = client.post("/register", data={"name": "张三", "email": "taken@example.com",
                                              "password": "a-long-password", "confirm": "a-long-password"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "该邮箱已注册账户" in body
    assert 'value="张三"' in body
    short = client.post("/register", data={"name": "张三", "email": "new@example.com",
                                           "password": "short", "confirm": "other"})
    text = short.get_data(as_text=True)
    assert "至少 10 个字符" in text and "两次输入的密码不一致" in text


def test_wrong_password_is_refused_in_the_users_language(client, make, db):
    user = make.user("mediator", make.org())
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 400
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    client.get("/lang/en")
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert "Email or password is wrong." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, make, db):
    user = make.user("mediator", make.org(), active=False)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 400


def test_login_redirects_only_to_local_paths(client, make, db):
    user = make.user("admin")
    db.session.commit()
    ok = client.post("/login?next=/admin/", data={"email": user.email, "password": "correct-horse-battery"})
    assert ok.headers["Location"].endswith("/admin/")
    client.post("/logout")
    evil = client.post("/login?next=//evil.example.com/x",
                       data={"email": user.email, "password": "correct-horse-battery"})
    assert "evil.example.com" not in evil.headers["Location"]


def test_logout_needs_post(client, auth, make, db):
    user = make.user("admin")
    db.session.commit()
    auth.login(user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_forms_refuse_posts_without_csrf_token(csrf_client, make, db):
    user = make.user("admin")
    db.session.commit()
    response = csrf_client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    register = csrf_client.post("/register", data={"name": "x", "email": "x@example.com",
                                                   "password": "a-long-password", "confirm": "a-long-password"})
    assert register.status_code == 400
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 1


def test_forms_accept_posts_with_csrf_token(csrf_client, make, db):
    import re

    user = make.user("admin")
    db.session.commit()
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/login", data={"email": user.email, "password": "correct-horse-battery",
                                                "csrf_token": token})
    assert response.status_code == 302
