"""GET /api/v1/cases/<tracking_no>/similar and POST /api/v1/similar: scope, anonymised hits, validation."""

from __future__ import annotations

import pytest

from tests.casesearch.conftest import indexed_case, search  # noqa: F401  fixtures shared with casesearch

PREFIX = "/api/v1"
TWIN_TITLE = "锦绣家纺诉梦洁网店外观设计纠纷"


@pytest.fixture
def cases(db, make, indexed_case):  # noqa: F811
    org_a, org_b = make.org(code="org-a"), make.org(code="org-b")
    mine = indexed_case(org_a, "design", title="本机构外观设计案")
    twin = indexed_case(org_b, "design2", title=TWIN_TITLE, status="closed", closure="settled",
                        cause_name="侵害外观设计专利权纠纷", external_id="court-9")
    mediator = make.user("mediator", org_a)
    liaison = make.user("liaison")
    db.session.commit()
    return {"mine": mine, "twin": twin, "mediator": mediator, "liaison": liaison}


def test_hits_of_another_organisation_are_anonymised(client, bearer, cases):
    headers = bearer(cases["mediator"], "cases:read")

    response = client.get(f"{PREFIX}/cases/{cases['mine'].tracking_no}/similar?k=5", headers=headers)

    assert response.status_code == 200
    hit = response.get_json()["hits"][0]
    assert hit["tracking_no"] is None and hit["external_id"] is None and hit["terms"] == []
    assert hit["visible"] is False
    assert hit["cause_name"] == "侵害外观设计专利权纠纷" and hit["closure"] == "settled" and hit["days_to_close"] == 20
    assert TWIN_TITLE not in response.get_data(as_text=True)


def test_who_may_open_the_hit_gets_its_numbers_and_terms(client, bearer, cases):
    headers = bearer(cases["liaison"], "cases:read")

    hits = client.get(f"{PREFIX}/cases/{cases['mine'].tracking_no}/similar", headers=headers).get_json()["hits"]

    assert hits[0]["tracking_no"] == cases["twin"].tracking_no and hits[0]["external_id"] == "court-9"
    assert "四件套" in hits[0]["terms"] and hits[0]["score"] > 0
    assert set(hits[0]) >= {"tracking_no", "external_id", "score", "cause_name", "ip_type", "channel", "closure",
                            "terms"}


def test_a_case_outside_the_scope_answers_404(client, bearer, cases):
    headers = bearer(cases["mediator"], "cases:read")

    assert client.get(f"{PREFIX}/cases/{cases['twin'].tracking_no}/similar", headers=headers).status_code == 404


def test_similar_to_a_text_with_filters(client, bearer, cases):
    headers = bearer(cases["liaison"], "cases:read")
    text = "被申请人在淘宝销售与我方外观设计专利近似的四件套"

    found = client.post(f"{PREFIX}/similar", json={"text": text, "k": 10}, headers=headers).get_json()["hits"]
    settled = client.post(f"{PREFIX}/similar", json={"text": text, "filters": {"closure": "settled"}},
                          headers=headers).get_json()["hits"]

    assert {h["tracking_no"] for h in found} == {cases["mine"].tracking_no, cases["twin"].tracking_no}
    assert [h["tracking_no"] for h in settled] == [cases["twin"].tracking_no]


@pytest.mark.parametrize("body", [
    {"text": ""}, {"text": 5}, {"text": "四件套", "k": 0}, {"text": "四件套", "k": 51}, {"text": "四件套", "k": True},
    {"text": "四件套", "filters": {"claimant": "x"}}, {"text": "四件套", "filters": {"status": {"a": 1}}}, [1],
])
def test_invalid_requests_answer_422(client, bearer, cases, body):
    headers = bearer(cases["liaison"], "cases:read")

    response = client.post(f"{PREFIX}/similar", json=body, headers=headers)

    assert response.status_code == 422 and response.get_json()["error"].startswith("invalid_")


def test_the_scope_is_required(client, bearer, cases):
    assert client.post(f"{PREFIX}/similar", json={"text": "四件套"}).status_code == 401
    headers = bearer(cases["liaison"], "triage")
    assert client.post(f"{PREFIX}/similar", json={"text": "四件套"}, headers=headers).status_code == 403


def test_search_down_answers_503(client, bearer, cases):
    from dispute_hub.casesearch.backend import search_state
    from search import SearchError

    class Down:
        def similar(self, *args, **kwargs):
            raise SearchError("unreachable")

    headers = bearer(cases["liaison"], "cases:read")
    search_state().replace(Down())
    try:
        response = client.post(f"{PREFIX}/similar", json={"text": "四件套"}, headers=headers)
    finally:
        search_state().replace(None)

    assert response.status_code == 503 and response.get_json()["error"] == "search_unavailable"
