"""Segmentation: a private jieba tokenizer with domain words, whole-word matching, negated clauses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import jieba

from dispute_hub.routing.segment import phrase_key, segment, tokenizer
from dispute_hub.routing.weights import load_weights

W = load_weights()


def test_domain_words_stay_whole():
    seg = segment("被申请人侵害外观设计专利权，在淘宝店铺销售床上用品", W.vocabulary, W.negators)
    assert "外观设计" in seg.tokens or "外观设计专利" in seg.tokens
    assert seg.has("床上用品") and seg.has("淘宝店铺")


def test_the_private_tokenizer_leaves_the_global_dictionary_alone():
    tk = tokenizer(W.vocabulary)
    assert tk is not jieba.dt and tokenizer(W.vocabulary) is tk
    assert "诉前停止侵害" in tk.FREQ and "诉前停止侵害" not in jieba.dt.FREQ


def test_words_hidden_in_general_dictionary_compounds_are_found():
    assert segment("将手册翻译成中文后出版发行", W.vocabulary).has("翻译")


def test_a_clause_that_denies_a_word_marks_it_negated():
    seg = segment("本案与商标无关。被申请人借款未还", W.vocabulary, W.negators)
    assert seg.negated("商标") and not seg.negated("借款")


def test_multi_word_english_phrases_match_across_spaces():
    seg = segment("The respondent sells a Design Patent copy", W.vocabulary, W.negators)
    assert seg.has(phrase_key("design patent"))


def test_segmentation_is_thread_safe_and_deterministic():
    text = "被申请人在展会上许诺销售与申请人实用新型专利相同的产品"
    expected = segment(text, W.vocabulary).tokens
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: segment(text, W.vocabulary).tokens, range(64)))
    assert all(r == expected for r in results)


def test_the_tokenizer_is_built_once_even_when_threads_race_for_it(monkeypatch):
    from dispute_hub.routing import segment as module

    built = []
    real = jieba.Tokenizer

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "_tokenizer", None)
    monkeypatch.setattr(module, "_known_words", frozenset())
    monkeypatch.setattr(module.jieba, "Tokenizer", counting)
    with ThreadPoolExecutor(max_workers=8) as pool:
        tokenizers = list(pool.map(lambda _: module.tokenizer(W.vocabulary), range(16)))
    assert len(built) == 1 and all(t is tokenizers[0] for t in tokenizers)
    assert "诉前停止侵害" in tokenizers[0].FREQ
