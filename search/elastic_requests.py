"""Pure builders of the Elasticsearch request bodies, kept apart so they are testable without a server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from search.analysis import ANALYSIS_VERSION, join_terms
from search.base import (
    FACET_SIZE,
    KEYWORD_FIELDS,
    MLT_MAX_TERMS,
    MLT_MIN_TERM_FREQ,
    TITLE_BOOST,
    Filters,
    SearchDocument,
    check_filters,
)

SCHEMA_VERSION = 1
TEMPLATE_PRIORITY = 500
HIGHLIGHT_PRE, HIGHLIGHT_POST = "<em>", "</em>"


def index_pattern(prefix: str) -> str:
    """Return the pattern naming every concrete index of a prefix."""
    return f"{prefix}-cases-*"


def mappings() -> dict[str, Any]:
    """Return the index mappings: raw text for people, pre-analysed terms for matching, keyword filters."""
    properties: dict[str, Any] = {
        "id": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "standard"},
        "text": {"type": "text", "analyzer": "standard"},
        # Terms come analysed from search.analysis; whitespace splitting keeps them exactly as is,
        # so no Chinese analysis plugin is needed on the server.
        "terms": {"type": "text", "analyzer": "whitespace"},
        "title_terms": {"type": "text", "analyzer": "whitespace"},
        "year": {"type": "integer"},
        "extra": {"type": "object", "enabled": False},
    }
    properties.update({name: {"type": "keyword"} for name in KEYWORD_FIELDS})
    return {
        "dynamic": "strict",
        "_meta": {"analysis_version": ANALYSIS_VERSION, "schema_version": SCHEMA_VERSION},
        "properties": properties,
    }


def index_template(prefix: str, *, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Return the keyword arguments of ``indices.put_index_template`` for a prefix."""
    return {
        "name": f"{prefix}-cases",
        "index_patterns": [index_pattern(prefix)],
        "priority": TEMPLATE_PRIORITY,
        "template": {
            "settings": {"number_of_shards": shards, "number_of_replicas": replicas},
            "mappings": mappings(),
        },
    }


def source(document: SearchDocument, terms: Sequence[str], title_terms: Sequence[str]) -> dict[str, Any]:
    """Return the stored body of a document with its analysed terms."""
    return {
        "id": document.id,
        "title": document.title,
        "text": document.text,
        "terms": join_terms(terms),
        "title_terms": join_terms(title_terms),
        **document.filter_values(),
        "extra": dict(document.extra),
    }


def filter_clauses(filters: Filters | None) -> list[dict[str, Any]]:
    """Return one exact-match ``term``/``terms`` clause per filtered field."""
    clauses: list[dict[str, Any]] = []
    for name, values in check_filters(filters).items():
        if len(values) == 1:
            clauses.append({"term": {name: values[0]}})
        else:
            clauses.append({"terms": {name: values}})
    return clauses


def more_like_this(
    *,
    like: str | dict[str, str],
    min_doc_freq: int,
    include: bool = False,
) -> dict[str, Any]:
    """Return a more_like_this clause over the ``terms`` field.

    :param like: pre-analysed terms joined by spaces, or ``{"_index": ..., "_id": ...}`` of a stored case.
    :param include: whether a liked stored case may appear among the hits.
    """
    return {
        "more_like_this": {
            "fields": ["terms"],
            "like": [like],
            "min_term_freq": MLT_MIN_TERM_FREQ,
            "min_doc_freq": min_doc_freq,
            "max_query_terms": MLT_MAX_TERMS,
            # Any shared key term qualifies, as in the embedded backend; BM25 does the ranking.
            "minimum_should_match": "1",
            "include": include,
        }
    }


def similar_query(mlt: dict[str, Any], filters: Filters | None, exclude_id: str | None) -> dict[str, Any]:
    """Wrap a more_like_this clause with filters and an optional excluded case."""
    query: dict[str, Any] = {"bool": {"must": [mlt], "filter": filter_clauses(filters)}}
    if exclude_id:
        query["bool"]["must_not"] = [{"ids": {"values": [exclude_id]}}]
    return query


def keyword_query(terms: Sequence[str], filters: Filters | None) -> dict[str, Any]:
    """Return a query where every term must occur in the facts or (weighted higher) the title."""
    must = [
        {
            "bool": {
                "should": [
                    {"term": {"terms": term}},
                    {"term": {"title_terms": {"value": term, "boost": TITLE_BOOST}}},
                ]
            }
        }
        for term in terms
    ]
    clauses = filter_clauses(filters)
    if not must and not clauses:
        return {"match_all": {}}
    return {"bool": {"must": must, "filter": clauses}}


def count_query(filters: Filters | None) -> dict[str, Any]:
    """Return the query counting documents that match filters."""
    clauses = filter_clauses(filters)
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def facet_aggregations(fields: Sequence[str]) -> dict[str, Any]:
    """Return one terms aggregation per facet field."""
    return {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in fields}


def terms_highlight() -> dict[str, Any]:
    """Highlight the whole ``terms`` field: the marked terms are the ones each hit matched."""
    return {
        # The plain highlighter also marks the terms a more_like_this query picked.
        "type": "plain",
        "pre_tags": [HIGHLIGHT_PRE],
        "post_tags": [HIGHLIGHT_POST],
        "fields": {"terms": {"number_of_fragments": 0}},
    }


def matched_terms(hit: dict[str, Any]) -> list[str]:
    """Return the distinct terms marked in a hit's ``terms`` highlight, in order."""
    found: list[str] = []
    for fragment in hit.get("highlight", {}).get("terms", []):
        for piece in fragment.split(HIGHLIGHT_PRE)[1:]:
            # Adjacent matches may come back inside one pair of tags.
            for term in piece.split(HIGHLIGHT_POST, 1)[0].split():
                if term not in found:
                    found.append(term)
    return found
