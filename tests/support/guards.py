"""Autouse guard: no test talks to the outside world (mail, HTTP) by accident."""

from __future__ import annotations

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect


def _is_local(address) -> bool:
    if isinstance(address, str):  # unix socket
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_outbound_network(monkeypatch):
    def guarded_connect(sock, address):
        if not _is_local(address):
            raise AssertionError(f"a test tried to connect to {address!r}; only loopback is allowed")
        return _real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield
