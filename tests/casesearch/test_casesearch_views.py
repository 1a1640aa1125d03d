"""The search page, the respondent page and the case page's similar-cases panel, with permissions."""

from __future__ import annotations

import pytest

TWIN_TITLE = "锦绣家纺诉梦洁网店外观设计纠纷"
RESPONDENT = "南通市梦洁网络科技有限公司"


@pytest.fixture
def world(db, make, indexed_case):
    """Two organisations with a design-patent case each, and a trademark case; one respondent in two cases."""
    org_a, org_b = make.org(code="org-a"), make.org(code="org-b")
    people = {
        "mediator_a": make.user("mediator", org_a), "mediator_b": make.user("mediator", org_b),
        "liaison": make.user("liaison"), "admin": make.user("admin"), "claimant": make.user("claimant"),
    }
    db.session.commit()
    cases = {
        "mine": indexed_case(org_a, "design", title="本机构外观设计案", respondent=RESPONDENT,
                             claimant=people["claimant"]),
        "twin": indexed_case(org_b, "design2", title=TWIN_TITLE, respondent="梦洁网络科技（南通）有限公司",
                             status="closed", closure="settled", cause_name="侵害外观设计专利权纠纷"),
        "mark": indexed_case(org_a, "mark", title="本机构商标案", status="in_mediation"),
    }
    return people, cases


def page(client, auth, user, url):
    auth.login(user)
    response = client.get(url)
    auth.logout()
    return response


def test_a_mediator_sees_similar_cases_of_another_organisation_without_title_or_names(client, auth, world):
    people, cases = world

    html = page(client, auth, people["mediator_a"], f"/cases/{cases['mine'].tracking_no}").get_data(as_text=True)

    assert "相似案件" in html
    assert TWIN_TITLE not in html and cases["twin"].tracking_no not in html
    assert "梦洁网络科技（南通）" not in html
    assert "侵害外观设计专利权纠纷" in html  # the anonymised outcome figures: cause, outcome, days to close
    assert "调解成功" in html and ">20<" in html


def test_who_may_open_the_similar_case_sees_its_title_link_and_shared_terms(client, auth, world):
    people, cases = world

    html = page(client, auth, people["admin"], f"/cases/{cases['mine'].tracking_no}").get_data(as_text=True)

    assert TWIN_TITLE in html
    assert f'href="/cases/{cases["twin"].tracking_no}"' in html
    assert "<mark>四件套</mark>" in html


def test_the_case_page_marks_the_case_s_own_duplicates(db, client, auth, world):
    people, cases = world
    mine = cases["mine"]
    mine.flags = [{"code": "possible_duplicate", "tracking_no": cases["twin"].tracking_no, "zh": "重复", "en": "dup"}]
    db.session.commit()

    html = page(client, auth, people["admin"], f"/cases/{mine.tracking_no}").get_data(as_text=True)

    assert 'class="duplicate"' in html and "可能与本案重复" in html


def test_the_respondent_history_on_the_case_page_counts_the_other_case(client, auth, world):
    people, cases = world

    html = page(client, auth, people["mediator_a"], f"/cases/{cases['mine'].tracking_no}").get_data(as_text=True)

    assert "被申请人历史案件" in html
    assert "另有 1 件案件，其中 1 件结果对被申请人不利" in html


def test_a_claimant_s_own_case_page_has_no_similar_cases(client, auth, world):
    people, cases = world

    response = page(client, auth, people["claimant"], f"/cases/{cases['mine'].tracking_no}")

    assert response.status_code == 200
    assert "相似案件" not in response.get_data(as_text=True)


def test_keyword_search_lists_only_the_organisation_s_cases_with_their_facets(client, auth, world):
    people, cases = world

    html = page(client, auth, people["mediator_a"], "/search?q=销售").get_data(as_text=True)

    assert "本机构外观设计案" in html and "本机构商标案" in html
    assert TWIN_TITLE not in html
    assert "共 2 件匹配案件" in html


def test_liaison_search_covers_every_organisation_and_filters_by_facet(client, auth, world):
    people, cases = world

    everything = page(client, auth, people["liaison"], "/search?q=销售").get_data(as_text=True)
    settled = page(client, auth, people["liaison"], "/search?q=销售&status=closed").get_data(as_text=True)

    assert "共 3 件匹配案件" in everything and TWIN_TITLE in everything
    assert "共 1 件匹配案件" in settled and TWIN_TITLE in settled and "本机构商标案" not in settled


def test_the_search_page_is_for_staff_only(client, auth, world):
    people, _cases = world

    assert page(client, auth, people["claimant"], "/search?q=销售").status_code == 403
    assert client.get("/search").status_code in (302, 401)


def test_the_search_page_says_when_search_is_down(client, auth, world, app):
    from dispute_hub.casesearch.backend import search_state

    class Down:
        def search(self, *args, **kwargs):
            from search import SearchError

            raise SearchError("unreachable")

    people, _cases = world
    search_state().replace(Down())
    try:
        response = page(client, auth, people["liaison"], "/search?q=销售")
    finally:
        search_state().replace(None)

    assert response.status_code == 200
    assert "检索服务暂不可用" in response.get_data(as_text=True)


def respondent_url(db, case) -> str:
    from dispute_hub.casesearch.models import RespondentLink

    party = case.parties_in("respondent")[0]
    link = db.session.get(RespondentLink, party.id)
    return f"/respondents/{link.entity_id}"


def test_the_respondent_page_lists_the_viewer_s_cases_and_counts_the_others(db, client, auth, world):
    people, cases = world
    url = respondent_url(db, cases["mine"])

    html = page(client, auth, people["mediator_a"], url).get_data(as_text=True)

    assert "本机构外观设计案" in html
    assert TWIN_TITLE not in html and cases["twin"].tracking_no not in html
    assert "您无权查看的案件 1 件" in html and "调解成功: 1" in html
    assert RESPONDENT in html and "梦洁网络科技（南通）" not in html


def test_the_respondent_page_answers_404_to_who_may_open_none_of_its_cases(db, client, auth, make, world):
    people, cases = world
    outsider = make.user("mediator", make.org(code="org-c"))
    db.session.commit()
    url = respondent_url(db, cases["mine"])

    assert page(client, auth, outsider, url).status_code == 404
    assert page(client, auth, people["admin"], "/respondents/999999").status_code == 404
    admin_html = page(client, auth, people["admin"], url).get_data(as_text=True)
    assert TWIN_TITLE in admin_html and "本机构外观设计案" in admin_html
