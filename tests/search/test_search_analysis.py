"""Chinese analysis: normalisation, domain segmentation, stop words, and the snippets built on it."""

from __future__ import annotations

import threading

import pytest

from search.analysis import (
    ANALYSIS_VERSION,
    DICTIONARY_PATH,
    Analyzer,
    analyze,
    analyze_query,
    get_analyzer,
    normalize,
)
from search.base import pick_key_terms, shared_terms
from search.highlight import snippet


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width Latin and digits
        ("专利号：ＺＬ２０２１１０１２３４５６．７", "专利号:zl202110123456.7"),
        ("NIKE 四件套", "nike 四件套"),
        ("註冊商標專用權", "注册商标专用权"),
        ("外觀設計專利", "外观设计专利"),
        ("淘寶網店銷售", "淘宝网店销售"),
        ("資訊網路傳播權", "信息网络传播权"),  # Taiwan phrasing to mainland usage
        ("電腦軟體著作權", "电脑软件著作权"),
        ("已经是简体的文字", "已经是简体的文字"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "term",
    [
        "外观设计",
        "实用新型",
        "发明专利",
        "商标权",
        "注册商标专用权",
        "著作权",
        "信息网络传播权",
        "计算机软件著作权",
        "商业秘密",
        "不正当竞争",
        "虚假宣传",
        "仿冒",
        "家纺",
        "床上用品",
        "四件套",
        "假冒",
        "电商平台",
        "淘宝",
        "拼多多",
        "京东",
        "侵权",
        "许可使用",
        "专利号",
    ],
)
def test_domain_terms_stay_whole_in_a_sentence(term: str) -> None:
    sentence = f"被申请人在南通销售的产品涉及{term}问题，申请人请求调解。"

    assert term in analyze_query(sentence)


def test_segmentation_of_a_typical_filing() -> None:
    text = "被申请人未经许可在拼多多店铺销售假冒注册商标的床上用品四件套，侵犯申请人的注册商标专用权。"

    # the party designations (被申请人, 申请人) are stop words: every complaint uses them
    assert analyze_query(text) == [
        "未经许可",
        "拼多多",
        "店铺",
        "销售",
        "假冒注册商标",
        "床上用品",
        "四件套",
        "侵犯",
        "注册商标专用权",
    ]


def test_stop_words_punctuation_and_short_numbers_are_removed() -> None:
    terms = analyze_query("的了和，。！？ 在 2023年5月 赔偿50000元")

    assert terms == ["赔偿"]


def test_right_numbers_are_kept_whole() -> None:
    assert "zl202110123456.7" in analyze_query("专利号ZL202110123456.7")
    assert "12345678" in analyze_query("第12345678号注册商标")


def test_index_terms_add_the_sub_words_of_compounds() -> None:
    terms = analyze("侵犯注册商标专用权")

    assert terms[:2] == ["侵犯", "注册商标专用权"]
    assert {"注册", "商标", "专用权"} <= set(terms)
    assert all(len(term) > 1 for term in terms)


def test_traditional_and_simplified_text_yield_the_same_terms() -> None:
    simplified = "被申请人在淘宝网店销售侵犯外观设计专利权的四件套"
    traditional = "被申請人在淘寶網店銷售侵犯外觀設計專利權的四件套"

    assert analyze(traditional) == analyze(simplified)


def test_empty_text_has_no_terms() -> None:
    assert analyze("") == []
    assert analyze_query("   ") == []


def test_the_global_jieba_dictionary_is_left_alone() -> None:
    import jieba

    analyze("计算机软件著作权")

    assert "计算机软件著作权" not in jieba.dt.FREQ


def test_the_analyzer_loads_once_under_concurrent_first_use() -> None:
    analyzer = Analyzer()
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(analyzer.segment("外观设计专利侵权"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8
    assert all(result == results[0] for result in results)
    assert get_analyzer() is get_analyzer()


def test_dictionary_holds_a_few_hundred_terms_and_feeds_the_version() -> None:
    lines = DICTIONARY_PATH.read_text(encoding="utf-8").splitlines()
    terms = [line for line in lines if line.strip() and not line.startswith("#")]

    assert len(terms) >= 300
    assert len(set(terms)) == len(terms)
    assert len(ANALYSIS_VERSION) == 12


def test_key_terms_prefer_rare_and_repeated_terms() -> None:
    doc_freq = {"侵权": 900, "四件套": 40, "外观设计": 100, "罕见": 1}

    picked = pick_key_terms(["侵权", "四件套", "外观设计", "外观设计", "罕见"], doc_freq.__getitem__, 1000)

    assert [term for term, _ in picked] == ["罕见", "外观设计", "四件套", "侵权"]
    stored = pick_key_terms(["四件套", "罕见"], doc_freq.__getitem__, 1000, min_doc_freq=2)
    assert [term for term, _ in stored] == ["四件套"]


def test_shared_terms_leave_out_parts_of_longer_shared_terms() -> None:
    ranked = ["外观设计", "外观设计专利", "淘宝", "设计"]

    assert shared_terms(ranked, ["设计", "外观设计专利", "外观设计", "拼多多"]) == ("外观设计专利",)


def test_snippet_marks_terms_in_the_raw_text_and_escapes_it() -> None:
    html = snippet("被申请人<b>在淘寶</b>銷售四件套", ["淘宝", "四件套"])

    assert html == "被申请人&lt;b&gt;在<mark>淘寶</mark>&lt;/b&gt;銷售<mark>四件套</mark>"


def test_snippet_of_a_long_text_starts_near_the_first_match() -> None:
    text = "前" * 300 + "四件套" + "后" * 300

    html = snippet(text, ["四件套"], size=50)

    assert html.startswith("…") and html.endswith("…")
    assert "<mark>四件套</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) == 52
