"""The Elasticsearch backend: versioned indices behind an alias, so a reindex swaps with no downtime."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers

from search import elastic_requests as bodies
from search.analysis import ANALYSIS_VERSION, analyze, analyze_query, join_terms
from search.base import (
    DEFAULT_FACETS,
    FILTER_FIELDS,
    MLT_MIN_DOC_FREQ_STORED,
    Filters,
    SearchBackend,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchResult,
    check_facets,
    shared_terms,
)
from search.highlight import snippet

__all__ = ["ElasticsearchBackend"]

_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,100}$")
_BULK_CHUNK = 500


class ElasticsearchBackend(SearchBackend):
    """Search on an Elasticsearch cluster, no server plugin needed.

    Documents live in ``<prefix>-cases-<stamp>`` indices; readers and writers use the alias
    ``<prefix>-cases``. A reindex fills a new index (marked by the alias ``<prefix>-cases-next``,
    which live writes also go to meanwhile) and then moves the alias in one atomic step. Run one
    reindex at a time; a live write racing the bulk load of the same case can be overwritten by the
    older copy being loaded, so changes made during a reindex are best re-sent afterwards.

    :param url_or_client: the cluster URL, or a ready ``Elasticsearch`` client.
    :param prefix: names this application's indices; lower-case letters, digits, ``_ . -``.
    :param refresh: refresh after each write (``True`` or ``"wait_for"``) so tests read their writes.
    :param replicas: replicas per shard for new indices (0 suits a single-node cluster).
    """

    def __init__(
        self,
        url_or_client: str | Elasticsearch,
        prefix: str = "search",
        *,
        refresh: bool | str = False,
        replicas: int = 0,
        request_timeout: float = 10.0,
    ) -> None:
        if not _PREFIX.match(prefix):
            raise ValueError(f"invalid index prefix {prefix!r}")
        if isinstance(url_or_client, str):
            self._client = Elasticsearch(url_or_client, request_timeout=request_timeout)
            self._owns_client = True
        else:
            self._client, self._owns_client = url_or_client, False
        self.prefix = prefix
        self.alias = f"{prefix}-cases"
        self.next_alias = f"{prefix}-cases-next"
        self._refresh = refresh
        self._replicas = replicas
        self._ready = False

    # -- set-up and reindex ----------------------------------------------------------------------

    def ensure_index(self) -> None:
        """Install the index template and create the first index with the alias if there is none."""
        with _errors():
            self._client.indices.put_index_template(**bodies.index_template(self.prefix, replicas=self._replicas))
            if not self._client.indices.exists_alias(name=self.alias):
                first = f"{self.prefix}-cases-initial"
                created = self._client.options(ignore_status=400).indices.create(index=first, aliases={self.alias: {}})
                if created.meta.status == 400:
                    if created.body.get("error", {}).get("type") != "resource_already_exists_exception":
                        raise SearchError(f"elasticsearch: cannot create {first}: {created.body}")
                    # Another process created it first, or the alias was removed by hand.
                    self._client.indices.put_alias(index=first, name=self.alias)
        self._ready = True

    def begin_reindex(self) -> str:
        """Create an empty index to fill; return its name. Live writes go to it too from now on."""
        self._ensure()
        with _errors():
            self._drop_alias_indices(self.next_alias)
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            name = f"{self.prefix}-cases-{stamp}-{secrets.token_hex(3)}"
            self._client.indices.create(
                index=name,
                aliases={self.next_alias: {}},
                # No refreshes while bulk loading; finish_reindex restores the default.
                settings={"index": {"refresh_interval": "-1"}},
            )
        return name

    def finish_reindex(self, name: str) -> None:
        """Make the index ``name`` live in one atomic alias swap and delete the indices it replaces."""
        with _errors():
            self._client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
            self._client.indices.refresh(index=name)
            old = self._alias_indices(self.alias)
            actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.alias}}]
            actions += [{"remove": {"index": index, "alias": self.alias}} for index in old if index != name]
            actions.append({"remove": {"index": name, "alias": self.next_alias}})
            self._client.indices.update_aliases(actions=actions)
            stale = [index for index in old if index != name]
            if stale:
                self._client.options(ignore_status=404).indices.delete(index=",".join(stale))

    def abort_reindex(self, name: str) -> None:
        """Delete a half-built index; the live one is untouched."""
        with _errors():
            self._client.options(ignore_status=404).indices.delete(index=name)

    def reindex(self, documents: Iterable[SearchDocument]) -> int:
        """Build a new index from documents and swap it in; on failure the old index stays live."""
        name = self.begin_reindex()
        try:
            # No per-batch refresh: finish_reindex refreshes the new index once.
            count = self._bulk(documents, [name], require_alias=False, refresh=False)
            self.finish_reindex(name)
        except BaseException:
            self.abort_reindex(name)
            raise
        return count

    def clear(self) -> None:
        """Replace the index by an empty one."""
        self.reindex(())

    def needs_reindex(self) -> bool:
        """True when the live index was built by another analysis version."""
        self._ensure()
        with _errors():
            mapping = self._client.indices.get_mapping(index=self.alias)
        versions = {body["mappings"].get("_meta", {}).get("analysis_version") for body in mapping.values()}
        return versions != {ANALYSIS_VERSION}

    def refresh(self) -> None:
        """Make every write so far visible to searches."""
        self._ensure()
        with _errors():
            self._client.indices.refresh(index=self.alias)

    # -- writing -------------------------------------------------------------------------------

    def index(self, document: SearchDocument) -> None:
        """Add or replace one document."""
        self._ensure()
        body = bodies.source(document, analyze(document.text), analyze(document.title))
        with _errors():
            for target in self._write_targets():
                self._client.index(
                    index=target, id=document.id, document=body, refresh=self._refresh, require_alias=True
                )

    def bulk_index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents through the bulk API; return how many."""
        self._ensure()
        with _errors():
            targets = self._write_targets()
        return self._bulk(documents, targets, require_alias=True)

    def delete(self, doc_id: str) -> None:
        """Remove a document; an absent id is ignored."""
        self._ensure()
        with _errors():
            for target in self._write_targets():
                self._client.options(ignore_status=404).delete(index=target, id=doc_id, refresh=self._refresh)

    def _bulk(
        self,
        documents: Iterable[SearchDocument],
        targets: Sequence[str],
        *,
        require_alias: bool,
        refresh: bool | str | None = None,
    ) -> int:
        counted = [0]

        def actions() -> Iterator[dict[str, Any]]:
            for document in documents:
                body = bodies.source(document, analyze(document.text), analyze(document.title))
                counted[0] += 1
                for target in targets:
                    yield {"_op_type": "index", "_index": target, "_id": document.id, "_source": body}

        options: dict[str, Any] = {"chunk_size": _BULK_CHUNK, "refresh": self._refresh if refresh is None else refresh}
        if require_alias:
            options["require_alias"] = True
        with _errors():
            helpers.bulk(self._client, actions(), **options)
        return counted[0]

    def _write_targets(self) -> list[str]:
        if self._client.indices.exists_alias(name=self.next_alias):
            return [self.alias, self.next_alias]
        return [self.alias]

    def _alias_indices(self, alias: str) -> list[str]:
        found = self._client.options(ignore_status=404).indices.get_alias(name=alias)
        return [] if found.meta.status == 404 else sorted(found.body)

    def _drop_alias_indices(self, alias: str) -> None:
        stale = self._alias_indices(alias)
        if stale:
            self._client.options(ignore_status=404).indices.delete(index=",".join(stale))

    # -- reading -------------------------------------------------------------------------------

    def similar(
        self,
        text: str | None = None,
        *,
        doc_id: str | None = None,
        include_self: bool = False,
        filters: Filters | None = None,
        limit: int = 10,
    ) -> list[SearchHit]:
        """Return the cases most like text (or the stored case doc_id), best first; see the base class."""
        self._ensure()
        if text is None:
            terms = self._stored_terms(doc_id) if doc_id else []
            min_doc_freq = MLT_MIN_DOC_FREQ_STORED
        else:
            terms, min_doc_freq = analyze(text), 1
        if not terms:
            return []
        mlt = bodies.more_like_this(like=join_terms(terms), min_doc_freq=min_doc_freq)
        exclude = doc_id if doc_id and not include_self else None
        with _errors():
            response = self._client.search(
                index=self.alias,
                query=bodies.similar_query(mlt, filters, exclude),
                size=limit,
                highlight=bodies.terms_highlight(),
            )
        ranked = _rank_query_terms(terms)
        return [_hit(hit, ranked) for hit in response["hits"]["hits"]]

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        limit: int = 20,
        offset: int = 0,
        facets: Sequence[str] = DEFAULT_FACETS,
    ) -> SearchResult:
        """Keyword search with filters and facet counts; see the base class."""
        facet_fields = check_facets(facets)
        self._ensure()
        terms = list(dict.fromkeys(analyze_query(query)))
        if query.strip() and not terms:
            return SearchResult(total=0, hits=[], facets={name: {} for name in facet_fields})
        body: dict[str, Any] = {
            "query": bodies.keyword_query(terms, filters),
            "size": limit,
            "from_": offset,
            "track_total_hits": True,
        }
        if facet_fields:
            body["aggs"] = bodies.facet_aggregations(facet_fields)
        if terms:
            body["highlight"] = bodies.terms_highlight()
        else:
            body["sort"] = [{"year": {"order": "desc", "missing": "_last"}}]
        with _errors():
            response = self._client.search(index=self.alias, **body)
        aggregations = response.get("aggregations", {})
        return SearchResult(
            total=response["hits"]["total"]["value"],
            hits=[_hit(hit, terms) for hit in response["hits"]["hits"]],
            facets={
                name: {bucket["key"]: bucket["doc_count"] for bucket in aggregations[name]["buckets"]}
                for name in facet_fields
            },
        )

    def count(self, filters: Filters | None = None) -> int:
        """Return how many documents match filters."""
        self._ensure()
        with _errors():
            response = self._client.count(index=self.alias, query=bodies.count_query(filters))
        return int(response["count"])

    def _stored_terms(self, doc_id: str) -> list[str]:
        with _errors():
            found = self._client.options(ignore_status=404).get(index=self.alias, id=doc_id, source_includes=["terms"])
        if found.meta.status == 404:
            return []
        return str(found["_source"].get("terms", "")).split()

    def _ensure(self) -> None:
        if not self._ready:
            self.ensure_index()

    def close(self) -> None:
        """Close the client if this backend created it."""
        if self._owns_client:
            self._client.close()


@contextmanager
def _errors() -> Iterator[None]:
    """Turn client errors into SearchError, so callers handle one exception type."""
    try:
        yield
    except (ApiError, TransportError, helpers.BulkIndexError) as error:
        raise SearchError(f"elasticsearch: {error}") from error


def _rank_query_terms(terms: Sequence[str]) -> list[str]:
    """Order a text's distinct terms by how often it uses them, longer terms first on ties."""
    counts = Counter(terms)
    return sorted(counts, key=lambda term: (-counts[term], -len(term)))


def _hit(hit: dict[str, Any], ranked_terms: Sequence[str]) -> SearchHit:
    stored = hit["_source"]
    matched = bodies.matched_terms(hit) or stored.get("terms", "").split()
    shared = shared_terms(ranked_terms, matched)
    fields = {name: stored[name] for name in FILTER_FIELDS if stored.get(name) is not None}
    return SearchHit(
        id=stored["id"],
        score=float(hit.get("_score") or 0.0),
        title=stored.get("title", ""),
        shared_terms=shared,
        highlight=snippet(stored.get("text", ""), shared),
        fields=fields,
        extra=stored.get("extra", {}),
    )
