"""Search commands: `flask --app dispute_hub similar IN.jsonl` for bulk evaluation, and `reindex`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from search import SearchBackend

from ..casesearch.backend import backend_from_config
from ..casesearch.queries import MAX_K
from ..casesearch.reindex import count_cases, reindex_all
from ..casesearch.tasks import drain
from .intake import count_lines
from .triage import _id_problem, _read

# the reindex waits this long for another writer of the embedded index before giving up
REINDEX_LOCK_TIMEOUT = 600.0


def similar_line(backend: SearchBackend, raw: bytes, number: int, k: int) -> dict | None:
    """The output object of one input line; None for a blank line."""
    if not raw.strip():
        return None
    body, problem = _read(raw)
    if body is None:
        return {"id": None, "line": number, "error": problem}
    line_id = body.get("id")
    text = body.get("text")
    problems = [p for p in (_id_problem(line_id),) if p]
    if not isinstance(text, str) or not text.strip():
        problems.append("text is required and must be a string")
    if problems:
        shown = line_id if _id_problem(line_id) is None else None
        return {"id": shown, "line": number, "error": "; ".join(problems)}
    hits = backend.similar(text, limit=k)
    return {"id": line_id, "hits": [
        {"tracking_no": hit.extra.get("tracking_no"), "external_id": hit.extra.get("external_id"),
         "score": round(hit.score, 4)} for hit in hits]}


def run_similar(lines: Iterable[bytes], backend: SearchBackend, k: int) -> tuple[int, int]:
    """Write one JSON line to stdout per non-blank input line; return (answered, errors)."""
    answered = errors = 0
    for number, raw in enumerate(lines, start=1):
        out = similar_line(backend, raw, number, k)
        if out is None:
            continue
        errors += "error" in out
        answered += "error" not in out
        click.echo(json.dumps(out, ensure_ascii=False))
    return answered, errors


def patient_backend(config: Mapping[str, object]) -> SearchBackend:
    return backend_from_config(config, lock_timeout=REINDEX_LOCK_TIMEOUT)


@click.command("similar")
@click.argument("source", metavar="IN.jsonl", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--k", type=click.IntRange(1, MAX_K), default=10, show_default=True, help="hits per line")
@with_appcontext
def similar_command(source: str, k: int) -> None:
    """For each {"id", "text"} line of IN.jsonl (- reads stdin), the k most similar cases.

    Each non-blank line gives one JSON line on stdout, in input order:
    {"id", "hits": [{"tracking_no", "external_id", "score"}, ...]}, best first; a bad line gives
    {"id": <id or null>, "line": <line number>, "error": "..."}. Progress and counts go to stderr.
    For bulk evaluation by operators: every case is searched, with no permission filter.
    """
    total = count_lines(source) if source != "-" else None
    with patient_backend(current_app.config) as backend, click.open_file(source, "rb") as stream:
        bar = tqdm(stream, total=total, unit=" lines", desc="similar", file=sys.stderr, dynamic_ncols=True)
        try:
            answered, errors = run_similar(bar, backend, k)
        finally:
            bar.close()
    click.echo(f"similar: {answered} answered, {errors} with errors / 已检索 {answered} 行，出错 {errors} 行", err=True)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database, then drain the outbox; safe to run again.

    On Elasticsearch a new index is filled and swapped in behind the alias, so searches keep working
    meanwhile; the embedded index shows the old documents until the new set is committed.
    """
    with patient_backend(current_app.config) as backend:
        bar = tqdm(total=count_cases(), unit=" cases", desc="reindex", file=sys.stderr, dynamic_ncols=True)
        try:
            count = reindex_all(backend, bar.update)
        finally:
            bar.close()
    report = drain()
    click.echo(f"reindex: {count} cases indexed, {report.rows} outbox rows drained / 已重建索引 {count} 件", err=True)
