"""Case search: one interface, an embedded backend and an Elasticsearch backend; knows nothing of the app."""

from __future__ import annotations

import os
from typing import Any

from search.base import (
    DEFAULT_FACETS,
    FILTER_FIELDS,
    SearchBackend,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchResult,
)

__all__ = [
    "DEFAULT_FACETS",
    "FILTER_FIELDS",
    "SearchBackend",
    "SearchDocument",
    "SearchError",
    "SearchHit",
    "SearchResult",
    "open_backend",
]


def open_backend(
    url: str | None, directory: str | os.PathLike[str], prefix: str = "search", **options: Any
) -> SearchBackend:
    """Open the search backend the configuration names.

    :param url: an Elasticsearch URL selects that backend; None or "" selects the embedded one.
    :param directory: where the embedded backend keeps its index, e.g. ``<instance>/search``.
    :param prefix: names the Elasticsearch indices (unused by the embedded backend).
    :param options: passed on to the backend's constructor (e.g. ``refresh=True`` for tests).
    :return: a backend; nothing is contacted until its first use.
    """
    # Imported here so neither backend's dependencies load unless it is chosen.
    if url:
        from search.elastic import ElasticsearchBackend

        return ElasticsearchBackend(url, prefix, **options)
    from search.embedded import EmbeddedBackend

    return EmbeddedBackend(directory, **options)
