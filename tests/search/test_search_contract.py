"""The behaviour every search backend must show, run over each available backend."""

from __future__ import annotations

import pytest

from search import SearchBackend, SearchDocument
from search.analysis import analyze

# d-tao is the query case; d-tao-twin tells the same story (design patent, bedding set, Taobao) in
# other words and with other parties, so it must come first among similar cases.
CASES = [
    SearchDocument(
        id="d-tao",
        title="罗莱家纺诉某网店外观设计专利纠纷",
        text="申请人南通罗莱家纺有限公司是“四件套”外观设计专利的专利权人，专利号202130123456.7。"
        "被申请人未经许可在淘宝网店销售与涉案外观设计近似的床上用品四件套，整体视觉效果无实质性差异。"
        "申请人已公证购买侵权产品，请求停止侵权并赔偿经济损失。",
        ip_type="design_patent",
        status="in_mediation",
        channel="industry_mediation",
        organization="家纺快速维权中心",
        district="通州区",
        cause_name="侵害外观设计专利权纠纷",
        year=2024,
        extra={"tracking_number": "NT2024-0001"},
    ),
    SearchDocument(
        id="d-tao-twin",
        title="梦洁纺织外观设计侵权投诉",
        text="投诉人海门梦洁纺织有限公司享有床上用品四件套的外观设计专利权。"
        "被投诉人在淘宝店铺销售的四件套花型与涉案外观设计专利近似，构成外观设计侵权。"
        "投诉人已对侵权产品进行公证购买，要求被投诉人停止侵权、赔偿损失。",
        ip_type="design_patent",
        status="closed",
        channel="industry_mediation",
        organization="家纺快速维权中心",
        district="海门区",
        cause_name="侵害外观设计专利权纠纷",
        year=2023,
        closure="settled",
    ),
    SearchDocument(
        id="d-mark",
        title="假冒注册商标四件套",
        text="申请人是“紫罗兰”注册商标的商标注册人。被申请人在拼多多销售假冒该注册商标的四件套，"
        "侵犯申请人注册商标专用权，请求下架侵权链接。",
        ip_type="trademark",
        status="accepted",
        channel="people_mediation",
        organization="知识产权人民调解委员会",
        district="崇川区",
        cause_name="侵害商标权纠纷",
        year=2024,
    ),
    SearchDocument(
        id="d-soft",
        title="ERP软件著作权纠纷",
        text="申请人开发的家纺ERP管理系统享有计算机软件著作权。被申请人未经许可复制安装该软件用于经营。",
        ip_type="software",
        status="closed",
        channel="litigation_mediation",
        organization="中级人民法院诉调对接中心",
        district="崇川区",
        cause_name="侵害计算机软件著作权纠纷",
        year=2022,
        closure="failed",
    ),
    SearchDocument(
        id="d-secret",
        title="客户名单商业秘密",
        text="申请人原销售经理离职后披露申请人的客户名单等商业秘密，违反保密协议和竞业限制约定。",
        ip_type="trade_secret",
        status="submitted",
        channel="arbitration",
        organization="仲裁委员会",
        district="如皋市",
        cause_name="侵害商业秘密纠纷",
        year=2021,
    ),
    SearchDocument(
        id="d-sheet",
        title="床单花型图案著作权",
        text="申请人对其创作的床单花型图案享有美术作品著作权。被申请人在京东店铺销售印有该花型图案的床单，"
        "侵犯申请人的复制权和发行权。",
        ip_type="copyright",
        status="in_mediation",
        channel="people_mediation",
        organization="知识产权人民调解委员会",
        district="通州区",
        cause_name="侵害著作权纠纷",
        year=2023,
    ),
]
BY_ID = {case.id: case for case in CASES}


@pytest.fixture
def loaded(search_backend: SearchBackend) -> SearchBackend:
    assert search_backend.bulk_index(CASES) == len(CASES)
    return search_backend


def ids(hits: list) -> list[str]:
    return [hit.id for hit in hits]


def test_similar_ranks_the_case_telling_the_same_story_first(loaded: SearchBackend) -> None:
    hits = loaded.similar(doc_id="d-tao")

    assert hits[0].id == "d-tao-twin"
    assert "d-tao" not in ids(hits)
    assert hits[0].score >= hits[-1].score


