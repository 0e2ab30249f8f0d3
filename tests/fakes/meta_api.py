"""Fake Meta Graph APIs on 127.0.0.1: Facebook Pages, Instagram (with Facebook Login) and Threads.

Faithful where the publishers depend on it, after Meta's own references:

- paths are versioned (``/v21.0/…`` on graph.facebook.com, ``/v1.0/…`` on
  graph.threads.net); the token comes as ``Authorization: Bearer`` or
  ``access_token``; a wrong or revoked one gets HTTP 400 with
  ``{"error": {"message", "type": "OAuthException", "code": 190,
  "error_subcode": 463, "fbtrace_id"}}``;
- Pages: ``POST /{page-id}/feed`` (``message``) answers ``{"id":
  "<page>_<post>"}``; ``POST /{page-id}/photos`` (multipart ``source``,
  ``message``, ``alt_text_custom``) answers ``{"id", "post_id"}``; ``GET
  /{page-id}/feed`` lists posts newest first;
- Instagram: ``POST /{ig-user-id}/media`` fetches ``image_url`` itself (as
  Instagram cURLs it) and refuses what it cannot fetch or what is not JPEG
  (code 9004, subcode 2207052) or an aspect ratio outside 4:5-1.91:1 (code
  36003, subcode 2207009); ``GET /{container}?fields=status_code``;
  ``POST /{ig-user-id}/media_publish`` publishes a container once; ``GET
  /{ig-user-id}/media`` lists media newest first;
- Threads: ``POST /{user|me}/threads`` (``media_type`` TEXT/IMAGE, ``text`` of
  at most 500 characters, ``image_url`` fetched, ``alt_text``,
  ``reply_to_id``), ``GET /{container}?fields=status``, ``POST
  /{user}/threads_publish``, ``GET /{user}/threads``, ``GET /{id}/replies``;
- every answer carries the usage header of its kind (``X-Business-Use-Case-Usage``
  for Page and Instagram tokens, ``X-App-Usage`` for Threads); a throttled
  answer is HTTP 400 with the throttling code and, for BUC limits,
  ``estimated_time_to_regain_access`` in minutes.

Publishing a container twice answers with an error of our own wording (Meta's
reference does not give that body). Everything that arrived is in ``requests``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import math
import re
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from tests.fakes.base import FakeServer, Reply, Request

PAGE_ID = "104000000000001"
PAGE_TOKEN = "fake-page-access-token"
IG_USER = "17841400000000001"
IG_TOKEN = "fake-instagram-user-token"
THREADS_USER = "26000000000000001"
THREADS_TOKEN = "fake-threads-user-token"
VERSION = re.compile(r"v\d+\.\d+")


def graph_error(message: str, code: int, subcode: int | None = None, status: int = 400, **extra: Any) -> Reply:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return Reply(status, {"error": error})


def expired_token() -> Reply:
    return graph_error(
        "Error validating access token: Session has expired on Tuesday, 03-Feb-26 10:00:00 PST.", 190, 463, status=400
    )


def server_error(status: int = 500) -> Reply:
    return graph_error("An unknown error occurred", 1, status=status, is_transient=True)


def buc_rate_limited(owner: str, kind: str, reset: dt.datetime, code: int) -> Reply:
    """A Business Use Case throttle (Pages: 80001, Instagram: 80002) naming when access comes back."""
    minutes = max(1, math.ceil((reset - dt.datetime.now(dt.UTC)).total_seconds() / 60))
    usage = {
        owner: [
            {"type": kind, "call_count": 100, "total_cputime": 25, "total_time": 25, "estimated_time_to_regain_access": minutes}
        ]
    }
    reply = graph_error(
        f"There have been too many calls to this {'Page' if kind == 'pages' else 'Instagram'} account. Wait a bit and try again.",
        code,
        is_transient=True,
    )
    reply.headers["X-Business-Use-Case-Usage"] = json.dumps(usage)
    return reply


def app_rate_limited() -> Reply:
    """A Platform Rate Limit (code 4): X-App-Usage says how much is used, not when it frees."""
    reply = graph_error("(#4) Application request limit reached", 4, is_transient=True)
    reply.headers["X-App-Usage"] = json.dumps({"call_count": 100, "total_cputime": 40, "total_time": 60})
    return reply


@dataclass
class Item:
    """A post, photo, container or media object as the fake keeps it."""

    id: str
    kind: str  # post, container, media
    text: str = ""
    alt: str | None = None
    image: bytes | None = None
    parent: str | None = None
    status: str = "FINISHED"
    published_as: str | None = None
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    permalink: str = ""


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeGraph(FakeServer):
    """What the three share: versioned paths, tokens, objects by id, usage headers."""

    owner: str
    token: str

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Item] = {}
        self._ids = itertools.count(1)
        self.fetched: list[str] = []  # image URLs the fake fetched, as the platform would

    def next_id(self, prefix: str = "1790") -> str:
        return f"{prefix}{next(self._ids):011d}"

    def route(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        if not parts or not VERSION.fullmatch(parts[0]):
            return graph_error("Unknown path components: " + request.path, 2500)
        given = (request.header("Authorization") or "").removeprefix("Bearer ").strip() or request.query.get("access_token")
        if not given:
            return graph_error("An active access token must be used to query information about the current user.", 2500)
        if given != self.token:
            return expired_token()
        with self.lock:
            reply = self.serve(request, parts[1:])
        reply.headers.update(self.usage())
        return reply

    def usage(self) -> dict[str, str]:
        return {}

    def serve(self, request: Request, path: list[str]) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError

    def fields(self, request: Request) -> dict[str, str]:
        return dict(request.form) if request.form else dict(request.query)

    def fetch(self, url: str) -> bytes | None:
        """The image at ``url``, fetched as the platform does (None when it cannot be had)."""
        self.fetched.append(url)
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read()
        except (OSError, ValueError):
            return None

    def not_found(self, ident: str) -> Reply:
        return graph_error(
            f"Unsupported get request. Object with ID '{ident}' does not exist, cannot be loaded due to missing permissions, "
            "or does not support this operation.",
            100,
            33,
        )

    def listing(self, items: list[Item], fields: str, text_field: str) -> Reply:
        wanted = fields.split(",") if fields else ["id"]
        data = []
        for item in sorted(items, key=lambda i: (i.created, i.id), reverse=True):
            row = {"id": item.id, text_field: item.text, "timestamp": _stamp(item.created), "created_time": _stamp(item.created)}
            row["permalink"] = row["permalink_url"] = item.permalink
            data.append({k: v for k, v in row.items() if k in wanted or k == "id"})
        return Reply(200, {"data": data, "paging": {"cursors": {"before": "QVFIUj", "after": "QVFIUk"}}})

    def arrivals(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError


class FakeFacebook(FakeGraph):
    owner, token = PAGE_ID, PAGE_TOKEN

    def usage(self) -> dict[str, str]:
        return {
            "X-Business-Use-Case-Usage": json.dumps(
                {
                    PAGE_ID: [
                        {
                            "type": "pages",
                            "call_count": 1,
                            "total_cputime": 1,
                            "total_time": 1,
                            "estimated_time_to_regain_access": 0,
                        }
                    ]
                }
            )
        }

    def serve(self, request: Request, path: list[str]) -> Reply:
        if len(path) == 2 and path[0] == PAGE_ID and request.method == "POST" and path[1] in ("feed", "photos"):
            return self._post(request, photo=path[1] == "photos")
        if len(path) == 2 and path[0] == PAGE_ID and request.method == "GET" and path[1] == "feed":
            posts = [i for i in self.items.values() if i.kind == "post"]
            return self.listing(posts, request.query.get("fields", ""), "message")
        if len(path) == 1 and request.method == "GET":
            if path[0] == PAGE_ID:
                return Reply(200, {"id": PAGE_ID, "name": "Socialtjänstfacket"})
            item = self.items.get(path[0])
            if item is None:
                return self.not_found(path[0])
            return Reply(
                200, {"id": item.id, "message": item.text, "created_time": _stamp(item.created), "permalink_url": item.permalink}
            )
        return graph_error(f"Unsupported {request.method.lower()} request.", 100)

    def _post(self, request: Request, *, photo: bool) -> Reply:
        fields = self.fields(request)
        message = fields.get("message", "")
        image = request.files.get("source")
        if photo and image is None and not fields.get("url"):
            return graph_error("(#324) Requires upload file", 324)
        if not photo and not message and not fields.get("link"):
            return graph_error("(#100) Missing message or attachment", 100)
        number = next(self._ids)
        post_id = f"{PAGE_ID}_{number:015d}"
        item = Item(post_id, "post", message, fields.get("alt_text_custom"), image[2] if image else None)
        item.permalink = f"https://www.facebook.com/{PAGE_ID}/posts/{number:015d}"
        self.items[post_id] = item
        if photo:
            return Reply(200, {"id": f"{number:015d}", "post_id": post_id})
        return Reply(200, {"id": post_id})

    def posts(self) -> list[Item]:
        return [i for i in self.items.values() if i.kind == "post"]

    def arrivals(self) -> list[str]:
        return [
            self.fields(r).get("message", "")
            for r in self.requests
            if r.method == "POST" and r.path.endswith(("/feed", "/photos"))
        ]


class _Containers(FakeGraph):
    """Instagram and Threads: containers made from fetched images, published once."""

    user: str
    media_edge: str
    publish_edge: str
    status_field: str
    text_field: str
    limit = 500
    daily_posts = 100

    def serve(self, request: Request, path: list[str]) -> Reply:
        who = path[0] if path else ""
        if who == "me":
            who = self.user
        if len(path) == 2 and who == self.user and request.method == "POST" and path[1] == self.media_edge:
            return self._container(request)
        if len(path) == 2 and who == self.user and request.method == "POST" and path[1] == self.publish_edge:
            return self._publish(request)
        if len(path) == 2 and who == self.user and request.method == "GET" and path[1] == self.media_edge:
            top = [i for i in self.items.values() if i.kind == "media" and i.parent is None]
            return self.listing(top, request.query.get("fields", ""), self.text_field)
        if len(path) == 2 and request.method == "GET" and path[1] == "replies":
            replies = [i for i in self.items.values() if i.kind == "media" and i.parent == path[0]]
            return self.listing(replies, request.query.get("fields", ""), self.text_field)
        if len(path) == 1 and request.method == "GET":
            item = self.items.get(path[0])
            if item is None:
                return self.not_found(path[0])
            if item.kind == "container":
                return Reply(200, {self.status_field: item.status, "id": item.id})
            return Reply(
                200, {"id": item.id, self.text_field: item.text, "permalink": item.permalink, "timestamp": _stamp(item.created)}
            )
        return graph_error(f"Unsupported {request.method.lower()} request.", 100)

    def check_image(self, data: bytes) -> Reply | None:
        return None

    def _container(self, request: Request) -> Reply:
        fields = self.fields(request)
        text = fields.get(self.text_field, "")
        if len(text) > self.limit:
            return graph_error(f"(#100) The {self.text_field} is too long: at most {self.limit} characters", 100)
        image = None
        if fields.get("media_type", "IMAGE") == "IMAGE" or fields.get("image_url"):
            if not fields.get("image_url"):
                return graph_error("(#100) The parameter image_url is required", 100)
            image = self.fetch(fields["image_url"])
            if image is None:
                return graph_error(
                    "Only photo or video can be accepted as media type.",
                    9004,
                    2207052,
                    error_user_title="Media download has failed.",
                )
            refused = self.check_image(image)
            if refused is not None:
                return refused
        parent = fields.get("reply_to_id")
        if parent is not None and parent not in self.items:
            return self.not_found(parent)
        item = Item(self.next_id("1801"), "container", text, fields.get("alt_text"), image, parent)
        self.items[item.id] = item
        return Reply(200, {"id": item.id})

    def _publish(self, request: Request) -> Reply:
        ident = self.fields(request).get("creation_id", "")
        container = self.items.get(ident)
        if container is None or container.kind != "container":
            return self.not_found(ident)
        if container.status == "PUBLISHED":
            return graph_error(f"(#100) The container {ident} has already been published as {container.published_as}", 100)
        if sum(1 for i in self.items.values() if i.kind == "media") >= self.daily_posts:
            return graph_error("Application request limit reached", 9, 2207042)
        media = Item(self.next_id("1790"), "media", container.text, container.alt, container.image, container.parent)
        media.permalink = self.permalink(media)
        self.items[media.id] = media
        container.status, container.published_as = "PUBLISHED", media.id
        return Reply(200, {"id": media.id})

    def permalink(self, media: Item) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def media(self) -> list[Item]:
        return [i for i in self.items.values() if i.kind == "media"]

    def arrivals(self) -> list[str]:
        """The text of the container behind every publish request that arrived."""
        out = []
        for r in self.requests:
            if r.method == "POST" and r.path.endswith("/" + self.publish_edge):
                item = self.items.get(self.fields(r).get("creation_id", ""))
                out.append(item.text if item else "")
        return out


class FakeInstagram(_Containers):
    owner, token, user = IG_USER, IG_TOKEN, IG_USER
    media_edge, publish_edge, status_field, text_field = "media", "media_publish", "status_code", "caption"
    limit = 2200

    def usage(self) -> dict[str, str]:
        return {
            "X-Business-Use-Case-Usage": json.dumps(
                {
                    IG_USER: [
                        {
                            "type": "instagram",
                            "call_count": 1,
                            "total_cputime": 1,
                            "total_time": 1,
                            "estimated_time_to_regain_access": 0,
                        }
                    ]
                }
            )
        }

    def check_image(self, data: bytes) -> Reply | None:
        if not data.startswith(b"\xff\xd8\xff"):  # "JPEG is the only image format supported"
            return graph_error(
                "Only photo or video can be accepted as media type.", 9004, 2207052, error_user_title="Media download has failed."
            )
        with Image.open(io.BytesIO(data)) as img:
            ratio = img.width / img.height
        if not 0.8 <= ratio <= 1.91:
            return graph_error(
                f"The submitted image with aspect ratio ('{ratio:.2f}:1') cannot be published. Please submit an image with a "
                "valid aspect ratio.",
                36003,
                2207009,
            )
        return None

    def permalink(self, media: Item) -> str:
        return f"https://www.instagram.com/p/C{media.id[-9:]}/"


class FakeThreads(_Containers):
    owner, token, user = THREADS_USER, THREADS_TOKEN, THREADS_USER
    media_edge, publish_edge, status_field, text_field = "threads", "threads_publish", "status", "text"
    limit = 500
    daily_posts = 250

    def usage(self) -> dict[str, str]:
        return {"X-App-Usage": json.dumps({"call_count": 1, "total_cputime": 1, "total_time": 1})}

    def permalink(self, media: Item) -> str:
        return f"https://www.threads.net/@kampanj/post/D{media.id[-9:]}"
