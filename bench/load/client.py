"""A small keep-alive HTTP client with cookies and the login form's CSRF token, for the load run."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310  our own loopback server
                return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class HttpSession:
    """One client: a persistent connection and the cookies the server set."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # the server closed an idle keep-alive connection: reconnect once
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def get(self, path: str) -> int:
        return self.request("GET", path)[0]

    def post_json(self, path: str, payload: object, headers: dict[str, str]) -> int:
        body = json.dumps(payload).encode()
        return self.request("POST", path, body, {**headers, "Content-Type": "application/json"})[0]

    def login(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/login")
        match = CSRF_FIELD.search(page.decode())
        if status != 200 or match is None:
            raise RuntimeError(f"login page answered {status} without a CSRF field")
        form = urllib.parse.urlencode({"csrf_token": match.group(1), "email": email, "password": password})
        status, _ = self.request("POST", "/login", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login as {email} answered {status}")
