"""A real server and Debian's Chromium for browser tests (never a downloaded browser)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.apps import make_app, release
from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, EMBED_PAGE, Server

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing in CI: .ci/run installs it with apt")
    pytest.skip(
        f"Browser tests skipped: {CHROMIUM} is not installed (apt-get install chromium).",
        allow_module_level=True,
    )


@pytest.fixture(scope="session")
def embed_site() -> Iterator[Server]:
    """A second origin: a static county page that embeds the widget."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(EMBED_PAGE))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = Server(ThreadingHTTPServer(("127.0.0.1", 0), handler))
    yield server
    server.stop()


@pytest.fixture
def live_app(database_url: str, embed_site: Server):
    app = make_app(database_url, EMBED_ORIGINS=[embed_site.url])
    server = Server(make_server("127.0.0.1", 0, app, threaded=True))
    yield server
    server.stop()
    release(app)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # several test workers share it
    return ARTIFACTS
