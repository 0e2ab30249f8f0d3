"""A pass-through proxy in front of the real Bluesky PDS, for injecting faults.

Requests go to the PDS unchanged unless a fault is queued for their path, in
which case the proxy answers as the PDS would under load: 429 with
``ratelimit-*`` headers and ``{"error": "RateLimitExceeded"}``, or a 5xx.
"""

from __future__ import annotations

import datetime as dt
import http.client
from urllib.parse import urlencode, urlsplit

from tests.fakes.base import FakeServer, Reply, Request

CREATE_RECORD = "/xrpc/com.atproto.repo.createRecord"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "date", "server"}


def rate_limited(reset: dt.datetime) -> Reply:
    return Reply(
        429,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(int(reset.timestamp())),
            "ratelimit-policy": "5000;w=3600",
        },
    )


def server_error(status: int = 503) -> Reply:
    return Reply(status, {"error": "InternalServerError", "message": "Internal Server Error"})


class Proxy(FakeServer):
    def __init__(self, upstream: str) -> None:
        super().__init__()
        self.upstream = urlsplit(upstream)

    def route(self, request: Request) -> Reply:
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        query = urlencode(request.query)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "connection")}
        try:
            conn.request(
                request.method, request.path + (f"?{query}" if query else ""), body=request.body or None, headers=headers
            )
            answer = conn.getresponse()
            body = answer.read()
            kept = {k: v for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP}
            return Reply(answer.status, body, kept)
        finally:
            conn.close()
