"""The embedded backend: a tantivy index in a local folder, no server, safe for several processes."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from search.analysis import ANALYSIS_VERSION, analyze, analyze_query, join_terms
from search.base import (
    DEFAULT_FACETS,
    FACET_SIZE,
    KEYWORD_FIELDS,
    MLT_MIN_DOC_FREQ_STORED,
    TITLE_BOOST,
    Filters,
    SearchBackend,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchResult,
    check_facets,
    check_filters,
    pick_key_terms,
    shared_terms,
)
from search.highlight import snippet

__all__ = ["EmbeddedBackend"]

# A new schema gets a new folder, so an old index is never opened with the wrong schema.
SCHEMA_VERSION = 1
_SMALL_HEAP = 32_000_000
_BULK_HEAP = 256_000_000
_RELOAD_TRIES = 3
_LOCK_POLL_SECONDS = 0.05

Occur = tantivy.Occur
Query = tantivy.Query


def _build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name="raw", index_option="basic")
    # Terms are analysed in Python; tantivy only splits them on spaces.
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("title_terms", tokenizer_name="whitespace", index_option="freq")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    # Everything a hit shows, stored once as JSON rather than as many stored fields.
    builder.add_bytes_field("source", stored=True, indexed=False)
    return builder.build()


class EmbeddedBackend(SearchBackend):
    """Search index stored under a folder; any number of reading processes, one writer at a time.

    Writers take tantivy's own lock file and wait for it up to ``lock_timeout`` seconds. Each read
    reloads the index first (a fraction of a millisecond), so a write from any process is seen by
    the next read in every process.

    :param directory: the folder that holds the index (created if missing), e.g. ``<instance>/search``.
    :param lock_timeout: seconds a write waits for another writer before raising :class:`SearchError`.
    """

    def __init__(self, directory: str | os.PathLike[str], *, lock_timeout: float = 30.0) -> None:
        root = Path(directory)
        self._path = root / f"tantivy-v{SCHEMA_VERSION}"
        self._version_file = root / f"tantivy-v{SCHEMA_VERSION}.analysis"
        self._lock_timeout = lock_timeout
        self._local_lock = threading.Lock()
        self._schema = _build_schema()
        created = not (self._path / "meta.json").exists()
        self._path.mkdir(parents=True, exist_ok=True)
        self._index: tantivy.Index | None = self._open_index()
        if created and not self._version_file.exists():
            self._write_version()

    def _open_index(self) -> tantivy.Index:
        try:
            index = tantivy.Index(self._schema, path=str(self._path), reuse=True)
        except ValueError:
            # Another process created the index between our check and our create: open theirs.
            time.sleep(_LOCK_POLL_SECONDS)
            index = tantivy.Index(self._schema, path=str(self._path), reuse=True)
        index.config_reader("Manual", 1)
        return index

    # -- writing -------------------------------------------------------------------------------

    def index(self, document: SearchDocument) -> None:
        """Add or replace one document."""
        self.bulk_index([document], heap=_SMALL_HEAP)

    def bulk_index(self, documents: Iterable[SearchDocument], *, heap: int = _BULK_HEAP) -> int:
        """Add or replace documents in one commit; return how many.

        :param heap: writer memory budget in bytes; larger batches flush to disk less often.
        """
        count = 0
        with self._writer(heap) as writer:
            for document in documents:
                writer.delete_documents_by_term("id", document.id)
                writer.add_document(_to_tantivy(document))
                count += 1
        return count

    def delete(self, doc_id: str) -> None:
        """Remove a document; an absent id is ignored."""
        with self._writer(_SMALL_HEAP) as writer:
            writer.delete_documents_by_term("id", doc_id)

    def reindex(self, documents: Iterable[SearchDocument]) -> int:
        """Replace all documents in one commit: readers keep seeing the old set until it is done.

        Other writers wait meanwhile (and fail after ``lock_timeout``), so their changes land after.
        """
        count = 0
        with self._writer(_BULK_HEAP) as writer:
            writer.delete_all_documents()
            for document in documents:
                writer.add_document(_to_tantivy(document))
                count += 1
        self._write_version()
        return count

    def clear(self) -> None:
        """Remove every document."""
        with self._writer(_SMALL_HEAP) as writer:
            writer.delete_all_documents()
        self._write_version()

    def needs_reindex(self) -> bool:
        """True when documents were analysed by another version of the analysis."""
        try:
            stored = self._version_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return self.count() > 0
        return stored != ANALYSIS_VERSION

    def _write_version(self) -> None:
        temporary = self._version_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(ANALYSIS_VERSION, encoding="utf-8")
        os.replace(temporary, self._version_file)

    @contextmanager
    def _writer(self, heap: int) -> Iterator[Any]:
        index = self._require_open()
        with self._local_lock:
            writer = self._acquire_writer(index, heap)
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                # Waits for merges this commit started, then drops the writer and its lock file.
                writer.wait_merging_threads()
        self._reload(index)

    def _acquire_writer(self, index: tantivy.Index, heap: int) -> Any:
        deadline = time.monotonic() + self._lock_timeout
        while True:
            try:
                return index.writer(heap, 1)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise SearchError(f"search index {self._path} is locked by another writer") from error
                time.sleep(_LOCK_POLL_SECONDS)

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
        searcher = self._searcher()
        if text is None:
            source = self._source_of(searcher, doc_id) if doc_id else None
            if source is None:
                return []
            terms, min_doc_freq = source["terms"].split(), MLT_MIN_DOC_FREQ_STORED
        else:
            terms, min_doc_freq = analyze(text), 1
        key_terms = pick_key_terms(
            terms, lambda term: searcher.doc_freq("terms", term), searcher.num_docs, min_doc_freq=min_doc_freq
        )
        if not key_terms:
            return []
        ranked = [term for term, _weight in key_terms]
        should = [(Occur.Should, Query.term_query(self._schema, "terms", term)) for term in ranked]
        clauses = [(Occur.Must, Query.boolean_query(should)), *self._filter_clauses(filters)]
        if doc_id and not include_self:
            clauses.append((Occur.MustNot, Query.term_query(self._schema, "id", doc_id)))
        result = searcher.search(Query.boolean_query(clauses), limit, count=False)
        return [_hit(searcher, address, score, ranked) for score, address in result.hits]

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
        searcher = self._searcher()
        terms = list(dict.fromkeys(analyze_query(query)))
        if query.strip() and not terms:
            return SearchResult(total=0, hits=[], facets={name: {} for name in facet_fields})
        clauses = [(Occur.Must, self._term_clause(term)) for term in terms] + self._filter_clauses(filters)
        tantivy_query = Query.boolean_query(clauses) if clauses else Query.all_query()
        if terms:
            result = searcher.search(tantivy_query, limit, count=True, offset=offset)
        else:
            result = searcher.search(tantivy_query, limit, count=True, offset=offset, order_by_field="year")
        hits = [_hit(searcher, address, float(score) if terms else 0.0, terms) for score, address in result.hits]
        return SearchResult(total=result.count or 0, hits=hits, facets=_facets(searcher, tantivy_query, facet_fields))

    def count(self, filters: Filters | None = None) -> int:
        """Return how many documents match filters."""
        searcher = self._searcher()
        clauses = self._filter_clauses(filters)
        if not clauses:
            return searcher.num_docs
        return searcher.search(Query.boolean_query(clauses), 1, count=True).count or 0

    def _term_clause(self, term: str) -> Any:
        in_facts = Query.term_query(self._schema, "terms", term)
        in_title = Query.boost_query(Query.term_query(self._schema, "title_terms", term), TITLE_BOOST)
        return Query.boolean_query([(Occur.Should, in_facts), (Occur.Should, in_title)])

    def _filter_clauses(self, filters: Filters | None) -> list[tuple[Any, Any]]:
        clauses = []
        for name, values in check_filters(filters).items():
            if len(values) == 1:
                match = Query.term_query(self._schema, name, values[0])
            else:
                match = Query.term_set_query(self._schema, name, values)
            # Filters decide membership only; a zero constant score leaves the ranking alone.
            clauses.append((Occur.Must, Query.const_score_query(match, 0.0)))
        return clauses

    def _source_of(self, searcher: Any, doc_id: str) -> dict[str, Any] | None:
        result = searcher.search(Query.term_query(self._schema, "id", doc_id), 1, count=False)
        if not result.hits:
            return None
        return _source(searcher, result.hits[0][1])

    def _searcher(self) -> Any:
        index = self._require_open()
        self._reload(index)
        return index.searcher()

    @staticmethod
    def _reload(index: tantivy.Index) -> None:
        for attempt in range(_RELOAD_TRIES):
            try:
                index.reload()
                return
            except ValueError:
                # A writer in another process may have merged away a segment we were opening;
                # the next try reads the newer metadata. After the last try the old view stays.
                time.sleep(0.01 * (attempt + 1))

    def _require_open(self) -> tantivy.Index:
        if self._index is None:
            raise SearchError("the search backend is closed")
        return self._index

    def close(self) -> None:
        """Drop the index handle; tantivy unmaps its files when the last reference goes."""
        self._index = None


def _to_tantivy(document: SearchDocument) -> tantivy.Document:
    terms = join_terms(analyze(document.text))
    fields = document.filter_values()
    source = {
        "id": document.id,
        "title": document.title,
        "text": document.text,
        "terms": terms,
        "fields": fields,
        "extra": dict(document.extra),
    }
    result = tantivy.Document()
    result.add_text("id", document.id)
    result.add_text("terms", terms)
    result.add_text("title_terms", join_terms(analyze(document.title)))
    for name, value in fields.items():
        if name == "year":
            result.add_integer(name, int(value))
        else:
            result.add_text(name, str(value))
    result.add_bytes("source", json.dumps(source, ensure_ascii=False).encode("utf-8"))
    return result


def _source(searcher: Any, address: Any) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(searcher.doc(address)["source"][0])
    return stored


def _hit(searcher: Any, address: Any, score: float, ranked_terms: Sequence[str]) -> SearchHit:
    source = _source(searcher, address)
    shared = shared_terms(ranked_terms, source["terms"].split())
    return SearchHit(
        id=source["id"],
        score=float(score),
        title=source["title"],
        shared_terms=shared,
        highlight=snippet(source["text"], shared),
        fields=source["fields"],
        extra=source["extra"],
    )


def _facets(searcher: Any, query: Any, fields: Sequence[str]) -> dict[str, dict[str | int, int]]:
    if not fields:
        return {}
    spec = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in fields}
    result = searcher.aggregate(query, spec)
    return {name: {bucket["key"]: bucket["doc_count"] for bucket in result[name]["buckets"]} for name in fields}