def test_similar_to_a_new_text_finds_the_matching_case(loaded: SearchBackend) -> None:
    filing = "被申请人在网店销售印有我方原创花型图案的床单，侵犯了我方美术作品的著作权。"

    hits = loaded.similar(filing)

    assert hits[0].id == "d-sheet"


def test_similar_includes_itself_only_when_asked(loaded: SearchBackend) -> None:
    case = BY_ID["d-tao"]

    assert "d-tao" not in ids(loaded.similar(case.text, doc_id="d-tao"))
    assert loaded.similar(case.text, doc_id="d-tao", include_self=True)[0].id == "d-tao"


def test_similar_hits_are_explained_by_terms_both_cases_share(loaded: SearchBackend) -> None:
    hit = loaded.similar(doc_id="d-tao")[0]

    assert hit.shared_terms
    query_terms, hit_terms = set(analyze(BY_ID["d-tao"].text)), set(analyze(BY_ID[hit.id].text))
    assert set(hit.shared_terms) <= query_terms & hit_terms
    assert "四件套" in hit.shared_terms
    assert "<mark>" in hit.highlight


def test_similar_filters_exclude_other_values(loaded: SearchBackend) -> None:
    hits = loaded.similar(doc_id="d-tao", filters={"ip_type": ["trademark", "copyright"]})

    assert hits
    assert {hit.fields["ip_type"] for hit in hits} <= {"trademark", "copyright"}
    assert "d-tao-twin" not in ids(hits)


def test_similar_to_an_unknown_case_or_empty_text_finds_nothing(loaded: SearchBackend) -> None:
    assert loaded.similar(doc_id="no-such-case") == []
    assert loaded.similar("的了和") == []


def test_similar_respects_limit(loaded: SearchBackend) -> None:
    assert len(loaded.similar(doc_id="d-tao", limit=2)) == 2


def test_search_requires_every_word(loaded: SearchBackend) -> None:
    assert set(ids(loaded.search("四件套").hits)) == {"d-tao", "d-tao-twin", "d-mark"}
    assert set(ids(loaded.search("四件套 淘宝").hits)) == {"d-tao", "d-tao-twin"}
    assert loaded.search("四件套 软件").total == 0


def test_search_finds_a_short_word_inside_a_compound(loaded: SearchBackend) -> None:
    # d-mark only writes 注册商标专用权 and 注册商标; 商标 must still find it.
    assert "d-mark" in ids(loaded.search("商标").hits)


def test_search_matches_traditional_and_full_width_queries(loaded: SearchBackend) -> None:
    assert set(ids(loaded.search("外觀設計 淘寶").hits)) == {"d-tao", "d-tao-twin"}
    assert ids(loaded.search("ＥＲＰ").hits) == ["d-soft"]


def test_search_matches_titles(loaded: SearchBackend) -> None:
    assert ids(loaded.search("梦洁").hits) == ["d-tao-twin"]


def test_search_counts_facets_over_all_matches(loaded: SearchBackend) -> None:
    result = loaded.search("侵权", limit=1, facets=("ip_type", "district", "year"))

    assert len(result.hits) == 1
    expected = {"d-tao", "d-tao-twin", "d-mark"}
    assert {case.id for case in CASES if "侵权" in analyze(case.text + case.title)} == expected
    assert result.total == len(expected)
    assert result.facets["ip_type"] == {"design_patent": 2, "trademark": 1}
    assert result.facets["district"] == {"通州区": 1, "海门区": 1, "崇川区": 1}
    assert result.facets["year"] == {2024: 2, 2023: 1}


