"""What the browser tests share: Debian's chromium, one Playwright per test process, a quiet local server.

Playwright's sync API cannot run twice at once in one thread, so the ``browser`` fixture
(``tests/conftest.py``) is the session's only one: every browser test module uses it, and a
pytest-xdist worker that runs tests of two modules never starts a second Playwright.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # a page asks for its cards all at once; the default backlog of 5 drops connections under load


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """``root`` served on 127.0.0.1 at a free port, and its URL."""
    server = Server(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def launch() -> Iterator[Any]:
    """Debian's chromium under Playwright, for as long as the generator is open; skips without them."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def watch(page: Any) -> Any:
    """Keep count of ``page``'s requests in flight, for ``settle``; call before the first ``goto``."""
    pending: dict[Any, float] = {}
    page.pending = pending

    def started(request: Any) -> None:
        if not request.url.startswith("data:"):
            pending[request] = time.monotonic()

    page.on("request", started)
    page.on("requestfinished", lambda r: pending.pop(r, None))
    page.on("requestfailed", lambda r: pending.pop(r, None))
    return page


def settle(page: Any, timeout_ms: int = 30_000, quiet_ms: int = 500) -> None:
    """Wait until ``page`` has loaded and none of its requests has been in flight for ``quiet_ms``.

    Playwright's "networkidle" is Chromium's own signal, fired once per document; in CI it once did not come
    within 30 s and the failure could not say why. This waits on the requests the page reports, and a page
    that does not settle fails naming what is still loading.
    """
    page.wait_for_load_state("load", timeout=timeout_ms)
    pending: dict[Any, float] = page.pending
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if pending:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_ms / 1000:
            return
        page.wait_for_timeout(50)  # lets Playwright deliver the page's events
    still = sorted(r.url for r in pending)
    raise AssertionError(f"the page still had {len(still)} request(s) in flight after {timeout_ms} ms: {still[:10]}")
