"""Browser fixtures: one Debian Chromium (fresh profile) for the session, the app served on 127.0.0.1 on a
fresh instance, and a ``journey`` that gives each person their own browser context and screenshots."""

from __future__ import annotations

import tempfile

import pytest

from tests.support.browser import CHROMIUM_ARGS, Journey, LiveServer, artifacts_dir, chromium_or_skip
from tests.support.browser_data import live_config, prepare_instance


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dh-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield context.browser
        finally:
            context.close()


@pytest.fixture(scope="session")
def live_server(browser, tmp_path_factory):
    from dispute_hub import create_app

    app = create_app(live_config(tmp_path_factory.mktemp("browser") / "instance"))
    prepare_instance(app)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def journey(request, browser, live_server):
    trip = Journey(browser, live_server.url, request.node.name.removeprefix("test_"), artifacts_dir())
    yield trip
    trip.close()
