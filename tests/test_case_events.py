"""The per-case hash chain detects edited, deleted and reordered events."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from dispute_hub.models import CaseEvent, Dispute, append_event, verify_chain


@pytest.fixture
def chained(db, make):
    dispute = make.dispute()
    append_event(dispute, "transition", from_status="submitted", to_status="accepted", data={"note": "材料齐全"})
    append_event(dispute, "transition", from_status="accepted", to_status="assigned", data={"mediator": "王磊"})
    db.session.commit()
    return dispute


def test_intact_chain_verifies(chained):
    report = verify_chain(chained)
    assert report.ok, report.problems
    assert report.checked == 3
    assert chained.event_count == 3


def test_chain_links_each_event_to_the_one_before(db, chained):
    events = (
        db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == chained.id).order_by(CaseEvent.seq))
        .scalars()
        .all()
    )
    assert events[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[-1].hash == chained.last_event_hash


def test_edited_event_data_is_detected(db, chained):
    db.session.execute(
        sa.text("UPDATE case_events SET data = :d WHERE dispute_id = :id AND seq = 2"),
        {"d": '{"note": "伪造"}', "id": chained.id},
    )
    db.session.commit()
    report = verify_chain(chained)
    assert not report.ok
    assert "event 2 was altered" in " ".join(report.problems)


def test_edited_status_is_detected(db, chained):
    db.session.execute(
        sa.text("UPDATE case_events SET to_status = 'rejected' WHERE dispute_id = :id AND seq = 3"), {"id": chained.id}
    )
    db.session.commit()
    assert not verify_chain(chained).ok


def test_deleted_middle_event_is_detected(db, chained):
    db.session.execute(sa.text("DELETE FROM case_events WHERE dispute_id = :id AND seq = 2"), {"id": chained.id})
    db.session.commit()
    report = verify_chain(chained)
    assert not report.ok
    assert "event 2 is missing" in " ".join(report.problems)


def test_deleted_newest_event_is_detected(db, chained):
    db.session.execute(sa.text("DELETE FROM case_events WHERE dispute_id = :id AND seq = 3"), {"id": chained.id})
    db.session.commit()
    report = verify_chain(chained)
    assert not report.ok
    assert "records 3 events but 2 are stored" in " ".join(report.problems)


def test_rewritten_chain_tail_with_recomputed_hash_is_detected(db, chained):
    # a forger who recomputes the last hash still cannot move the head stored on the case
    from dispute_hub.models.events import event_hash

    ev = db.session.execute(
        sa.select(CaseEvent).where(CaseEvent.dispute_id == chained.id, CaseEvent.seq == 3)
    ).scalar_one()
    forged = event_hash(
        ev.dispute_id,
        3,
        ev.kind,
        ev.from_status,
        "rejected",
        ev.actor_id,
        ev.actor_label,
        ev.data,
        ev.created_at,
        ev.prev_hash,
    )
    db.session.execute(
        sa.text("UPDATE case_events SET to_status='rejected', hash=:h WHERE id=:id"), {"h": forged, "id": ev.id}
    )
    db.session.commit()
    report = verify_chain(chained)
    assert not report.ok
    assert "newest event is not the one the case records" in " ".join(report.problems)


def test_orm_refuses_to_change_or_delete_events(db, chained):
    ev = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == chained.id)).scalars().first()
    ev.kind = "tampered"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    ev = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == chained.id)).scalars().first()
    db.session.delete(ev)
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_concurrent_edit_of_a_case_is_refused_by_the_version_column(app, db, chained):
    # a second session loads the same case, the first writes; the second's write must fail
    from sqlalchemy.orm import Session

    with Session(db.engine) as other:
        stale = other.get(Dispute, chained.id)
        chained.status = "in_mediation"
        db.session.commit()
        stale.status = "rejected"
        with pytest.raises(StaleDataError):
            other.commit()
    db.session.refresh(chained)
    assert chained.status == "in_mediation"
