"""A fake LinkedIn versioned REST API on 127.0.0.1: Posts and Images, after LinkedIn's references.

- every ``/rest`` request needs ``Authorization: Bearer``, ``Linkedin-Version``
  (YYYYMM) and ``X-Restli-Protocol-Version: 2.0.0``; a wrong token gets 401
  ``{"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
  "message": "Invalid access token"}``, a missing version header 400
  ``VERSION_MISSING``;
- ``POST /rest/images?action=initializeUpload`` answers ``{"value":
  {"uploadUrlExpiresAt", "uploadUrl", "image"}}``; ``PUT`` to the upload URL
  takes the bytes (201);
- ``POST /rest/posts`` checks the required fields (422 "field is required but
  not found" like LinkedIn), answers 201 with the URN in ``x-restli-id``, and
  refuses the same commentary from the same author with 422 ``DUPLICATE_POST``
  naming the earlier URN; the commentary is read as little text: an
  unescaped reserved character cuts the text there, as LinkedIn silently does;
- ``GET /rest/posts?q=author&author=…`` lists the author's posts, newest first;
- 429 after ``day_limit`` posts with LinkedIn's daily-throttle message.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass

from tests.fakes.base import FakeServer, Reply, Request

TOKEN = "fake-linkedin-access-token"
ORG = "urn:li:organization:2414183"
UNAUTHORIZED = {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"}
DAY_THROTTLE = {"status": 429, "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."}
REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")
URL = re.compile(r"https?://\S+")
RESERVED = set("\\|{}@[]()<>#*_~")


def server_error(status: int = 500) -> Reply:
    return Reply(status, {"status": status, "message": "Internal Server Error"})


def rate_limited() -> Reply:
    return Reply(429, DAY_THROTTLE)


def render(commentary: str) -> str:
    """What a reader sees: escapes undone, links and hashtags kept, the text cut at an unescaped reserved character."""
    out, i = [], 0
    while i < len(commentary):
        link = URL.match(commentary, i)
        if link:
            out.append(link.group())
            i = link.end()
            continue
        ch = commentary[i]
        if ch == "\\" and i + 1 < len(commentary):
            out.append(commentary[i + 1])
            i += 2
            continue
        if ch == "#" and i + 1 < len(commentary) and commentary[i + 1].isalnum():
            out.append(ch)  # a hashtag
            i += 1
            continue
        if ch in RESERVED:
            break  # LinkedIn drops the rest without an error
        out.append(ch)
        i += 1
    return "".join(out)


@dataclass
class Post:
    id: str
    author: str
    commentary: str
    text: str
    image: str | None
    alt: str | None
    created_ms: int


class FakeLinkedIn(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[Post] = []
        self.images: dict[str, bytes | None] = {}
        self.day_limit = 150
        self._ids = itertools.count(7300000000000000001)

    def route(self, request: Request) -> Reply:
        if request.method == "PUT" and request.path.startswith("/dms-uploads/"):
            return self._upload(request)
        if (request.header("Authorization") or "") != f"Bearer {TOKEN}":
            return Reply(401, UNAUTHORIZED)
        if not re.fullmatch(r"\d{6}", request.header("Linkedin-Version") or ""):
            return Reply(
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                },
            )
        if request.header("X-Restli-Protocol-Version") != "2.0.0":
            return Reply(400, {"status": 400, "message": "Restli protocol version 2.0.0 is required"})
        with self.lock:
            if request.path == "/rest/images" and request.method == "POST" and request.query.get("action") == "initializeUpload":
                return self._initialize(request)
            if request.path == "/rest/posts" and request.method == "POST":
                return self._create(request)
            if request.path == "/rest/posts" and request.method == "GET" and request.query.get("q") == "author":
                return self._list(request)
        return Reply(404, {"status": 404, "message": f"No virtual resource found for {request.method} {request.path}"})

    def _initialize(self, request: Request) -> Reply:
        owner = ((request.json or {}).get("initializeUploadRequest") or {}).get("owner")
        if owner != ORG:
            return Reply(403, {"status": 403, "message": f"Not enough permissions to access: owner {owner}"})
        urn = f"urn:li:image:C4E10AQ{next(self._ids)}"
        self.images[urn] = None
        return Reply(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": int(time.time() * 1000) + 3_600_000,
                    "uploadUrl": f"{self.url}/dms-uploads/{urn}",
                    "image": urn,
                }
            },
        )

    def _upload(self, request: Request) -> Reply:
        urn = request.path.removeprefix("/dms-uploads/")
        if urn not in self.images:
            return Reply(404, {"status": 404, "message": "upload not found"})
        self.images[urn] = request.body
        return Reply(201, b"")

    def _create(self, request: Request) -> Reply:
        body = request.json or {}
        missing = [f for f in REQUIRED if f not in body]
        if missing:
            return Reply(
                422,
                {
                    "status": 422,
                    "message": "".join(
                        f"ERROR :: /{f} :: field is required but not found and has no default value\n" for f in missing
                    ),
                },
            )
        if body["author"] != ORG:
            return Reply(403, {"status": 403, "message": f"Not enough permissions to post as {body['author']}"})
        media = (body.get("content") or {}).get("media") or {}
        if media and self.images.get(media.get("id")) is None:
            return Reply(422, {"status": 422, "message": f"Image {media.get('id')} is not uploaded"})
        earlier = next((p for p in self.posts if p.author == body["author"] and p.commentary == body["commentary"]), None)
        if earlier is not None:
            return Reply(
                422,
                {
                    "errorDetailType": "com.linkedin.common.error.BadRequest",
                    "message": f"com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of {earlier.id}",
                    "errorDetails": {
                        "inputErrors": [{"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}]
                    },
                    "status": 422,
                },
            )
        if len(self.posts) >= self.day_limit:
            return rate_limited()
        urn = f"urn:li:share:{next(self._ids)}"
        text = render(body["commentary"])
        self.posts.append(
            Post(urn, body["author"], body["commentary"], text, media.get("id"), media.get("altText"), int(time.time() * 1000))
        )
        return Reply(201, b"", {"x-restli-id": urn, "Content-Type": "application/json"})

    def _list(self, request: Request) -> Reply:
        author = request.query.get("author")
        mine = sorted((p for p in self.posts if p.author == author), key=lambda p: p.created_ms, reverse=True)
        count = int(request.query.get("count") or 10)
        elements = [
            {
                "id": p.id,
                "author": p.author,
                "commentary": p.commentary,
                "createdAt": p.created_ms,
                "lifecycleState": "PUBLISHED",
                "visibility": "PUBLIC",
            }
            for p in mine[:count]
        ]
        return Reply(200, {"paging": {"start": 0, "count": count, "links": []}, "elements": elements})

    def arrivals(self) -> list[str]:
        return [
            render((r.json or {}).get("commentary", "")) for r in self.requests if r.method == "POST" and r.path == "/rest/posts"
        ]
