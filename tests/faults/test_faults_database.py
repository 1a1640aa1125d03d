"""The database restarting under a load of filings: every filing the API acknowledged is there afterwards,
whole, and filing works again once the server is back."""

from __future__ import annotations

import gc
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
import warnings

import pytest
import sqlalchemy as sa
from celery.result import _set_task_join_will_block
from werkzeug.serving import make_server

from dispute_hub import create_app
from dispute_hub.extensions import db
from dispute_hub.models import CaseEvent, Dispute, Party, User, issue_token
from dispute_hub.reference import load_reference
from tests.support.databases import prepare_schema
from tests.support.filings import filing_body
from tests.support.private_postgres import PrivatePostgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CLIENTS = 4


@pytest.fixture
def server():
    postgres = PrivatePostgres()
    postgres.start()
    yield postgres
    postgres.remove()


def _serve(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}"


class Load:
    """Client threads filing through the API until stopped; keeps what was acknowledged and what failed."""

    def __init__(self, base: str, secret: str) -> None:
        self.base, self.secret = base, secret
        self.acknowledged: list[tuple[float, str]] = []
        self.failures: list[tuple[float, str]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _file_once(self, n: int) -> None:
        body = filing_body(description=f"被申请人在网店销售侵犯外观设计专利权的产品，第{n}号投诉。")
        request = urllib.request.Request(  # noqa: S310  our own loopback server
            f"{self.base}/api/v1/filings", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {self.secret}", "Content-Type": "application/json",
                     "Idempotency-Key": uuid.uuid4().hex})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  our own loopback server
                tracking_no = json.loads(response.read())["tracking_no"]
            with self.lock:
                self.acknowledged.append((time.monotonic(), tracking_no))
        except urllib.error.HTTPError as exc:
            with self.lock:
                self.failures.append((time.monotonic(), f"HTTP {exc.code}"))
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            with self.lock:
                self.failures.append((time.monotonic(), type(exc).__name__))

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            self._file_once(n)


def test_no_acknowledged_filing_is_lost_when_the_database_restarts(server, tmp_path):
    prepare_schema(server.url)
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": server.url,
                      "INSTANCE_DIR": str(tmp_path / "instance")})  # token filers are not rate limited
    with app.app_context():
        load_reference()
        integrator = User(email="ipr@platform.example.com", name="电商平台", role="claimant")
        integrator.set_password("integrator-password-1")
        db.session.add(integrator)
        _token, secret = issue_token(integrator, "load", ["filings:write"])
        db.session.commit()
    httpd, base = _serve(app)
    load = Load(base, secret)
    clients = [threading.Thread(target=load.run) for _ in range(CLIENTS)]
    try:
        for client in clients:
            client.start()
        warm_until = time.monotonic() + 90  # the first filings load the segmenter and the rules
        while len(load.acknowledged) < 2 * CLIENTS and time.monotonic() < warm_until:
            time.sleep(0.2)
        restart_began = time.monotonic()
        server.restart("fast")  # every open connection is cut, as in a failover or a crash of the server
        restart_ended = time.monotonic()
        time.sleep(4)
    finally:
        load.stop.set()
        for client in clients:
            client.join(60)
        httpd.shutdown()
        # Celery's eager apply() keeps "a join would block" in one process-wide flag, saved and restored
        # around each task: threads running eager tasks at once can leave it set, and every later
        # result.get() in this process would then refuse to run
        _set_task_join_will_block(False)
        # connections the restart cut are dropped by the pool; collect them here, where cutting them was
        # the point, so their "deleted while open" warnings do not surface in whichever test runs next
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()

    acknowledged = [no for _at, no in load.acknowledged]
    assert any(at < restart_began for at, _no in load.acknowledged), load.failures
    assert any(at > restart_ended for at, _no in load.acknowledged), "filing did not recover after the restart"
    with app.app_context():
        db.engine.dispose()  # connections from before the restart are dead
        stored = set(db.session.execute(sa.select(Dispute.tracking_no)).scalars())
        missing = sorted(set(acknowledged) - stored)
        assert not missing, f"acknowledged but lost: {missing}"
        # and nothing is half-written: every stored case has its parties and its first event
        without_parties = db.session.execute(sa.select(sa.func.count()).select_from(Dispute).where(
            ~sa.exists().where(Party.dispute_id == Dispute.id))).scalar_one()
        without_event = db.session.execute(sa.select(sa.func.count()).select_from(Dispute).where(
            ~sa.exists().where(CaseEvent.dispute_id == Dispute.id, CaseEvent.kind == "submitted"))).scalar_one()
        db.session.remove()
        db.engine.dispose()
    assert (without_parties, without_event) == (0, 0)
    assert {kind for _at, kind in load.failures} <= {"HTTP 503"}, "a lost database must answer 503 (retry)"
    late = [kind for at, kind in load.failures if at > restart_ended + 1]
    assert not late, f"filings still failing a second after the server was back: {late}"
    print(f"\nfilings acknowledged: {len(acknowledged)}, refused or cut during the restart: {len(load.failures)} "
          f"({sorted(set(kind for _at, kind in load.failures))}), restart took {restart_ended - restart_began:.2f} s")
