"""Chinese segmentation with a domain dictionary, and whole-word phrase matching over its output."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass

import jieba

# Longest phrase, in segmented words, that a cue may span when the segmenter splits it
MAX_GRAM = 4
_CLAUSE_BREAK = re.compile(r"^[，。；！？,;!?：:\n\r]+$")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
# replaced whole (never mutated) so that the unlocked subset check above never sees a set change
_known_words: frozenset[str] = frozenset()


def normalize(text: str) -> str:
    """Full-width folded to half-width, Latin letters lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


def phrase_key(phrase: str) -> str:
    """A phrase as matched: normalised, spaces dropped (word runs are joined without them)."""
    return normalize(phrase).replace(" ", "")


def tokenizer(words: frozenset[str] = frozenset()) -> jieba.Tokenizer:
    """The shared private tokenizer, built once; ``words`` not yet in its dictionary are added.

    A private ``jieba.Tokenizer`` keeps our domain words out of the global jieba dictionary that
    other code (the search library) may use. Words are added under a lock before first use.
    """
    global _tokenizer
    current = _tokenizer
    if current is not None and words <= _known_words:
        return current
    with _lock:
        if _tokenizer is None:
            # jieba logs dictionary loading at DEBUG on its own logger; keep it quiet
            logging.getLogger("jieba").setLevel(logging.WARNING)
            fresh = jieba.Tokenizer()
            fresh.initialize()
            _add_words(fresh, words)
            _tokenizer = fresh
        else:
            _add_words(_tokenizer, words - _known_words)
        return _tokenizer


def _add_words(tk: jieba.Tokenizer, words: frozenset[str]) -> None:
    global _known_words
    # longest first, so that a suggested frequency accounts for the shorter words already present
    for word in sorted({normalize(w) for w in words}, key=len, reverse=True):
        if word.strip():
            tk.add_word(word)
    _known_words = _known_words | words


@dataclass(frozen=True, slots=True)
class Segmented:
    """Segmented text: the words, and every run of up to MAX_GRAM words joined, with negation."""

    tokens: tuple[str, ...]
    # joined run -> True when at least one occurrence is outside a negated clause
    grams: dict[str, bool]

    def has(self, phrase: str) -> bool:
        return phrase in self.grams

    def negated(self, phrase: str) -> bool:
        """True when every occurrence of the phrase sits in a clause that denies it."""
        return not self.grams.get(phrase, True)


def segment(text: str, words: frozenset[str] = frozenset(), negators: frozenset[str] = frozenset()) -> Segmented:
    """Segment ``text`` and index its word runs; clauses holding a negator word are marked negated."""
    tokens = tuple(t for t in tokenizer(words).cut(normalize(text), HMM=False) if t.strip())
    grams: dict[str, bool] = {}
    for clause in _clauses(tokens):
        runs = ["".join(clause[start:start + size]) for size in range(1, MAX_GRAM + 1)
                for start in range(len(clause) - size + 1)]
        runs += [w for token in clause for w in _inner_words(token, words)]
        positive = negators.isdisjoint(runs)
        for gram in runs:
            grams[gram] = grams.get(gram, False) or positive
    return Segmented(tokens=tokens, grams=grams)


def _inner_words(token: str, words: frozenset[str]) -> list[str]:
    # The general dictionary holds compounds such as 翻译成 or 出版发行 that hide a domain word;
    # a Chinese token that is not itself a domain word is searched for domain words inside it.
    if len(token) < 3 or token in words or not _CJK.match(token):
        return []
    return [token[i:j] for i in range(len(token)) for j in range(i + 2, len(token) + 1)
            if (i, j) != (0, len(token)) and token[i:j] in words]


def _clauses(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    clauses: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in tokens:
        if _CLAUSE_BREAK.match(token):
            if current:
                clauses.append(tuple(current))
            current = []
        else:
            current.append(token)
    if current:
        clauses.append(tuple(current))
    return clauses
