"""The search interface every backend implements, and the values it takes and returns."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Fields a caller can filter and facet on; all are exact-match keywords except year (an integer).
KEYWORD_FIELDS = ("ip_type", "status", "channel", "organization", "district", "cause_name", "closure")
FILTER_FIELDS = (*KEYWORD_FIELDS, "year")
DEFAULT_FACETS = ("ip_type", "status", "channel", "organization", "district", "year")
FACET_SIZE = 100

# More-like-this policy, shared so both backends pick the same kind of query.
MLT_MAX_TERMS = 25
MLT_MIN_TERM_FREQ = 1
# Terms found only in the document itself cannot find anything else; skip them when the query is a
# stored document (its own copy counts in the document frequency).
MLT_MIN_DOC_FREQ_STORED = 2
SHARED_TERMS_SHOWN = 8
TITLE_BOOST = 2.0

FilterValue = str | int | Sequence[str | int]
Filters = Mapping[str, FilterValue]


class SearchError(RuntimeError):
    """Raised when a backend cannot serve a request (unreachable server, index locked too long)."""


@dataclass(frozen=True)
class SearchDocument:
    """One searchable case.

    :param id: the case id, unique in the index.
    :param text: the facts, the text similar-case look-ups compare.
    :param title: a short title, searched with a higher weight than the facts.
    :param extra: JSON-serialisable payload returned unchanged with hits (e.g. tracking number).
    The other fields are exact-match filters and facets; None means "not set".
    """

    id: str
    text: str
    title: str = ""
    ip_type: str | None = None
    status: str | None = None
    channel: str | None = None
    organization: str | None = None
    district: str | None = None
    cause_name: str | None = None
    year: int | None = None
    closure: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def filter_values(self) -> dict[str, str | int]:
        """Return the filter fields that are set."""
        values = {name: getattr(self, name) for name in FILTER_FIELDS}
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class SearchHit:
    """One result.

    :param score: backend relevance score; comparable only within one response.
    :param shared_terms: the explanation: key terms the hit shares with the query, most telling first.
    :param highlight: an HTML-safe snippet of the facts (text escaped, matches in ``<mark>``).
    :param fields: the hit's filter fields that are set.
    """

    id: str
    score: float
    title: str
    shared_terms: tuple[str, ...]
    highlight: str
    fields: Mapping[str, str | int]
    extra: Mapping[str, Any]


@dataclass(frozen=True)
class SearchResult:
    """A keyword search response: total matches, one page of hits, and facet counts by field."""

    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str | int, int]]


class SearchBackend(ABC):
    """A search index of dispute cases: keyword search, similar cases, filters and facets."""

    @abstractmethod
    def index(self, document: SearchDocument) -> None:
        """Add or replace one document.

        The embedded backend shows it to every process once this returns; Elasticsearch after its
        refresh interval (at once when opened with ``refresh=True``).
        """

    @abstractmethod
    def bulk_index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace many documents in one batch; return how many were indexed."""

    @abstractmethod
    def delete(self, doc_id: str) -> None:
        """Remove a document; removing an absent id is not an error."""

    @abstractmethod
    def similar(
        self,
        text: str | None = None,
        *,
        doc_id: str | None = None,
        include_self: bool = False,
        filters: Filters | None = None,
        limit: int = 10,
    ) -> list[SearchHit]:
        """Return the cases most like a text or a stored case, best first.

        :param text: the facts to compare; when None, the stored text of ``doc_id`` is used.
        :param doc_id: the case asking; it is left out of the hits unless ``include_self``.
        :param filters: exact field values, e.g. ``{"ip_type": "trademark", "year": [2023, 2024]}``.
        :param limit: the most hits to return.
        :return: hits, each explained by the key terms it shares with the query.
        """

    @abstractmethod
    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        limit: int = 20,
        offset: int = 0,
        facets: Sequence[str] = DEFAULT_FACETS,
    ) -> SearchResult:
        """Keyword search: every query word must occur in the title or facts.

        :param query: words as a user types them; empty lists all matching cases, newest year first.
        :param facets: fields to count the matches by.
        :return: the total, one page of hits by relevance, and counts per facet value.
        """

    @abstractmethod
    def count(self, filters: Filters | None = None) -> int:
        """Return how many documents match the filters (all documents without filters)."""

    @abstractmethod
    def reindex(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with documents; readers see the old index until it is done."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abstractmethod
    def needs_reindex(self) -> bool:
        """Tell whether the stored terms come from another analysis version than this code's."""

    @abstractmethod
    def close(self) -> None:
        """Release files and connections; the backend cannot be used afterwards."""

    def __enter__(self) -> SearchBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def check_filters(filters: Filters | None) -> dict[str, list[str | int]]:
    """Validate filters and return them as field -> list of accepted values.

    :raises ValueError: on an unknown field or an empty list of values.
    """
    checked: dict[str, list[str | int]] = {}
    for name, value in (filters or {}).items():
        if name not in FILTER_FIELDS:
            raise ValueError(f"cannot filter on {name!r}; known fields: {', '.join(FILTER_FIELDS)}")
        values = [value] if isinstance(value, str | int) else list(value)
        if not values:
            raise ValueError(f"filter {name!r} has no values")
        checked[name] = [int(item) if name == "year" else str(item) for item in values]
    return checked


def check_facets(facets: Sequence[str]) -> list[str]:
    """Validate facet field names.

    :raises ValueError: on a field that is not a filter field.
    """
    unknown = [name for name in facets if name not in FILTER_FIELDS]
    if unknown:
        raise ValueError(f"cannot facet on {', '.join(unknown)}")
    return list(facets)


def pick_key_terms(
    terms: Sequence[str],
    doc_freq: Callable[[str], int],
    num_docs: int,
    *,
    min_doc_freq: int = 1,
    max_terms: int = MLT_MAX_TERMS,
) -> list[tuple[str, float]]:
    """Pick the most distinctive terms of a text, as more-like-this does.

    :param terms: the analysed terms of the text, repeats included.
    :param doc_freq: how many indexed documents contain a term.
    :param num_docs: how many documents the index holds.
    :param min_doc_freq: skip rarer terms (they cannot match enough documents).
    :return: up to ``max_terms`` (term, weight) pairs, heaviest first; weight is tf * idf.
    """
    picked = []
    for term, freq in Counter(terms).items():
        if freq < MLT_MIN_TERM_FREQ:
            continue
        df = doc_freq(term)
        if df < min_doc_freq:
            continue
        # Lucene's classic idf, the one Elasticsearch's more_like_this uses to pick terms.
        picked.append((term, freq * (math.log(num_docs / (df + 1)) + 1.0)))
    picked.sort(key=lambda pair: (-pair[1], pair[0]))
    return picked[:max_terms]


def shared_terms(ranked_terms: Iterable[str], hit_terms: Iterable[str]) -> tuple[str, ...]:
    """Return the ranked query terms that a hit contains, in the query's order, at most a few.

    A term inside another shared term (外观设计 inside 外观设计专利) is left out: it says nothing more.
    """
    present = set(hit_terms)
    shared = [term for term in ranked_terms if term in present]
    telling = [term for term in shared if not any(term != other and term in other for other in shared)]
    return tuple(telling[:SHARED_TERMS_SHOWN])
