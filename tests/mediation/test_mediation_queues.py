"""Work queues of mediators and org admins: membership, scope, counts, sorting, filters, claim, bulk reassign."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

# registers the queue routes on the mediation blueprint before any app is built
from dispute_hub.mediation import queue_views  # noqa: F401
from dispute_hub.mediation.queues import QUEUES, QueueFilters, queue_counts, queue_page
from dispute_hub.models import CaseEvent, Dispute, verify_chain

NOW = datetime.now(UTC)

# title -> the queues of organisation A's mediator ("m1") that hold it
EXPECTED = {
    "甲·我的案件": {"mine"},
    "甲·无人认领": {"unassigned"},
    "甲·三日内到期": {"due_soon"},
    "甲·已经逾期": {"overdue"},
    "甲·等待补充材料": {"unassigned", "waiting"},
    "甲·等待被申请人答复": {"waiting"},
    "甲·中止中的逾期案件": {"mine"},
    "甲·已结案件": set(),
}
SECRET = "乙机构保密案件"


@pytest.fixture
def world(db, make):
    org, other = make.org(), make.org()
    people = {
        "m1": make.user("mediator", org, name="张调解"), "m2": make.user("mediator", org, name="李调解"),
        "org_admin": make.user("org_admin", org), "outsider": make.user("mediator", other),
        "other_admin": make.user("org_admin", other), "admin": make.user("admin"),
    }
    m1, m2 = people["m1"].id, people["m2"].id
    specs = {
        "甲·我的案件": dict(status="in_mediation", mediator_id=m1, deadline_at=NOW + timedelta(days=10)),
        "甲·无人认领": dict(status="accepted", ip_type="trademark"),
        "甲·三日内到期": dict(status="in_mediation", mediator_id=m2, deadline_at=NOW + timedelta(days=1),
                       ip_type="patent"),
        "甲·已经逾期": dict(status="in_mediation", mediator_id=m2, deadline_at=NOW - timedelta(days=1),
                     channel="industry_mediation"),
        "甲·等待补充材料": dict(status="more_info"),
        "甲·等待被申请人答复": dict(status="assigned", mediator_id=m2),
        "甲·中止中的逾期案件": dict(status="suspended", mediator_id=m1, deadline_at=NOW - timedelta(days=2)),
        "甲·已结案件": dict(status="closed", mediator_id=m1, deadline_at=NOW - timedelta(days=5)),
    }
    cases = {title: make.dispute(org, title=title, **spec) for title, spec in specs.items()}
    cases["甲·等待被申请人答复"].parties_in("respondent")[0].invited_at = NOW - timedelta(days=3)
    cases[SECRET] = make.dispute(other, title=SECRET, status="accepted")
    db.session.commit()
    return cases, people


def _titles(user, queue: str, **filters) -> list[str]:
    return [d.title for d in queue_page(user, queue, QueueFilters(**filters)).items]


@pytest.mark.parametrize("queue", QUEUES)
def test_each_queue_holds_exactly_its_cases(world, queue):
    cases, people = world
    expected = {title for title, queues in EXPECTED.items() if queue in queues}
    assert set(_titles(people["m1"], queue)) == expected


def test_counts_agree_with_the_queues_in_one_query(world):
    _, people = world
    counts = queue_counts(people["m1"])
    assert counts == {q: queue_page(people["m1"], q).total for q in QUEUES}
    assert counts == {"mine": 2, "unassigned": 2, "due_soon": 1, "overdue": 1, "waiting": 2}
    assert queue_counts(people["outsider"]) == {"mine": 0, "unassigned": 1, "due_soon": 0, "overdue": 0,
                                                "waiting": 0}


def test_a_mediator_of_another_organisation_sees_none_of_them(client, auth, world):
    cases, people = world
    auth.login(people["outsider"])
    for queue in QUEUES:
        response = client.get(f"/cases/queue?tab={queue}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert not [title for title in EXPECTED if title in page]
    assert SECRET in client.get("/cases/queue?tab=unassigned").get_data(as_text=True)
    assert client.get(f"/cases/{cases['甲·无人认领'].tracking_no}").status_code == 404


def test_the_page_lists_the_tab_and_the_navigation_counts(client, auth, world):
    cases, people = world
    auth.login(people["m1"])
    page = client.get("/cases/queue").get_data(as_text=True)  # a mediator lands on their own cases
    assert "甲·我的案件" in page and "甲·中止中的逾期案件" in page and "甲·无人认领" not in page
    home = client.get("/cases/").get_data(as_text=True)
    assert 'href="/cases/queue"' in home
    link = re.search(r'<a href="/cases/queue">.*?</a>', home, re.S).group(0)
    assert re.search(r'<span class="count" [^>]*>2</span>', link)  # m1's own open cases
    assert re.search(r'<span class="count overdue" [^>]*>1</span>', link)


def test_sorted_by_deadline_with_no_deadline_last(world):
    _, people = world
    assert _titles(people["org_admin"], "unassigned") == ["甲·无人认领", "甲·等待补充材料"]
    assert _titles(people["m1"], "mine") == ["甲·中止中的逾期案件", "甲·我的案件"]
    by_deadline = _titles(people["org_admin"], "overdue") + _titles(people["org_admin"], "due_soon")
    assert by_deadline == ["甲·已经逾期", "甲·三日内到期"]


def test_sort_by_filing_puts_the_oldest_first(db, world):
    cases, people = world
    cases["甲·我的案件"].filed_at = NOW - timedelta(days=30)
    db.session.commit()
    assert _titles(people["m1"], "mine", sort="filed") == ["甲·我的案件", "甲·中止中的逾期案件"]
    assert _titles(people["m1"], "mine") == ["甲·中止中的逾期案件", "甲·我的案件"]


def test_filters_by_status_ip_type_and_channel_from_the_query_string(client, auth, world):
    _, people = world
    auth.login(people["org_admin"])
    page = client.get("/cases/queue?tab=unassigned&status=more_info").get_data(as_text=True)
    assert "甲·等待补充材料" in page and "甲·无人认领" not in page
    page = client.get("/cases/queue?tab=unassigned&ip_type=trademark").get_data(as_text=True)
    assert "甲·无人认领" in page and "甲·等待补充材料" not in page
    page = client.get("/cases/queue?tab=overdue&channel=people_mediation").get_data(as_text=True)
    assert "甲·已经逾期" not in page
    page = client.get("/cases/queue?tab=due_soon&days=20").get_data(as_text=True)
    assert "甲·三日内到期" in page and "甲·我的案件" in page
    # unknown values are ignored, not an error
    assert client.get("/cases/queue?tab=nonsense&status=closed&days=x").status_code == 200


def test_only_staff_open_the_queues(client, auth, make, db, world):
    claimant = make.user("claimant")
    db.session.commit()
    assert client.get("/cases/queue").status_code == 302
    auth.login(claimant)
    assert client.get("/cases/queue").status_code == 403


def _case(db, dispute) -> Dispute:
    db.session.expire_all()
    return db.session.get(Dispute, dispute.id)


def _kinds(db, dispute) -> list[str]:
    return list(db.session.execute(sa.select(CaseEvent.kind).where(CaseEvent.dispute_id == dispute.id)
                                   .order_by(CaseEvent.seq)).scalars())


def test_a_mediator_claims_an_unassigned_accepted_case(client, auth, db, world):
    cases, people = world
    dispute = cases["甲·无人认领"]
    auth.login(people["m1"])
    response = client.post(f"/cases/queue/claim/{dispute.tracking_no}", data={"version": str(dispute.version)})
    assert response.status_code == 302
    case = _case(db, dispute)
    assert (case.mediator_id, case.status) == (people["m1"].id, "assigned")
    assert _kinds(db, case)[-2:] == ["transition", "claimed"] and verify_chain(case).ok
    assert "甲·无人认领" in client.get("/cases/queue?tab=mine").get_data(as_text=True)


def test_claiming_a_case_waiting_for_information_keeps_its_status(client, auth, db, world):
    cases, people = world
    auth.login(people["m1"])
    client.post(f"/cases/queue/claim/{cases['甲·等待补充材料'].tracking_no}")
    case = _case(db, cases["甲·等待补充材料"])
    assert (case.mediator_id, case.status) == (people["m1"].id, "more_info")
    assert _kinds(db, case)[-1] == "claimed"


@pytest.mark.parametrize(("who", "title", "status"), [
    ("m1", "甲·三日内到期", 302),       # has a mediator already: refused, nothing changes
    ("m1", "甲·已结案件", 302),          # closed
    ("outsider", "甲·无人认领", 404),    # another organisation's case is not even found
    ("org_admin", "甲·无人认领", 403),   # claiming is a mediator's move
])
def test_claim_is_refused(client, auth, db, world, who, title, status):
    cases, people = world
    before = (cases[title].mediator_id, cases[title].status, cases[title].event_count)
    auth.login(people[who])
    assert client.post(f"/cases/queue/claim/{cases[title].tracking_no}").status_code == status
    case = _case(db, cases[title])
    assert (case.mediator_id, case.status, case.event_count) == before


def test_a_stale_claim_is_refused(client, auth, db, world):
    cases, people = world
    dispute = cases["甲·无人认领"]
    auth.login(people["m1"])
    client.post(f"/cases/queue/claim/{dispute.tracking_no}", data={"version": str(dispute.version - 1)})
    assert _case(db, dispute).mediator_id is None


def _bulk(cases, titles, mediator, reason="调解员工作量调整"):
    return {"case": [cases[t].tracking_no for t in titles], "mediator_id": str(mediator.id), "reason": reason,
            **{f"version-{cases[t].tracking_no}": str(cases[t].version) for t in titles}}


def test_the_org_admin_reassigns_in_bulk_and_learns_what_was_refused(client, auth, db, world):
    cases, people = world
    auth.login(people["org_admin"])
    response = client.post("/cases/queue/reassign", data=_bulk(
        cases, ["甲·无人认领", "甲·三日内到期", "甲·已结案件", SECRET], people["m1"]), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for title in ("甲·无人认领", "甲·三日内到期"):
        case = _case(db, cases[title])
        assert case.mediator_id == people["m1"].id and _kinds(db, case)[-1] == "reassigned"
    assert _case(db, cases["甲·无人认领"]).status == "assigned"
    assert _case(db, cases["甲·已结案件"]).mediator_id == people["m1"].id  # it was m1's and stays
    assert _case(db, cases[SECRET]).mediator_id is None
    assert cases[SECRET].tracking_no in page and SECRET not in page  # refused by number, title never shown
    assert cases["甲·已结案件"].tracking_no in page
    event = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == cases["甲·三日内到期"].id)
                               .order_by(CaseEvent.seq.desc())).scalars().first()
    assert event.data["reason"] == "调解员工作量调整" and event.actor_id == people["org_admin"].id


def test_bulk_reassign_needs_a_reason(client, auth, db, world):
    cases, people = world
    auth.login(people["org_admin"])
    client.post("/cases/queue/reassign", data=_bulk(cases, ["甲·三日内到期"], people["m1"], reason="  "))
    assert _case(db, cases["甲·三日内到期"]).mediator_id == people["m2"].id


def test_a_mediator_may_not_reassign_in_bulk(client, auth, db, world):
    cases, people = world
    auth.login(people["m1"])
    response = client.post("/cases/queue/reassign", data=_bulk(cases, ["甲·三日内到期"], people["m1"]))
    assert response.status_code == 403
    assert _case(db, cases["甲·三日内到期"]).mediator_id == people["m2"].id


def test_the_org_admin_sees_the_bulk_form_with_the_mediators_loads(client, auth, world):
    _, people = world
    auth.login(people["org_admin"])
    page = client.get("/cases/queue").get_data(as_text=True)
    assert 'name="case"' in page and "张调解" in page and "李调解" in page
    assert 'action="/cases/queue/claim/' not in page
