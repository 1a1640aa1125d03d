"""POST /api/v1/filings under generated bad input: never a 500, and never a half-written case."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from dispute_hub.models import Dispute, verify_chain
from tests.support.filings import BODY
from tests.support.junk import JUNK, PROPERTY_SETTINGS, mutated, paths, value_at

URL = "/api/v1/filings"
COUNTS = sa.text("SELECT (SELECT count(*) FROM disputes), (SELECT count(*) FROM parties),"
                 " (SELECT count(*) FROM ip_rights), (SELECT count(*) FROM evidence),"
                 " (SELECT count(*) FROM case_events)")
REFUSED = {400, 413, 415, 422}


@pytest.fixture
def post(client, db, districts, integrator, bearer):
    """``post(body)``: send a generated body with a token; returns (response, rows added per table)."""
    headers = bearer(integrator, "filings:write")

    def send(body, raw: bytes | None = None):
        before = _counts(db)
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        response = client.post(URL, data=data, content_type="application/json", headers=headers)
        return response, tuple(b - a for a, b in zip(before, _counts(db), strict=True))

    return send


def _counts(db) -> tuple[int, ...]:
    with db.engine.connect() as connection:
        return tuple(connection.execute(COUNTS).one())


def _whole(db, tracking_no: str, added: tuple[int, ...]) -> None:
    """The one new case has all its rows: the parties, right and events added belong to it, its chain holds."""
    db.session.expire_all()
    case = db.session.execute(sa.select(Dispute).where(Dispute.tracking_no == tracking_no)).scalar_one()
    assert added[0] == 1
    assert added[1] == len(case.parties) and {"claimant", "respondent"} <= {p.role for p in case.parties}
    assert added[2] == len(case.ip_rights) and added[3] == 0
    assert added[4] == case.event_count >= 1 and verify_chain(case).ok


def _judge(db, response, added) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == 201:
        _whole(db, response.get_json()["tracking_no"], added)
        return
    assert response.status_code in REFUSED, response.status_code
    assert added == (0, 0, 0, 0, 0), added
    body = response.get_json()
    assert body["error"] and body["message"]
    if response.status_code == 422:  # each problem names its field ("" is the body itself) and says why
        assert body["errors"] and all(isinstance(e["field"], str) and e["message"] for e in body["errors"])


@PROPERTY_SETTINGS
@given(body=mutated(BODY))
def test_a_valid_filing_with_junk_in_it_is_filed_whole_or_refused_cleanly(db, post, body):
    _judge(db, *post(body))


@PROPERTY_SETTINGS
@given(body=JUNK)
def test_any_json_value_as_the_body_is_refused_cleanly(db, post, body):
    _judge(db, *post(body))


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_bytes_that_are_not_json_are_refused_cleanly(db, post, raw):
    _judge(db, *post(None, raw))


def test_every_text_field_at_any_length_is_filed_or_refused_never_a_database_error(db, post):
    """Each text of a valid filing made too long for its column (PostgreSQL enforces lengths, SQLite does not)."""
    for path in [p for p in paths(BODY) if isinstance(value_at(BODY, p), str)]:
        for length in (257, 4000, 200_000):
            body = json.loads(json.dumps(BODY))
            value_at(body, path[:-1])[path[-1]] = "申" * length
            response, added = post(body)
            assert response.status_code < 500, (path, length, response.get_data(as_text=True)[:300])
            _judge(db, response, added)
