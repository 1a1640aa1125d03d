"""Browser tests: Debian's Chromium driven by Playwright against the app served for real on 127.0.0.1.

Each person of a journey gets their own browser context (cookies, session, language) and a watch on their
page that fails the journey on any console error, uncaught page error, failed request or HTTP error the
journey did not announce.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# no sandbox (CI runs as root), no GPU, and nothing that talks to Google's servers on its own
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS_ENV = "DISPUTE_HUB_TEST_ARTIFACTS"
DEFAULT_ARTIFACTS = "test-artifacts/screenshots"
VIEWPORT = {"width": 1280, "height": 900}


def chromium_or_skip() -> str:
    """The Chromium binary to drive; skip locally when it (or playwright) is missing, fail under CI."""
    reason = None
    if not os.access(CHROMIUM, os.X_OK):
        reason = (f"{CHROMIUM} is missing (make test installs Debian's chromium and chromium-driver "
                  "when run as root)")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is missing (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(f"browser tests skipped: {reason}")
    return CHROMIUM


def artifacts_dir() -> Path:
    """Where journeys save their screenshots: $DISPUTE_HUB_TEST_ARTIFACTS, else test-artifacts/screenshots."""
    path = Path(os.environ.get(ARTIFACTS_ENV) or DEFAULT_ARTIFACTS).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


class LiveServer:
    """The WSGI app on 127.0.0.1 on a free port, served by werkzeug in a background thread."""

    def __init__(self, app) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@dataclass
class PageWatch:
    """What went wrong on a page: console errors, page errors, failed requests, unexpected HTTP errors."""

    base_url: str
    problems: list[str] = field(default_factory=list)
    # (status, path regex) the journey announced; each may occur any number of times
    allowed: list[tuple[int, re.Pattern]] = field(default_factory=list)
    # path regexes of links that download a file: Chromium aborts such a navigation by design
    downloads: list[re.Pattern] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def allow(self, status: int, path: str) -> None:
        """Announce that ``path`` (a regex matched against the URL path) may answer ``status``."""
        self.allowed.append((status, re.compile(path)))

    def expect_download(self, path: str) -> None:
        """Announce that following a link to ``path`` (a regex) downloads a file instead of opening a page."""
        self.downloads.append(re.compile(path))

    def _path(self, url: str) -> str:
        return url.removeprefix(self.base_url).split("?")[0]

    def _is_allowed(self, status: int, url: str) -> bool:
        return any(status == s and pattern.search(self._path(url)) for s, pattern in self.allowed)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        status = re.search(r"status of (\d{3})", message.text)
        if status and self._is_allowed(int(status.group(1)), where):
            return  # Chromium's echo of an announced error response
        self.problems.append(f"console error: {message.text} ({where})")

    def _request_failed(self, request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure and any(p.search(self._path(request.url)) for p in self.downloads):
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and not self._is_allowed(response.status, response.url):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def check(self, step: str) -> None:
        problems, self.problems = self.problems, []
        assert not problems, f"after {step!r}:\n  " + "\n  ".join(problems)


class Actor:
    """One person of a journey in their own browser context: a page, its watch, numbered screenshots."""

    def __init__(self, journey: Journey, name: str, locale: str) -> None:
        self.journey, self.name = journey, name
        self.context = journey.browser.new_context(base_url=journey.base_url, locale=locale, viewport=VIEWPORT,
                                                   accept_downloads=True)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.watch = PageWatch(journey.base_url)
        self.watch.attach(self.page)

    def shot(self, step: str) -> Path:
        """Save a full-page screenshot of this step, after checking the page went without a problem."""
        self.page.wait_for_load_state("load")
        self.watch.check(step)
        path = self.journey.next_path(self.name, step)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def download(self, click) -> tuple[str, bytes]:
        """Run ``click`` (which starts a download) and return the file's suggested name and content."""
        with self.page.expect_download() as info:
            click()
        download = info.value
        return download.suggested_filename, Path(download.path()).read_bytes()

    def close(self) -> None:
        try:
            self.watch.check("the end of the journey")
        finally:
            self.context.close()


class Journey:
    """The people of one journey and the folder of its screenshots (``<artifacts>/<journey>/NN-person-step.png``)."""

    def __init__(self, browser, base_url: str, name: str, root: Path) -> None:
        self.browser, self.base_url, self.name = browser, base_url, name
        self.folder = root / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.actors: list[Actor] = []
        self.screenshots: list[Path] = []

    def actor(self, name: str, locale: str = "zh-CN") -> Actor:
        person = Actor(self, name, locale)
        self.actors.append(person)
        return person

    def next_path(self, actor: str, step: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{len(self.screenshots) + 1:02d}-{actor}-{slug}.png"
        self.screenshots.append(path)
        return path

    def close(self) -> None:
        errors = []
        for person in self.actors:
            try:
                person.close()
            except AssertionError as exc:
                errors.append(f"{person.name}: {exc}")
        assert not errors, "\n".join(errors)
