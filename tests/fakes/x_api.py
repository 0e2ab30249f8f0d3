"""A fake X API v2: ``POST /2/tweets``, ``POST /2/media/upload``, ``POST /2/media/metadata``, ``GET /2/tweets/:id``,
``GET /2/users/me`` and the user timeline ``GET /2/users/:id/tweets``.

Faithful where the publisher depends on it: OAuth 1.0a signatures are checked
(HMAC-SHA1 over the request as the client signed it), answers have X's bodies
(``{"data": {"id", "text", "edit_history_tweet_ids"}}``; problem details for
errors), every answer carries ``x-rate-limit-limit/-remaining/-reset``, a 429
names the reset, and the same text twice from one user gets X's 403 duplicate
body (unless made with ``refuse_duplicates=False``: a crash trial must not
lean on it). The timeline is X's: newest first, ``max_results`` 5-100 (400
otherwise), ``start_time``/``since_id``, ``pagination_token``/``meta.next_token``,
``tweet.fields`` (``created_at``, ``referenced_tweets``, ``entities``), links
shown as t.co links with their ``entities.urls`` and ``&``, ``<``, ``>`` as
HTML entities, as X returns text. The user id is the access token's leading
digits (X's tokens start with it). Everything that arrived is in
``requests``; created tweets in ``tweets``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import html
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from oauthlib.oauth1.rfc5849 import signature
from twitter_text import extract_urls_with_indices, parse_tweet

from tests.fakes.base import FakeServer, Reply, Request

DUPLICATE_BODY = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
UNAUTHORIZED_BODY = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
TOO_MANY_BODY = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}


@dataclass
class Keys:
    api_key: str = "fake-consumer-key"
    api_secret: str = "fake-consumer-secret"
    access_token: str = "1234-fake-access-token"
    access_token_secret: str = "fake-access-token-secret"

    def env(self, prefix: str) -> dict[str, str]:
        return {f"{prefix}_{k.upper()}": v for k, v in self.__dict__.items()}


@dataclass
class Tweet:
    id: str
    text: str
    user: str
    reply_to: str | None
    media_ids: list[str] = field(default_factory=list)
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def server_error(status: int = 503) -> Reply:
    return Reply(
        status, {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": status}
    )


def rate_limited(reset: int, limit: int = 100) -> Reply:
    return Reply(
        429, TOO_MANY_BODY, {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    )


class FakeX(FakeServer):
    def __init__(self, keys: Keys | None = None, window_limit: int = 100, *, refuse_duplicates: bool = True) -> None:
        super().__init__()
        self.keys = keys or Keys()
        self.refuse_duplicates = refuse_duplicates
        self.window_limit = window_limit  # POST /2/tweets: 100 per 15 minutes per user
        self.tweets: list[Tweet] = []
        self.media: dict[str, dict[str, Any]] = {}
        self._next_id = 1880000000000000000
        self._window: tuple[int, int] = (0, 0)  # (window end, used)

    def _id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def route(self, request: Request) -> Reply:
        if not self._signed(request):
            return Reply(401, UNAUTHORIZED_BODY)
        with self.lock:
            if request.method == "POST" and request.path == "/2/tweets":
                return self._limited(request)
            if request.method == "POST" and request.path == "/2/media/upload":
                return self._upload(request)
            if request.method == "POST" and request.path == "/2/media/metadata":
                return self._metadata(request)
            if request.method == "GET" and request.path.startswith("/2/tweets/"):
                return self._get(request.path.rsplit("/", 1)[1])
            if request.method == "GET" and request.path == "/2/users/me":
                return Reply(200, {"data": {"id": self.user_id, "name": "Testkampanj", "username": "testkampanj"}})
            if request.method == "GET" and request.path.startswith("/2/users/") and request.path.endswith("/tweets"):
                return self._timeline(request.path.split("/")[3], request.query)
        return Reply(
            404,
            {
                "title": "Not Found Error",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
                "status": 404,
                "detail": f"no route {request.method} {request.path}",
            },
        )

    def _limited(self, request: Request) -> Reply:
        """POST /2/tweets within its window: 429 once the window's requests are used up."""
        now = int(time.time())
        end, used = self._window if self._window[0] > now else (now + 15 * 60, 0)
        if used >= self.window_limit:
            return rate_limited(end, limit=self.window_limit)
        self._window = (end, used + 1)
        reply = self._create(request)
        reply.headers.update(
            {
                "x-rate-limit-limit": str(self.window_limit),
                "x-rate-limit-remaining": str(self.window_limit - used - 1),
                "x-rate-limit-reset": str(end),
            }
        )
        return reply

    def _signed(self, request: Request) -> bool:
        """Check the OAuth 1.0a HMAC-SHA1 signature with the known keys."""
        auth = request.header("Authorization") or ""
        if not auth.startswith("OAuth "):
            return False
        params = dict(signature.collect_parameters(headers={"Authorization": auth}, exclude_oauth_signature=False))
        if params.get("oauth_consumer_key") != self.keys.api_key or params.get("oauth_token") != self.keys.access_token:
            return False
        query = "&".join(f"{k}={v}" for k, v in request.query.items())
        body = request.form if "x-www-form-urlencoded" in (request.header("Content-Type") or "") else None
        collected = signature.collect_parameters(uri_query=query, body=body, headers={"Authorization": auth})
        uri = f"http://{request.header('Host')}{request.path}"
        base = signature.signature_base_string(
            request.method, signature.base_string_uri(uri), signature.normalize_parameters(collected)
        )
        key = f"{quote(self.keys.api_secret, safe='')}&{quote(self.keys.access_token_secret, safe='')}"
        expected = base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()
        return hmac.compare_digest(unquote(params.get("oauth_signature", "")), expected)

    def _create(self, request: Request) -> Reply:
        body = request.json or {}
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if not text and not media_ids:
            return _invalid("One or more parameters to your request was invalid.", "text")
        if text and not parse_tweet(text).valid:  # weighted length over 280 (twitter-text v3), or a forbidden character
            return _invalid(
                "Your Tweet text is too long. For more information on how Twitter determines text length see "
                "https://github.com/twitter/twitter-text.",
                "text",
            )
        for media_id in media_ids:
            if media_id not in self.media:
                return _invalid(f"Your media IDs are invalid: {media_id}", "media.media_ids")
        if reply_to is not None and not any(t.id == reply_to for t in self.tweets):
            return _invalid("The Tweet you are replying to is not available.", "reply.in_reply_to_tweet_id")
        if self.refuse_duplicates and any(t.text == text and t.user == self.keys.access_token for t in self.tweets):
            return Reply(403, DUPLICATE_BODY)
        tweet = Tweet(self._id(), text, self.keys.access_token, reply_to, list(media_ids))
        self.tweets.append(tweet)
        return Reply(201, {"data": {"id": tweet.id, "text": tweet.text, "edit_history_tweet_ids": [tweet.id]}})

    def _upload(self, request: Request) -> Reply:
        if "media" not in request.files:
            return _invalid("media is required", "media")
        _filename, kind, data = request.files["media"]
        media_id = self._id()
        self.media[media_id] = {
            "bytes": len(data),
            "type": kind,
            "category": dict(request.form).get("media_category"),
            "alt": None,
        }
        return Reply(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(data),
                    "expires_after_secs": 86400,
                    "image": {"image_type": kind},
                }
            },
        )

    def _metadata(self, request: Request) -> Reply:
        body = request.json or {}
        media_id = body.get("id")
        if media_id not in self.media:
            return _invalid("media id not found", "id")
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if alt is not None and len(alt) > 1000:
            return _invalid("alt text is longer than 1000 characters", "metadata.alt_text.text")
        self.media[media_id]["alt"] = alt
        return Reply(200, {"data": {"id": media_id, "associated_metadata": body.get("metadata")}})

    def _get(self, tweet_id: str) -> Reply:
        tweet = next((t for t in self.tweets if t.id == tweet_id), None)
        if tweet is None:
            return Reply(
                200,
                {
                    "errors": [
                        {"value": tweet_id, "detail": f"Could not find tweet with id: [{tweet_id}].", "title": "Not Found Error"}
                    ]
                },
            )
        return Reply(200, {"data": {"id": tweet.id, "text": tweet.text}})

    @property
    def user_id(self) -> str:
        return self.keys.access_token.split("-", 1)[0]

    def _timeline(self, user: str, query: dict[str, str]) -> Reply:
        if not user.isdigit():
            return _invalid(f"The `id` query parameter value [{user}] is not valid", "id")
        try:
            size = int(query.get("max_results", "10"))
        except ValueError:
            size = 0
        if not 5 <= size <= 100:
            return _invalid(
                f"The `max_results` query parameter value [{query.get('max_results')}] is not between 5 and 100", "max_results"
            )
        mine = [t for t in reversed(self.tweets) if t.user.split("-", 1)[0] == user]  # newest first
        if "start_time" in query:
            start = dt.datetime.strptime(query["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            mine = [t for t in mine if t.created_at >= start]
        if "since_id" in query:
            mine = [t for t in mine if int(t.id) > int(query["since_id"])]
        offset = int(query.get("pagination_token") or 0)
        page = mine[offset : offset + size]
        if not page:
            return Reply(200, {"meta": {"result_count": 0}})
        fields = set((query.get("tweet.fields") or "").split(","))
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0].id, "oldest_id": page[-1].id}
        if offset + size < len(mine):
            meta["next_token"] = str(offset + size)
        return Reply(200, {"data": [self._shown(t, fields) for t in page], "meta": meta})

    def _shown(self, tweet: Tweet, fields: set[str]) -> dict[str, Any]:
        """A tweet as X returns it: links as t.co links (with ``entities.urls``), ``&<>`` as HTML entities."""
        text, urls, at = "", [], 0
        for found in extract_urls_with_indices(tweet.text):
            start, end = found["indices"]
            short = "https://t.co/" + hashlib.sha1(found["url"].encode()).hexdigest()[:10]
            text += html.escape(tweet.text[at:start], quote=False)
            expanded = found["url"] if "://" in found["url"] else "http://" + found["url"]
            urls.append(
                {
                    "start": len(text),
                    "end": len(text) + len(short),
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": found["url"],
                }
            )
            text += short
            at = end
        text += html.escape(tweet.text[at:], quote=False)
        out: dict[str, Any] = {"id": tweet.id, "text": text, "edit_history_tweet_ids": [tweet.id]}
        if "created_at" in fields:
            out["created_at"] = tweet.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "referenced_tweets" in fields and tweet.reply_to:
            out["referenced_tweets"] = [{"type": "replied_to", "id": tweet.reply_to}]
        if "entities" in fields and urls:
            out["entities"] = {"urls": urls}
        return out

    def arrivals(self) -> list[str]:
        """The text of every POST /2/tweets that arrived (accepted or not), in order."""
        return [(r.json or {}).get("text", "") for r in self.hits("POST", "/2/tweets")]


def _invalid(message: str, parameter: str) -> Reply:
    return Reply(
        400,
        {
            "errors": [{"parameters": {parameter: []}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )
