"""The search backend the configuration names, opened once per app and kept on app.extensions."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from flask import Flask, current_app

from search import SearchBackend, open_backend

EXTENSION = "search"
# A write from a request waits this long for another writer (e.g. a running reindex) before giving up;
# its outbox rows then stay for the next drain. The reindex command opens its own, patient backend.
REQUEST_LOCK_TIMEOUT = 2.0
# After a failure, inline drains skip the backend for a while (doubling up to the maximum), so an
# unreachable search server does not slow down every filing.
FIRST_PAUSE, MAX_PAUSE = 5.0, 300.0


def backend_from_config(config: Mapping[str, object], **options: object) -> SearchBackend:
    """Open the backend: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded index in SEARCH_DIR."""
    url = str(config.get("ELASTICSEARCH_URL") or "")
    if url:
        options.pop("lock_timeout", None)
        return open_backend(url, str(config["SEARCH_DIR"]), str(config["SEARCH_INDEX_PREFIX"]), **options)
    return open_backend(None, str(config["SEARCH_DIR"]), **options)


class SearchState:
    """The app's backend, opened on first use, and a pause after failures (a simple circuit breaker)."""

    def __init__(self, config: Mapping[str, object]) -> None:
        self._config = config
        self._backend: SearchBackend | None = None
        self._lock = threading.Lock()
        self._failures = 0
        self._paused_until = 0.0

    @property
    def backend(self) -> SearchBackend:
        with self._lock:
            if self._backend is None:
                self._backend = backend_from_config(self._config, lock_timeout=REQUEST_LOCK_TIMEOUT)
            return self._backend

    def replace(self, backend: SearchBackend | None) -> None:
        """Use another backend (tests; None reopens the configured one on next use)."""
        with self._lock:
            self._backend = backend
            self._failures, self._paused_until = 0, 0.0

    def paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def record_failure(self) -> None:
        self._failures += 1
        pause = min(FIRST_PAUSE * 2 ** (self._failures - 1), MAX_PAUSE)
        self._paused_until = time.monotonic() + pause

    def record_success(self) -> None:
        self._failures, self._paused_until = 0, 0.0

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None


def init_backend(app: Flask) -> SearchState:
    state = SearchState(app.config)
    app.extensions[EXTENSION] = state
    return state


def search_state() -> SearchState:
    return current_app.extensions[EXTENSION]


def search_backend() -> SearchBackend:
    """The current app's search backend."""
    return search_state().backend
