"""Chinese text analysis shared by every search backend, so the same text always yields the same terms."""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ANALYSIS_VERSION",
    "Analyzer",
    "analyze",
    "analyze_query",
    "get_analyzer",
    "join_terms",
    "normalize",
]

_DATA = Path(__file__).resolve().parent
DICTIONARY_PATH = _DATA / "ip_terms.txt"
STOPWORDS_PATH = _DATA / "stopwords.txt"

# Bump when the rules below change; data-file changes are picked up by the hash.
_RULES_REVISION = "1"

# Characters that may appear inside a term besides letters and digits. jieba keeps them inside
# alphanumeric runs (e.g. the patent number "202110123456.7"); the embedded index declares the
# same set as token characters so a term is always exactly one token in both backends.
TERM_PUNCTUATION = "._+#&%-"

# Pure numbers shorter than this are amounts, dates and quantities: rare, so they would look
# "distinctive" to more-like-this while meaning nothing. Longer ones are right numbers
# (trademark registrations have 7-8 digits, patent numbers 12-13) and are strong evidence.
MIN_NUMBER_DIGITS = 7

# Sub-words of a long word are indexed too (注册商标专用权 -> 注册商标, 商标, 专用权, ...), so a
# keyword search for a shorter term finds documents that only use the compound.
MIN_SUBWORD_LEN = 2
_SUBWORD_CACHE_SIZE = 100_000


def _read_list(path: Path) -> list[str]:
    """Return the non-empty, non-comment lines of a UTF-8 data file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _version() -> str:
    digest = hashlib.sha256(_RULES_REVISION.encode())
    for path in (DICTIONARY_PATH, STOPWORDS_PATH):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


ANALYSIS_VERSION = _version()
"""Changes whenever analysis could produce different terms; a stored index with another value
needs a reindex."""


def _is_term_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN" or char in TERM_PUNCTUATION


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _clean_token(token: str) -> str:
    """Drop characters that are not part of a term; return "" when nothing meaningful is left."""
    if token.isalnum():  # the common case: letters and digits only
        cleaned = token
    else:
        cleaned = "".join(char for char in token if _is_term_char(char))
        if not any(unicodedata.category(char)[0] in "LN" for char in cleaned):
            return ""
    if cleaned.isdigit() and len(cleaned) < MIN_NUMBER_DIGITS:
        return ""
    return cleaned


@dataclass
class _Resources:
    tokenizer: Any
    converter: Any
    stopwords: frozenset[str]


class Analyzer:
    """Normalises and segments Chinese text with jieba and the IP domain dictionary.

    The jieba dictionary (a few hundred milliseconds to load) is loaded on first use, once,
    under a lock; afterwards the analyzer is safe to share between threads.
    """

    def __init__(self, dictionary: Path = DICTIONARY_PATH, stopwords: Path = STOPWORDS_PATH) -> None:
        self._dictionary = dictionary
        self._stopwords_path = stopwords
        self._lock = threading.Lock()
        self._resources: _Resources | None = None
        # Domain words repeat across cases; their sub-words are worth remembering.
        self._subword_cache: dict[str, tuple[str, ...]] = {}

    def _load(self) -> _Resources:
        resources = self._resources
        if resources is not None:
            return resources
        with self._lock:
            if self._resources is None:
                self._resources = self._build()
            return self._resources

    def _build(self) -> _Resources:
        import jieba
        import opencc

        # A private tokenizer: words added here never leak into other code using jieba.
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for line in _read_list(self._dictionary):
            word, freq, tag = _parse_dictionary_line(line)
            tokenizer.add_word(word, freq, tag)
        # tw2sp also maps Taiwan phrasing to mainland usage (資訊網路 -> 信息网络, 軟體 -> 软件).
        converter = opencc.OpenCC("tw2sp")
        stopwords = frozenset(normalize_with(converter, word) for word in _read_list(self._stopwords_path))
        return _Resources(tokenizer, converter, stopwords)

    def warm(self) -> None:
        """Load the dictionary now (e.g. when a worker starts) instead of on the first request."""
        self._load()

    def normalize(self, text: str) -> str:
        """Return text with full-width forms folded, traditional characters simplified and Latin lower-cased."""
        return normalize_with(self._load().converter, text)

    def segment(self, text: str) -> list[str]:
        """Return the normalised words of text in order, without stop words and punctuation.

        :param text: any text; empty or None-like input yields an empty list.
        :return: query terms: domain words stay whole (外观设计专利 is one term).
        """
        if not text:
            return []
        resources = self._load()
        normal = normalize_with(resources.converter, text)
        terms = []
        for token in resources.tokenizer.cut(normal, HMM=True):
            term = _clean_token(token)
            if term and term not in resources.stopwords:
                terms.append(term)
        return terms

    def analyze(self, text: str) -> list[str]:
        """Return the index terms of text: every word followed by its dictionary sub-words.

        :param text: the text to index.
        :return: terms in document order; repeated words repeat (term frequency matters).
        """
        resources = self._load()
        terms: list[str] = []
        for word in self.segment(text):
            terms.append(word)
            if len(word) > MIN_SUBWORD_LEN and all(_is_cjk(char) for char in word):
                terms.extend(self._subwords_of(resources, word))
        return terms

    def _subwords_of(self, resources: _Resources, word: str) -> tuple[str, ...]:
        found = self._subword_cache.get(word)
        if found is None:
            if len(self._subword_cache) >= _SUBWORD_CACHE_SIZE:
                self._subword_cache.clear()
            found = tuple(_subwords(resources.tokenizer, word, resources.stopwords, []))
            self._subword_cache[word] = found
        return found


def _subwords(tokenizer: Any, word: str, stopwords: frozenset[str], found: list[str]) -> list[str]:
    """Append to found the words jieba would split word into if word were not in the dictionary.

    Recursive, so 注册商标专用权 gives 注册商标, 注册, 商标, 专用权, 专用; single characters are left out.
    """
    dag = tokenizer.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(word, dag, route)
    start = 0
    while start < len(word):
        end = route[start][1] + 1
        part = word[start:end]
        if len(part) >= MIN_SUBWORD_LEN and part not in stopwords and part not in found:
            found.append(part)
            if len(part) > MIN_SUBWORD_LEN:
                _subwords(tokenizer, part, stopwords, found)
        start = end
    return found


def _parse_dictionary_line(line: str) -> tuple[str, int | None, str | None]:
    """Split "term [freq] [tag]"; terms themselves never contain spaces."""
    parts = line.split()
    word, freq, tag = parts[0], None, None
    for part in parts[1:]:
        if part.isdigit():
            freq = int(part)
        else:
            tag = part
    return word, freq, tag


def normalize_with(converter: Any, text: str) -> str:
    """Normalise text with a given OpenCC converter (see :meth:`Analyzer.normalize`)."""
    # NFKC folds full-width Latin, digits, punctuation and the ideographic space to ASCII.
    folded = unicodedata.normalize("NFKC", text)
    return converter.convert(folded).lower()


_default = Analyzer()


def get_analyzer() -> Analyzer:
    """Return the process-wide analyzer used by the backends."""
    return _default


def normalize(text: str) -> str:
    """Normalise text with the default analyzer."""
    return _default.normalize(text)


def analyze(text: str) -> list[str]:
    """Return the index terms of text with the default analyzer."""
    return _default.analyze(text)


def analyze_query(text: str) -> list[str]:
    """Return the terms of a keyword query: words without sub-word expansion."""
    return _default.segment(text)


def join_terms(terms: Iterable[str]) -> str:
    """Return terms as the space-separated string both backends index."""
    return " ".join(terms)
