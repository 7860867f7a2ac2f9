"""Debian's Chromium and local servers for the browser tests (never a downloaded browser)."""

from __future__ import annotations

import threading

from tests.support.paths import TESTS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
#: Screenshots of the pages, for people to look at (ignored by git).
ARTIFACTS = TESTS / "artifacts"
#: A county page of another origin that embeds the widget; its index.html is written by a test.
EMBED_PAGE = TESTS / "browser" / "embed_page"


class Server:
    """Serve a WSGI app or a folder on a free local port, in a thread."""

    def __init__(self, server) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
