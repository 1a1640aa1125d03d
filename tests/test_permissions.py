"""One permission function for lists and detail pages, by page and by API."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(db, make):
    org_a, org_b = make.org("org-a"), make.org("org-b")
    people = {
        "admin": make.user("admin"), "liaison": make.user("liaison"),
        "mediator_a": make.user("mediator", org_a), "mediator_b": make.user("mediator", org_b),
        "org_admin_a": make.user("org_admin", org_a),
        "claimant_1": make.user("claimant"), "claimant_2": make.user("claimant"),
        "respondent_1": make.user("respondent"),
    }
    case_a = make.dispute(org_a, claimant=people["claimant_1"], respondent=people["respondent_1"],
                          title="案件甲：家纺外观设计")
    case_b = make.dispute(org_b, claimant=people["claimant_2"], title="案件乙：商标侵权")
    db.session.commit()
    return people, case_a, case_b


# who -> (sees case A, sees case B)
MATRIX = [
    ("admin", True, True),
    ("liaison", True, True),
    ("mediator_a", True, False),
    ("org_admin_a", True, False),
    ("mediator_b", False, True),
    ("claimant_1", True, False),
    ("claimant_2", False, True),
    ("respondent_1", True, False),
]


@pytest.mark.parametrize(("who", "sees_a", "sees_b"), MATRIX)
def test_list_and_detail_agree(client, auth, world, who, sees_a, sees_b):
    people, case_a, case_b = world
    auth.login(people[who])
    listing = client.get("/cases/").get_data(as_text=True)
    api_list = client.get("/api/v1/cases").get_json()
    api_numbers = {item["tracking_no"] for item in api_list["items"]}
    for case, allowed in ((case_a, sees_a), (case_b, sees_b)):
        page = client.get(f"/cases/{case.tracking_no}")
        api = client.get(f"/api/v1/cases/{case.tracking_no}")
        assert (case.title in listing) is allowed
        assert (case.tracking_no in api_numbers) is allowed
        assert page.status_code == (200 if allowed else 404)
        assert api.status_code == (200 if allowed else 404)
        if not allowed:  # a refusal leaks neither title nor party names
            for body in (page.get_data(as_text=True), api.get_data(as_text=True)):
                assert case.title not in body
                assert case.parties[0].name not in body


def test_anonymous_is_sent_to_login_and_api_answers_401(client, world):
    _people, case_a, _ = world
    assert client.get("/cases/").status_code == 302
    page = client.get(f"/cases/{case_a.tracking_no}")
    assert page.status_code == 404 and case_a.title not in page.get_data(as_text=True)
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{case_a.tracking_no}").status_code == 404


def test_unknown_case_is_404_like_a_forbidden_one(client, auth, world):
    people, _, _ = world
    auth.login(people["mediator_a"])
    assert client.get("/cases/NTIP-2026-999999").status_code == 404


@pytest.mark.parametrize("who", ["liaison", "mediator_a", "org_admin_a", "claimant_1", "respondent_1"])
def test_admin_pages_refuse_other_roles(client, auth, world, who):
    people, _, _ = world
    auth.login(people[who])
    for url in ("/admin/", "/admin/users/new", "/admin/organizations/new"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/users/new", data={"email": "x@example.com"}).status_code == 403


@pytest.mark.parametrize(("who", "action", "allowed_on_a"), [
    ("mediator_a", "work", True), ("mediator_a", "manage", False), ("org_admin_a", "manage", True),
    ("mediator_b", "work", False), ("liaison", "work", False), ("liaison", "record_outcome", True),
    ("claimant_1", "work", False), ("claimant_1", "view", True), ("admin", "manage", True),
])
def test_actions_follow_role_and_scope(world, who, action, allowed_on_a):
    from dispute_hub.permissions import can

    people, case_a, _ = world
    assert can(people[who], action, case_a) is allowed_on_a


def test_portal_access_code_unlocks_only_that_case(world):
    from flask_login import AnonymousUserMixin

    from dispute_hub.permissions import can

    _people, case_a, case_b = world
    visitor = AnonymousUserMixin()
    assert can(visitor, "view", case_a, tracked_ids=[case_a.id])
    assert not can(visitor, "view", case_b, tracked_ids=[case_a.id])
    assert not can(visitor, "work", case_a, tracked_ids=[case_a.id])
