"""A real local SMTP server (aiosmtpd) for the notification tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """aiosmtpd handler keeping every envelope it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [message_from_bytes(env.content, policy=default_policy) for env in self.envelopes]


class StallingCollector(Collector):
    """Never answers the first message (so its sender hangs mid-send); takes the later ones."""

    def __init__(self) -> None:
        super().__init__()
        self.first_arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            await asyncio.sleep(120)
            return "451 too late"
        return await super().handle_DATA(server, session, envelope)


class SmtpServer:
    def __init__(self, port: int, handler: Collector | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.port = port
        self.handler = handler or Collector()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
