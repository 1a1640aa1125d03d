"""An organisation admin reassigns a case to another active mediator of its organisation, with a reason."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dispute_hub.mediation.reassign import mediator_choices, reassign
from dispute_hub.mediation.workflow import StaleCase, TransitionError
from dispute_hub.models import CaseEvent, Dispute, verify_chain


@pytest.fixture
def world(db, make):
    org, other = make.org(), make.org()
    people = {
        "org_admin": make.user("org_admin", org), "mediator": make.user("mediator", org),
        "colleague": make.user("mediator", org, name="李调解"), "outsider": make.user("mediator", other),
        "other_admin": make.user("org_admin", other), "admin": make.user("admin"),
        "retired": make.user("mediator", org, active=False),
    }
    dispute = make.dispute(org, status="assigned", mediator_id=people["mediator"].id)
    db.session.commit()
    return dispute, people


def _form(dispute, mediator, reason="原调解员与被申请人有业务往来，申请回避") -> dict:
    return {"reassign-mediator_id": str(mediator.id), "reassign-reason": reason,
            "reassign-version": str(dispute.version)}


def _events(db, dispute) -> list[CaseEvent]:
    return db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id)
                              .order_by(CaseEvent.seq)).scalars().all()


def _mediator_of(db, dispute) -> int | None:
    db.session.expire_all()
    return db.session.get(Dispute, dispute.id).mediator_id


def test_the_org_admin_reassigns_with_a_reason_recorded(client, auth, db, world):
    dispute, people = world
    auth.login(people["org_admin"])
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert 'name="reassign-reason"' in page and "李调解" in page
    response = client.post(f"/cases/{dispute.tracking_no}/reassign", data=_form(dispute, people["colleague"]))
    assert response.status_code == 302
    assert _mediator_of(db, dispute) == people["colleague"].id
    case = db.session.get(Dispute, dispute.id)
    event = _events(db, case)[-1]
    assert event.kind == "reassigned" and event.actor_id == people["org_admin"].id
    assert (event.data["from"], event.data["to"]) == (people["mediator"].id, people["colleague"].id)
    assert event.data["reason"] == "原调解员与被申请人有业务往来，申请回避"
    assert case.status == "assigned" and verify_chain(case).ok
    assert people["colleague"].mediator_profile.last_assigned_at is not None
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert "原调解员与被申请人有业务往来" in page


def test_a_mediator_may_not_reassign(client, auth, db, world):
    dispute, people = world
    auth.login(people["mediator"])
    assert 'name="reassign-reason"' not in client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    response = client.post(f"/cases/{dispute.tracking_no}/reassign", data=_form(dispute, people["colleague"]))
    assert response.status_code == 403
    assert _mediator_of(db, dispute) == people["mediator"].id


def test_an_admin_of_another_organisation_does_not_see_the_case(client, auth, db, world):
    dispute, people = world
    auth.login(people["other_admin"])
    response = client.post(f"/cases/{dispute.tracking_no}/reassign", data=_form(dispute, people["outsider"]))
    assert response.status_code == 404


@pytest.mark.parametrize(("to", "reason", "message"), [
    ("outsider", "换人", "只能改派给本案所属机构的在职调解员"),
    ("retired", "换人", "只能改派给本案所属机构的在职调解员"),
    ("org_admin", "换人", "只能改派给本案所属机构的在职调解员"),
    ("mediator", "换人", "已是本案调解员"),
    ("colleague", "   ", "改派必须填写理由"),
])
def test_refused_reassignments_say_why_and_change_nothing(client, auth, db, world, to, reason, message):
    dispute, people = world
    events = dispute.event_count
    auth.login(people["org_admin"])
    page = client.post(f"/cases/{dispute.tracking_no}/reassign", data=_form(dispute, people[to], reason),
                       follow_redirects=True)
    assert message in page.get_data(as_text=True)
    assert _mediator_of(db, dispute) == people["mediator"].id
    assert db.session.get(Dispute, dispute.id).event_count == events


def test_a_stale_version_is_refused(client, auth, db, world):
    dispute, people = world
    seen = dispute.version
    dispute.title = "刚被改过"
    db.session.commit()
    auth.login(people["org_admin"])
    data = {**_form(dispute, people["colleague"]), "reassign-version": str(seen)}
    page = client.post(f"/cases/{dispute.tracking_no}/reassign", data=data, follow_redirects=True,
                       headers={"Accept-Language": "en"})
    assert StaleCase.message_en in page.get_data(as_text=True)
    assert _mediator_of(db, dispute) == people["mediator"].id


def test_an_accepted_case_without_mediator_moves_to_assigned(db, make, world):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="accepted")
    reassign(dispute, people["colleague"], reason="无人认领，指定承办", actor=people["admin"],
             expected_version=dispute.version)
    db.session.commit()
    assert dispute.status == "assigned" and dispute.mediator_id == people["colleague"].id
    assert [e.kind for e in _events(db, dispute)][-2:] == ["transition", "reassigned"]
    assert verify_chain(dispute).ok


def test_an_adjudication_case_gets_its_officer_without_a_state_change(db, make, world):
    _, people = world
    dispute = make.dispute(people["mediator"].organization, status="accepted", channel="administrative_adjudication")
    reassign(dispute, people["colleague"], reason="指定办案人员", actor=people["org_admin"],
             expected_version=dispute.version)
    assert dispute.status == "accepted" and dispute.mediator_id == people["colleague"].id


@pytest.mark.parametrize(("actor", "status", "code"), [
    ("mediator", "assigned", "wrong_role"),
    ("other_admin", "assigned", "wrong_role"),
    ("org_admin", "closed", "case_closed"),
])
def test_the_service_guards_role_and_state_too(db, world, actor, status, code):
    dispute, people = world
    dispute.status = status
    with pytest.raises(TransitionError) as refused:
        reassign(dispute, people["colleague"], reason="换人", actor=people[actor], expected_version=None)
    assert refused.value.code == code


def test_the_choices_are_the_active_mediators_of_the_organisation(db, world):
    dispute, people = world
    assert {u.id for u in mediator_choices(dispute)} == {people["mediator"].id, people["colleague"].id}
