"""The published kit on 127.0.0.1: a static file server standing in for the host at base_url.

Instagram and Threads fetch a post's image from its public address, so their
fakes fetch from here, as the platforms would from the kit online.
"""

from __future__ import annotations

from pathlib import Path

from tests.fakes.base import FakeServer, Reply, Request

TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".html": "text/html; charset=utf-8"}


class KitHost(FakeServer):
    def __init__(self, root: Path, prefix: str = "/kit/") -> None:
        super().__init__()
        self.root, self.prefix = root.resolve(), prefix

    @property
    def base_url(self) -> str:
        return self.url + self.prefix

    def route(self, request: Request) -> Reply:
        if request.method != "GET" or not request.path.startswith(self.prefix.rstrip("/")):
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        target = (self.root / request.path.removeprefix(self.prefix)).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return Reply(200, target.read_bytes(), {"Content-Type": TYPES.get(target.suffix, "application/octet-stream")})
