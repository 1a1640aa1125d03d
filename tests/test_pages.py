"""Home page, languages, error pages and security headers."""

from __future__ import annotations

import re


def test_home_is_chinese_first_and_links_to_filing_tracking_and_login(client):
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "南通知识产权纠纷快速处理平台" in body
    assert "提交纠纷申请" in body and "查询我的案件" in body and "/login" in body and "/register" in body
    assert '<html lang="zh-CN">' in body


def test_english_switch_and_browser_preference(client):
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Nantong IP Dispute Rapid Handling Platform" in english
    client.get("/lang/zh")
    chosen = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "南通知识产权纠纷快速处理平台" in chosen  # an explicit choice beats the browser's


def test_error_pages_speak_both_languages(client):
    response = client.get("/no/such/page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面不存在" in body and "This page does not exist" in body
    english = client.get("/no/such/page", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english.index("This page does not exist") < english.index("页面不存在")


def test_server_error_page_and_json_error(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "服务器出错" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_other_hosts(client):
    body = client.get("/").get_data(as_text=True) + client.get("/login").get_data(as_text=True)
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', body)
    assert external == []
    assert "<script" not in body  # CSP forbids inline script; none is needed yet
    css = client.get("/static/css/app.css")
    css.close()
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_cookies_are_secure_and_hsts_sent_when_served_over_https(app, client, db, make):
    """DISPUTE_HUB_SECURE_COOKIES=1: the session cookie carries Secure (never sent over plain HTTP) and HTTPS
    responses ask browsers to stay on HTTPS; without it, plain-HTTP development keeps working."""
    user = make.user("mediator", make.org())
    db.session.commit()
    login = {"email": user.email, "password": "correct-horse-battery"}
    plain = client.post("/login", data=login)
    assert plain.status_code == 302
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in plain.headers

    app.config["SESSION_COOKIE_SECURE"] = True
    secure = app.test_client().post("/login", data=login, base_url="https://localhost")
    assert secure.status_code == 302
    cookie = secure.headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
