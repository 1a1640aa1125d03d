"""Benchmark the search backends on synthetic cases: indexing rate, similar and keyword latency, memory."""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.search.corpus import SyntheticCase, generate_cases, keyword_queries
from search import SearchBackend, SearchDocument, open_backend

ELASTICSEARCH_ENV = "DISPUTE_HUB_TEST_ELASTICSEARCH_URL"


def to_document(case: SyntheticCase) -> SearchDocument:
    """Return the search document of a synthetic case."""
    return SearchDocument(
        id=case.id,
        text=case.text,
        title=case.title,
        ip_type=case.ip_type,
        status=case.status,
        channel=case.channel,
        organization=case.organization,
        district=case.district,
        cause_name=case.cause_name,
        year=case.year,
        closure=case.closure,
        extra={"tracking_number": case.id.upper()},
    )


def documents(n: int, seed: int, kinds: dict[str, str]) -> Iterator[SearchDocument]:
    """Yield n documents lazily (memory figures are then the backend's); note the IP type of ids in kinds."""
    for case in generate_cases(n, seed):
        if case.id in kinds:
            kinds[case.id] = case.ip_type
        yield to_document(case)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return p50 and p95 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def timed(calls: list[Callable[[], object]]) -> list[float]:
    """Run each call and return its duration in seconds."""
    durations = []
    for call in calls:
        start = time.perf_counter()
        call()
        durations.append(time.perf_counter() - start)
    return durations


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def bench(backend: SearchBackend, args: argparse.Namespace, label: str, storage: Path | None) -> None:
    """Fill backend with args.n cases, then print the figures for label."""
    print(f"\n== {label}: {args.n:,} documents, {args.queries} queries each")
    rng = random.Random(args.seed + 1)
    ids = [f"case-{rng.randint(1, args.n)}" for _ in range(args.queries)]
    kinds = dict.fromkeys(ids, "")
    start = time.perf_counter()
    indexed = backend.reindex(documents(args.n, args.seed, kinds))
    index_seconds = time.perf_counter() - start
    if hasattr(backend, "refresh"):
        backend.refresh()
    assert backend.count() == indexed == args.n, "index count mismatch"
    print(f"index (reindex, one batch)   {indexed / index_seconds:10,.0f} docs/s  ({index_seconds:.1f} s)")

    # The extra cases reuse ids case-1..case-20: indexing replaces, as an outbox update would.
    extra = list(generate_cases(20, seed=args.seed + 2))
    singles = timed([lambda case=case: backend.index(to_document(case)) for case in extra])
    print("index one document           p50 {:7.1f} ms   p95 {:7.1f} ms".format(*percentiles(singles)))

    by_id = timed([lambda doc_id=doc_id: backend.similar(doc_id=doc_id) for doc_id in ids])
    print("similar(doc_id)              p50 {:7.1f} ms   p95 {:7.1f} ms".format(*percentiles(by_id)))

    new_texts = [case.text for case in generate_cases(args.queries, seed=args.seed + 3)]
    by_text = timed([lambda text=text: backend.similar(text) for text in new_texts])
    print("similar(new text)            p50 {:7.1f} ms   p95 {:7.1f} ms".format(*percentiles(by_text)))

    filtered = timed([lambda d=d: backend.similar(doc_id=d, filters={"status": ["closed", "settled"]}) for d in ids])
    print("similar + status filter      p50 {:7.1f} ms   p95 {:7.1f} ms".format(*percentiles(filtered)))

    queries = keyword_queries(args.queries, seed=args.seed + 4)
    keyword = timed([lambda query=query: backend.search(query) for query in queries])
    print("keyword search + 6 facets    p50 {:7.1f} ms   p95 {:7.1f} ms".format(*percentiles(keyword)))

    # A cheap relevance check: the synthetic corpus has eight kinds of dispute.
    tops = [backend.similar(doc_id=doc_id, limit=1) for doc_id in ids]
    same = sum(1 for doc_id, hits in zip(ids, tops, strict=True) if hits and hits[0].fields["ip_type"] == kinds[doc_id])
    print(f"top similar hit of the same IP type {same / len(ids):10.1%}")
    if storage is not None:
        print(f"index size on disk           {folder_size(storage) / 1e6:10.1f} MB")
    print(f"peak memory (maxrss)         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:10.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="documents to index (default 100,000)")
    parser.add_argument("--queries", type=int, default=200, help="queries per measurement (default 200)")
    parser.add_argument("--seed", type=int, default=20240601, help="corpus seed")
    parser.add_argument("--directory", type=Path, help="where the embedded index goes (default: a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="search-bench-") as scratch:
        directory = args.directory or Path(scratch)
        with open_backend(None, directory) as embedded:
            bench(embedded, args, "embedded (tantivy)", directory)

        url = os.environ.get(ELASTICSEARCH_ENV)
        if not url:
            print(f"\n(elasticsearch skipped: set {ELASTICSEARCH_ENV} to include it)")
            return
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        with open_backend(url, directory, prefix) as elastic:
            try:
                bench(elastic, args, f"elasticsearch ({url})", None)
            finally:
                _drop_indices(url, prefix)


def _drop_indices(url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url)
    # Elasticsearch 8 refuses wildcard deletes by default: name the indices.
    names = list(client.options(ignore_status=404).indices.get(index=f"{prefix}-cases-*", expand_wildcards="all"))
    if names:
        client.indices.delete(index=",".join(names))
    client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-cases")
    client.close()


if __name__ == "__main__":
    main()
