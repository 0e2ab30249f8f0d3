"""`campaign serve`: preview the kit on 127.0.0.1 and rebuild it when the campaign changes.

The server serves the output folder by path, so the build's atomic swap of
that folder is picked up by the next request. A watcher polls the campaign's
files (cheap for a few dozen YAML files, and needs no extra package); a
change rebuilds, and a campaign that stops validating keeps the last good
build on screen while its problems are reported.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from campaign.build import build
from campaign.errors import CampaignError, CampaignInvalid

WATCHED = ("assets", "messages")


class PortUnavailable(CampaignError):
    """The preview cannot listen on the port asked for."""


Event = Callable[[str, Any], None]  # (kind, detail): ("built", Kit), ("invalid", [Problem]), ("failed", error)


def snapshot(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every watched file with its modification time and size: a change in any means rebuild."""
    files = []
    for folder in WATCHED:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    files.append((path.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(files)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the preview is quiet; rebuilds are what the user wants to see

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt page shows on reload
        super().end_headers()


class Preview:
    """A preview server for one campaign: build, serve, watch, rebuild."""

    def __init__(self, root: Path, out: Path, *, port: int = 8000, interval: float = 1.0, on_event: Event | None = None) -> None:
        self.root = Path(root)
        self.out = Path(out)
        self.interval = interval
        self.on_event = on_event or (lambda kind, detail: None)
        self._stop = threading.Event()
        self._stamp = snapshot(self.root)
        handler = functools.partial(_Handler, directory=str(self.out.resolve()))
        try:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            raise PortUnavailable(
                f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); choose another port with --port"
            ) from None
        try:
            self.on_event("built", build(self.root, self.out))  # an invalid campaign raises here: nothing to serve
        except BaseException:
            self.server.server_close()
            raise
        self._watcher = threading.Thread(target=self._watch, name="campaign-watch", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> Preview:
        """Serve and watch in background threads."""
        threading.Thread(target=self.server.serve_forever, name="campaign-serve", daemon=True).start()
        self._watcher.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def rebuild_if_changed(self) -> bool:
        """Rebuild when a watched file changed; True when it did rebuild (or tried)."""
        stamp = snapshot(self.root)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            self.on_event("built", build(self.root, self.out))
        except CampaignInvalid as exc:
            self.on_event("invalid", exc.problems)
        except CampaignError as exc:
            self.on_event("failed", exc)
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self.rebuild_if_changed()
