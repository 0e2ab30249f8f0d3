"""A fake Mastodon instance: statuses (with Idempotency-Key), v2 media, v2 instance.

Faithful where the publisher depends on it: Bearer tokens are checked (401
``{"error": "The access token is invalid"}``), a repeated Idempotency-Key
returns the status it created the first time, the instance's
``max_characters`` is enforced (422), answers carry ``X-RateLimit-*`` headers
(the reset as an ISO 8601 time) and a 429 says ``{"error": "Too many requests"}``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tests.fakes.base import FakeServer, Reply, Request

TOKEN = "fake-mastodon-token"


def rate_limited(reset: dt.datetime) -> Reply:
    return Reply(
        429,
        {"error": "Too many requests"},
        {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
    )


def server_error(status: int = 503) -> Reply:
    return Reply(status, b"<html><body>503 Service Unavailable</body></html>", {"Content-Type": "text/html"})


class FakeMastodon(FakeServer):
    def __init__(self, token: str = TOKEN, max_characters: int = 500) -> None:
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.statuses: list[dict[str, Any]] = []
        self.media: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[tuple[str, str], str] = {}
        self._ids = itertools.count(113000000000000001)

    def route(self, request: Request) -> Reply:
        if request.path in ("/api/v2/instance", "/api/v1/instance"):
            return Reply(200, self._instance())
        if request.header("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"error": "The access token is invalid"})
        with self.lock:
            if request.method == "POST" and request.path == "/api/v1/statuses":
                return self._post(request)
            if request.method == "POST" and request.path == "/api/v2/media":
                return self._media(request)
            if request.method == "GET" and request.path.startswith("/api/v1/statuses/"):
                found = next((s for s in self.statuses if s["id"] == request.path.rsplit("/", 1)[1]), None)
                return Reply(200, found) if found else Reply(404, {"error": "Record not found"})
            if request.method == "GET" and request.path == "/api/v1/accounts/verify_credentials":
                return Reply(200, _account())
        return Reply(404, {"error": "Record not found"})

    def _instance(self) -> dict[str, Any]:
        return {
            "domain": "mastodon.test",
            "title": "Fake",
            "version": "4.3.0",
            "source_url": "https://github.com/mastodon/mastodon",
            "configuration": {
                "statuses": {
                    "max_characters": self.max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    "supported_mime_types": ["image/png", "image/jpeg"],
                    "image_size_limit": 16777216,
                    "image_matrix_limit": 33177600,
                    "description_limit": 1500,
                },
            },
        }

    def _post(self, request: Request) -> Reply:
        form: dict[str, Any] = {}
        for key, value in request.form:
            if key.endswith("[]"):
                form.setdefault(key[:-2], []).append(value)
            else:
                form[key] = value
        if request.json:
            form.update(request.json)
        key = request.header("Idempotency-Key")
        if key and (self.token, key) in self.idempotency:
            return Reply(200, next(s for s in self.statuses if s["id"] == self.idempotency[(self.token, key)]))
        text = form.get("status", "")
        if len(text) > self.max_characters:
            return Reply(422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"})
        media = [self.media[m] for m in form.get("media_ids", []) if m in self.media]
        if len(media) != len(form.get("media_ids", [])):
            return Reply(422, {"error": "Validation failed: Media attachments are invalid"})
        status_id = str(next(self._ids))
        status = {
            "id": status_id,
            "uri": f"https://mastodon.test/users/kampanj/statuses/{status_id}",
            "url": f"https://mastodon.test/@kampanj/{status_id}",
            "created_at": "2026-02-04T08:00:00.000Z",
            "content": f"<p>{text}</p>",
            "text": text,
            "visibility": form.get("visibility") or "public",
            "sensitive": False,
            "spoiler_text": "",
            "in_reply_to_id": form.get("in_reply_to_id"),
            "in_reply_to_account_id": None,
            "media_attachments": media,
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "reblog": None,
            "application": None,
            "language": form.get("language"),
            "account": _account(),
            "poll": None,
            "card": None,
            "edited_at": None,
        }
        self.statuses.append(status)
        if key:
            self.idempotency[(self.token, key)] = status_id
        return Reply(200, status)

    def _media(self, request: Request) -> Reply:
        if "file" not in request.files:
            return Reply(422, {"error": "Validation failed: File can't be blank"})
        _filename, kind, data = request.files["file"]
        media_id = str(next(self._ids))
        item = {
            "id": media_id,
            "type": "image",
            "url": f"https://mastodon.test/media/{media_id}.png",
            "preview_url": f"https://mastodon.test/media/{media_id}_small.png",
            "remote_url": None,
            "text_url": None,
            "meta": {"original": {"size": f"{len(data)}B"}},
            "description": dict(request.form).get("description"),
            "blurhash": None,
            "bytes": len(data),
            "mime": kind,
        }
        self.media[media_id] = item
        return Reply(200, item)

    def arrivals(self) -> list[str]:
        """The text of every POST /api/v1/statuses that arrived, in order."""
        out = []
        for r in self.hits("POST", "/api/v1/statuses"):
            out.append(dict(r.form).get("status") or (r.json or {}).get("status", ""))
        return out


def _account() -> dict[str, Any]:
    return {
        "id": "1",
        "username": "kampanj",
        "acct": "kampanj",
        "display_name": "Kampanj",
        "url": "https://mastodon.test/@kampanj",
        "locked": False,
        "bot": False,
        "created_at": "2026-01-01T00:00:00.000Z",
        "note": "",
        "avatar": "",
        "header": "",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "emojis": [],
        "fields": [],
    }