def test_search_filters_and_pages(loaded: SearchBackend) -> None:
    filtered = loaded.search("销售", filters={"district": "通州区", "year": [2023, 2024]})
    assert set(ids(filtered.hits)) == {"d-tao", "d-sheet"}

    pages = [loaded.search("销售", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [page.total for page in pages] == [5, 5, 5]
    assert [len(page.hits) for page in pages] == [2, 2, 1]
    paged = [hit.id for page in pages for hit in page.hits]
    assert sorted(paged) == sorted(case.id for case in CASES if case.id != "d-soft")


def test_empty_search_lists_everything_newest_year_first(loaded: SearchBackend) -> None:
    result = loaded.search("", limit=10, filters={"status": ["closed", "in_mediation"]})

    assert result.total == 4
    years = [BY_ID[hit.id].year or 0 for hit in result.hits]
    assert years == sorted(years, reverse=True)


def test_search_of_stop_words_only_finds_nothing(loaded: SearchBackend) -> None:
    assert loaded.search("的 了").total == 0


def test_hits_carry_fields_extra_and_an_escaped_highlight(search_backend: SearchBackend) -> None:
    search_backend.index(
        SearchDocument(id="x", text="网店销售<script>alert(1)</script>假冒四件套", ip_type="trademark", extra={"n": 1})
    )

    hit = search_backend.search("四件套").hits[0]

    assert hit.fields == {"ip_type": "trademark"}
    assert hit.extra == {"n": 1}
    assert "<script>" not in hit.highlight
    assert "&lt;script&gt;" in hit.highlight
    assert "<mark>四件套</mark>" in hit.highlight


def test_count_by_filters(loaded: SearchBackend) -> None:
    assert loaded.count() == len(CASES)
    assert loaded.count({"channel": "people_mediation"}) == 2
    assert loaded.count({"ip_type": ["software", "trade_secret"], "year": 2022}) == 1
    assert loaded.count({"closure": "settled"}) == 1


def test_unknown_filter_or_facet_field_is_refused(loaded: SearchBackend) -> None:
    with pytest.raises(ValueError, match="cannot filter"):
        loaded.count({"claimant": "x"})
    with pytest.raises(ValueError, match="cannot facet"):
        loaded.search("侵权", facets=("text",))


def test_indexing_an_existing_id_replaces_it(loaded: SearchBackend) -> None:
    loaded.index(SearchDocument(id="d-soft", text="申请人的商业秘密客户名单被披露。", ip_type="trade_secret"))

    assert loaded.count() == len(CASES)
    assert loaded.search("软件").total == 0
    assert loaded.count({"ip_type": "trade_secret"}) == 2


def test_delete_removes_everywhere_and_is_idempotent(loaded: SearchBackend) -> None:
    loaded.delete("d-tao-twin")
    loaded.delete("d-tao-twin")
    loaded.delete("never-indexed")

    assert loaded.count() == len(CASES) - 1
    assert "d-tao-twin" not in ids(loaded.search("四件套").hits)
    assert "d-tao-twin" not in ids(loaded.similar(doc_id="d-tao"))


def test_clear_and_reindex(loaded: SearchBackend) -> None:
    loaded.clear()
    assert loaded.count() == 0
    assert loaded.search("").total == 0

    assert loaded.reindex(CASES[:2]) == 2
    assert loaded.count() == 2
    assert loaded.reindex(CASES[2:3]) == 1
    assert ids(loaded.search("").hits) == ["d-mark"]
    assert not loaded.needs_reindex()


def test_index_survives_reopening(open_search_backend) -> None:
    first = open_search_backend()
    first.bulk_index(CASES)
    first.close()

    again = open_search_backend()

    assert again.count() == len(CASES)
    assert again.similar(doc_id="d-tao")[0].id == "d-tao-twin"
    assert not again.needs_reindex()


def test_two_handles_see_each_others_writes(open_search_backend) -> None:
    reader, writer = open_search_backend(), open_search_backend()
    assert reader.count() == 0

    writer.index(CASES[0])

    assert reader.count() == 1
    assert ids(reader.search("四件套").hits) == ["d-tao"]


def test_readers_see_the_old_index_until_a_reindex_is_done(open_search_backend) -> None:
    writer, reader = open_search_backend(), open_search_backend()
    writer.bulk_index(CASES)
    seen_during = []

    def documents():
        for case in CASES[:2]:
            yield case
            seen_during.append(reader.count())

    writer.reindex(documents())

    assert seen_during == [len(CASES), len(CASES)]
    assert reader.count() == 2
