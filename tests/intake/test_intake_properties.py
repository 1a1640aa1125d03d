"""Bad input, generated: the validators take any JSON value, and `import-cases` lines full of junk never crash
the import nor leave half a case (test_intake_validators.py covers strings; this file every other type)."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from dispute_hub.intake.importer import BadLine, ImportCase, parse_line, run_import
from dispute_hub.intake.validators import ValidationError
from dispute_hub.models import Dispute, verify_chain
from dispute_hub.reference import load_reference
from tests.intake.test_intake_import import FULL, LOOKUPS, NOW
from tests.intake.test_intake_validators import IDEMPOTENT, TEXT_VALIDATORS
from tests.support.junk import JUNK, PROPERTY_SETTINGS, mutated

COUNTS = sa.text("SELECT (SELECT count(*) FROM disputes), (SELECT count(*) FROM parties),"
                 " (SELECT count(*) FROM ip_rights), (SELECT count(*) FROM evidence),"
                 " (SELECT count(*) FROM case_events), (SELECT count(*) FROM court_proceedings)")


@pytest.mark.parametrize("validator", TEXT_VALIDATORS, ids=lambda f: f.__name__)
@PROPERTY_SETTINGS
@given(value=JUNK)
def test_validators_take_any_json_value_and_refuse_only_with_a_validation_error(validator, value):
    try:
        result = validator(value, "f")
    except ValidationError as exc:
        assert exc.field == "f" and exc.message("zh") and exc.message("en")
        return
    assert isinstance(result, str | Decimal) or hasattr(result, "normalized") or hasattr(result, "isoformat")
    if validator in IDEMPOTENT:
        assert validator(result, "f") == result


def _line(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


LINES = (mutated(FULL).map(_line) | JUNK.map(_line) | st.binary(max_size=200)
         | st.text(max_size=100).map(lambda t: t.encode("utf-8")))


@PROPERTY_SETTINGS
@given(raw=LINES)
def test_a_line_of_junk_is_a_bad_line_or_a_case_never_an_exception(raw):
    outcome = parse_line(raw, 7, LOOKUPS, NOW)
    assert outcome is None or isinstance(outcome, ImportCase | BadLine)
    if isinstance(outcome, BadLine):
        messages = outcome.messages()
        assert messages and all(m.startswith("line 7") for m in messages)


@pytest.fixture
def reference(db):
    load_reference()
    db.session.commit()


def _counts(db) -> tuple[int, ...]:
    with db.engine.connect() as connection:
        return tuple(connection.execute(COUNTS).one())


_SERIAL = itertools.count(1)


@st.composite
def import_files(draw) -> list[bytes]:
    """A few lines, each of them plain junk, a case with junk in it or a good case (own external_id each)."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["junk", "mutated", "good"]))
        if kind == "junk":
            lines.append(draw(LINES))
            continue
        document = draw(mutated(FULL, max_changes=2)) if kind == "mutated" else dict(FULL)
        if isinstance(document, dict):
            document["external_id"] = f"P-{next(_SERIAL)}"  # never one of an earlier example
        lines.append(_line(document))
    return lines


@PROPERTY_SETTINGS
@given(lines=import_files(), batch_size=st.sampled_from([1, 3, 500]))
def test_an_import_of_junk_writes_whole_cases_or_nothing(app, db, reference, lines, batch_size):
    before, known = _counts(db), set(db.session.execute(sa.select(Dispute.id)).scalars())
    messages: list[str] = []
    report = run_import(lines, batch_size=batch_size, emit=messages.append, now=NOW)
    db.session.remove()
    added = tuple(b - a for a, b in zip(before, _counts(db), strict=True))
    new = db.session.execute(sa.select(Dispute).where(Dispute.id.not_in(known))).scalars().all()
    assert report.imported == len(new) == added[0]
    assert report.imported + report.already_imported + report.bad_lines == sum(1 for line in lines if line.strip())
    # the line checks caught every problem: no line got as far as the database and failed there
    assert not [m for m in messages if ": database: " in m], messages
    # every row written belongs to a case written whole: its parties, right, events and court record
    assert added[1:] == (sum(len(c.parties) for c in new), sum(len(c.ip_rights) for c in new), 0,
                         sum(c.event_count for c in new), sum(len(c.court_proceedings) for c in new))
    for case in new:
        assert case.event_count >= 1 and verify_chain(case).ok
        assert case.description and case.tracking_no
