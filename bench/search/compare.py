"""Compare embedded engines on the same pre-analysed terms: SQLite FTS5 with bm25() against tantivy."""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import tantivy

from bench.search.corpus import generate_cases, keyword_queries
from bench.search.run import folder_size, percentiles
from search.analysis import TERM_PUNCTUATION, analyze, analyze_query, join_terms
from search.base import MLT_MAX_TERMS, pick_key_terms

Row = tuple[int, str, str]  # rowid, ip_type, space-joined terms


class Fts5:
    """SQLite FTS5 over space-joined terms: unicode61 splits on the spaces, bm25() ranks."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        tokenchars = TERM_PUNCTUATION.replace("'", "")
        self.db.executescript(
            f"""
            CREATE TABLE docs(rowid INTEGER PRIMARY KEY, ip_type TEXT, terms TEXT);
            CREATE INDEX docs_ip_type ON docs(ip_type);
            CREATE VIRTUAL TABLE docs_fts USING fts5(
                terms, content='docs', content_rowid='rowid',
                tokenize="unicode61 remove_diacritics 0 tokenchars '{tokenchars}'");
            CREATE VIRTUAL TABLE docs_vocab USING fts5vocab(docs_fts, 'row');
            """
        )

    def build(self, rows: list[Row]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
            self.db.execute("INSERT INTO docs_fts(rowid, terms) SELECT rowid, terms FROM docs")
        with self.db:
            self.db.execute("INSERT INTO docs_fts(docs_fts) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.num_docs = len(rows)

    def doc_freqs(self, terms: list[str]) -> dict[str, int]:
        marks = ",".join("?" * len(terms))
        return dict(self.db.execute(f"SELECT term, doc FROM docs_vocab WHERE term IN ({marks})", terms))

    def similar(self, rowid: int, terms: list[str], max_df: float = 1.0) -> list[int]:
        freqs = self.doc_freqs(sorted(set(terms)))
        cap = max_df * self.num_docs
        picked = pick_key_terms(
            terms, lambda term: freqs.get(term, 0) if freqs.get(term, 0) <= cap else 0, self.num_docs
        )
        if not picked:
            return []
        match = " OR ".join(_quote(term) for term, _weight in picked)
        sql = "SELECT rowid FROM docs_fts WHERE docs_fts MATCH ? AND rowid != ? ORDER BY rank LIMIT 10"
        return [row[0] for row in self.db.execute(sql, (match, rowid))]

    def keyword(self, terms: list[str]) -> int:
        match = " AND ".join(_quote(term) for term in terms)
        rows = self.db.execute("SELECT rowid FROM docs_fts WHERE docs_fts MATCH ? ORDER BY rank LIMIT 20", (match,))
        return len(rows.fetchall())


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class Tantivy:
    """tantivy over the same terms, split on spaces by its whitespace tokenizer."""

    def __init__(self, path: Path) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("rowid", stored=True, indexed=True)
        builder.add_text_field("ip_type", tokenizer_name="raw", index_option="basic")
        builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(path))

    def build(self, rows: list[Row]) -> None:
        writer = self.index.writer(256_000_000, 1)
        for rowid, ip_type, terms in rows:
            writer.add_document(tantivy.Document(rowid=rowid, ip_type=ip_type, terms=terms))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    def similar(self, rowid: int, terms: list[str]) -> list[int]:
        searcher = self.index.searcher()
        picked = pick_key_terms(terms, lambda term: searcher.doc_freq("terms", term), searcher.num_docs)
        should = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "terms", t)) for t, _ in picked]
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.boolean_query(should)),
                (tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "rowid", rowid)),
            ]
        )
        return [searcher.doc(address)["rowid"][0] for _score, address in searcher.search(query, 10).hits]

    def keyword(self, terms: list[str]) -> int:
        searcher = self.index.searcher()
        must = [(tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "terms", term)) for term in terms]
        return len(searcher.search(tantivy.Query.boolean_query(must), 20).hits)


def measure(label: str, calls: list[Callable[[], object]]) -> None:
    durations = []
    for call in calls:
        start = time.perf_counter()
        call()
        durations.append(time.perf_counter() - start)
    p50, p95 = percentiles(durations)
    print(f"  {label:<44} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    start = time.perf_counter()
    cases = list(generate_cases(args.n, args.seed))
    rows = [(number, case.ip_type, join_terms(analyze(case.text))) for number, case in enumerate(cases, 1)]
    kinds = {number: case.ip_type for number, case in enumerate(cases, 1)}
    print(f"analysed {args.n:,} documents in {time.perf_counter() - start:.1f} s")
    print(f"mean terms per document: {statistics.mean(len(row[2].split()) for row in rows):.0f}")
    rng = random.Random(args.seed)
    sample = [rows[rng.randrange(len(rows))] for _ in range(args.queries)]
    queries = [analyze_query(query) for query in keyword_queries(args.queries)]

    scratch = Path(tempfile.mkdtemp(prefix="search-compare-"))
    try:
        fts = Fts5(scratch / "fts.sqlite")
        (scratch / "tantivy").mkdir()
        engine = Tantivy(scratch / "tantivy")
        for name, backend in (("SQLite FTS5", fts), ("tantivy", engine)):
            start = time.perf_counter()
            backend.build(rows)
            print(f"\n{name}: built in {time.perf_counter() - start:.1f} s")
        print(
            f"  sizes: FTS5 {folder_size(scratch) - folder_size(scratch / 'tantivy'):,.0f} B, "
            f"tantivy {folder_size(scratch / 'tantivy'):,.0f} B"
        )

        print(f"\nsimilar, top {MLT_MAX_TERMS} tf-idf terms OR-ed, BM25 top 10:")
        measure("FTS5 bm25(), all terms", [lambda r=r: fts.similar(r[0], r[2].split()) for r in sample])
        for cap in (0.10, 0.03):
            measure(
                f"FTS5 bm25(), terms in <= {cap:.0%} of documents",
                [lambda r=r, c=cap: fts.similar(r[0], r[2].split(), c) for r in sample],
            )
        measure("tantivy, all terms", [lambda r=r: engine.similar(r[0], r[2].split()) for r in sample])

        print("\ntop-1 similar hit of the same IP type:")
        for name, similar in (
            ("FTS5 all terms", lambda r: fts.similar(r[0], r[2].split())),
            ("FTS5 terms <= 3%", lambda r: fts.similar(r[0], r[2].split(), 0.03)),
            ("tantivy all terms", lambda r: engine.similar(r[0], r[2].split())),
        ):
            same = sum(1 for r in sample if (hits := similar(r)) and kinds[hits[0]] == r[1])
            print(f"  {name:<44} {same / len(sample):8.1%}")

        print("\nkeyword AND search, top 20:")
        measure("FTS5", [lambda q=q: fts.keyword(q) for q in queries])
        measure("tantivy", [lambda q=q: engine.keyword(q) for q in queries])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
