"""Fixtures for the search library tests: one backend fixture run over every available backend."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search import SearchBackend, open_backend

ELASTICSEARCH_ENV = "DISPUTE_HUB_TEST_ELASTICSEARCH_URL"

BackendFactory = Callable[[], SearchBackend]


def _drop_elastic_indices(url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url)
    try:
        # Elasticsearch 8 refuses wildcard deletes by default: name the indices.
        names = list(client.options(ignore_status=404).indices.get(index=f"{prefix}-cases-*", expand_wildcards="all"))
        if names:
            client.indices.delete(index=",".join(names))
        client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-cases")
    finally:
        client.close()


@pytest.fixture(params=["embedded", "elasticsearch"])
def open_search_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BackendFactory]:
    """Return a factory opening the backend under test on the same storage each time it is called."""
    opened: list[SearchBackend] = []
    if request.param == "elasticsearch":
        url = os.environ.get(ELASTICSEARCH_ENV)
        if not url:
            pytest.skip(f"set {ELASTICSEARCH_ENV} to run the contract suite against a real Elasticsearch")
        # A unique prefix per test keeps runs apart; refresh on write makes writes readable at once.
        prefix = f"test-{uuid.uuid4().hex[:10]}"

        def factory() -> SearchBackend:
            opened.append(open_backend(url, tmp_path, prefix, refresh=True))
            return opened[-1]

        yield factory
        for backend in opened:
            backend.close()
        _drop_elastic_indices(url, prefix)
    else:

        def factory() -> SearchBackend:
            opened.append(open_backend(None, tmp_path / "search"))
            return opened[-1]

        yield factory
        for backend in opened:
            backend.close()


@pytest.fixture
def search_backend(open_search_backend: BackendFactory) -> SearchBackend:
    """An empty backend of each available kind."""
    return open_search_backend()
