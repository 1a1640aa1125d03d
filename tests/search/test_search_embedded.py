"""What only the embedded backend promises: several processes, one writer at a time, versioned analysis."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from search import SearchDocument, SearchError, open_backend
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend

WRITER = textwrap.dedent(
    """
    import sys
    from search import SearchDocument, open_backend

    directory, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    backend = open_backend(None, directory)
    for number in range(count):
        text = f"{name}公司在淘宝销售侵犯外观设计专利的四件套，第{number}批。"
        backend.index(SearchDocument(id=f"{name}-{number}", text=text, ip_type="design_patent"))
    backend.close()
    """
)


def start_writer(directory: Path, name: str, count: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory), name, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(process: subprocess.Popen[bytes]) -> None:
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def test_writers_in_two_processes_take_turns_and_lose_nothing(tmp_path: Path) -> None:
    reader = EmbeddedBackend(tmp_path)
    writers = [start_writer(tmp_path, name, 12) for name in ("alpha", "beta")]

    for process in writers:
        finish(process)

    # The reader opened before the writes sees them all without reopening.
    assert reader.count() == 24
    assert reader.search("四件套").total == 24


def test_reads_keep_working_while_another_process_writes(tmp_path: Path) -> None:
    reader = EmbeddedBackend(tmp_path)
    writer = start_writer(tmp_path, "gamma", 20)
    seen = []
    while writer.poll() is None:
        seen.append(reader.count())
        reader.similar("淘宝销售外观设计专利四件套")
        reader.search("外观设计", facets=("ip_type",))
    finish(writer)

    assert seen and seen == sorted(seen)
    assert reader.count() == 20


def test_a_writer_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    holder, waiter = EmbeddedBackend(tmp_path), EmbeddedBackend(tmp_path, lock_timeout=0.2)

    with holder._writer(32_000_000), pytest.raises(SearchError, match="locked"):
        waiter.index(SearchDocument(id="x", text="外观设计"))

    waiter.index(SearchDocument(id="x", text="外观设计"))
    assert holder.count() == 1


def test_a_failed_batch_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path)
    backend.index(SearchDocument(id="kept", text="外观设计"))

    def documents():
        yield SearchDocument(id="lost", text="商标")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.bulk_index(documents())

    assert backend.count() == 1
    backend.index(SearchDocument(id="after", text="商标"))
    assert backend.count() == 2


def test_an_index_from_another_analysis_version_needs_a_reindex(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path)
    backend.index(SearchDocument(id="x", text="外观设计"))
    assert not backend.needs_reindex()

    (tmp_path / "tantivy-v1.analysis").write_text("0ld", encoding="utf-8")
    assert backend.needs_reindex()

    backend.reindex([SearchDocument(id="x", text="外观设计")])
    assert not backend.needs_reindex()


def test_a_closed_backend_refuses_work(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path)
    backend.close()

    with pytest.raises(SearchError, match="closed"):
        backend.count()


def test_open_backend_chooses_by_url(tmp_path: Path) -> None:
    with open_backend(None, tmp_path / "search") as embedded:
        assert isinstance(embedded, EmbeddedBackend)
    assert (tmp_path / "search" / "tantivy-v1" / "meta.json").exists()

    remote = open_backend("http://127.0.0.1:9200", tmp_path, "hub")
    assert isinstance(remote, ElasticsearchBackend)
    assert remote.alias == "hub-cases"
    remote.close()
