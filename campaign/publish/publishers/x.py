"""X through tweepy: ``Client.create_tweet``; images through X's v2 media upload.

tweepy's ``Client`` hard-codes ``https://api.twitter.com``; an account with
another endpoint (a staging or test server) gets a session that sends the same
requests there. tweepy has no v2 media upload, so images go through
``POST /2/media/upload`` and their alt text through ``POST /2/media/metadata``,
signed with tweepy's OAuth 1.0a handler. tweepy's own rate-limit waiting is
off: the worker decides how long to wait.

X takes no idempotency key, so a post whose answer was lost is settled by
looking: ``look`` reads the account's own recent posts (``GET /2/users/me``
once for the user id, then ``GET /2/users/:id/tweets`` from a little before
the row's first try) and matches the parts by text (links compared by their
expanded URL, as X shows them as t.co links; HTML entities undone) and, for a
reply, by the post it replies to.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

import requests
import tweepy

from campaign.publish.errors import AuthFailed, Duplicate, PublishError, RateLimited, Rejected, Transient, Unreachable
from campaign.publish.model import Account, Image, Outgoing, Part, RemotePost
from campaign.publish.publishers.base import Publisher, never_connected, read_image

TWEEPY_HOST = "https://api.twitter.com"
TIMEOUT = 30  # seconds per request; tweepy sets none
DUPLICATE = "duplicate content"
LOOK_PAGES = 5  # at most 500 of the account's posts since the row's first try
SKEW = dt.timedelta(minutes=10)  # X's clock and ours may differ: look from a little earlier


class RebasedSession(requests.Session):
    """A requests session that sends requests for tweepy's host to ``endpoint`` instead."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint.rstrip("/")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        url = url.decode() if isinstance(url, bytes) else url
        if url.startswith(TWEEPY_HOST):
            url = self.endpoint + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method.decode() if isinstance(method, bytes) else method, url, *args, **kwargs)


class XPublisher(Publisher):
    platform = "x"
    can_look = True

    def __init__(self, account: Account, secrets: dict[str, str]) -> None:
        super().__init__(account)
        self._keys = (secrets["api_key"], secrets["api_secret"], secrets["access_token"], secrets["access_token_secret"])
        self.client = tweepy.Client(
            consumer_key=self._keys[0],
            consumer_secret=self._keys[1],
            access_token=self._keys[2],
            access_token_secret=self._keys[3],
            wait_on_rate_limit=False,
        )
        self.client.session = RebasedSession(account.endpoint)
        self.session = self.client.session
        self._user_id: str | None = None

    def _auth(self) -> Any:
        return tweepy.OAuth1UserHandler(*self._keys).apply_auth()

    def upload(self, images: tuple[Image, ...]) -> list[str]:
        ids = []
        for image in images:
            data = read_image(image)
            answer = self._call(
                "POST",
                "/2/media/upload",
                files={"media": ("image" + _suffix(image.mime), data, image.mime)},
                data={"media_category": "tweet_image", "media_type": image.mime},
            )
            media_id = str(answer["data"]["id"])
            if image.alt:
                self._call("POST", "/2/media/metadata", json={"id": media_id, "metadata": {"alt_text": {"text": image.alt}}})
            ids.append(media_id)
        return ids

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        try:
            response = self.client.create_tweet(
                text=part.text, media_ids=media or None, in_reply_to_tweet_id=parent.id if parent else None, user_auth=True
            )
        except tweepy.HTTPException as exc:
            raise self._translate(exc.response.status_code, _messages(exc.response), exc.response.headers) from None
        except requests.RequestException as exc:
            raise self._network(exc) from None
        tweet_id = str(response.data["id"])
        return RemotePost(tweet_id, f"https://x.com/i/web/status/{tweet_id}")

    def look(self, post: Outgoing, since: dt.datetime) -> list[RemotePost]:
        posted = self._timeline(since - SKEW)
        found: list[RemotePost] = []
        parent = post.sent[-1].id if post.sent else None
        for part in post.parts[len(post.sent) :]:
            wanted = _comparable(part.text)
            match = next((t for t in posted if _comparable_tweet(t) == wanted and _replied_to(t) == parent), None)
            if match is None:
                break
            found.append(RemotePost(str(match["id"]), f"https://x.com/i/web/status/{match['id']}"))
            parent = str(match["id"])
        return found

    def _timeline(self, since: dt.datetime) -> list[dict[str, Any]]:
        """The account's posts since ``since``, oldest first (the first of two equal texts is the one that counts)."""
        if self._user_id is None:
            self._user_id = str(self._call("GET", "/2/users/me")["data"]["id"])
        out: list[dict[str, Any]] = []
        params = {
            "max_results": "100",
            "start_time": since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tweet.fields": "created_at,referenced_tweets,entities",
        }
        for _ in range(LOOK_PAGES):
            page = self._call("GET", f"/2/users/{self._user_id}/tweets", params=params)
            out += page.get("data") or []
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                break
            params["pagination_token"] = token
        return list(reversed(out))

    def _call(self, method: str, route: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.session.request(method, TWEEPY_HOST + route, auth=self._auth(), **kwargs)
        except requests.RequestException as exc:
            raise self._network(exc) from None
        if not 200 <= response.status_code < 300:
            raise self._translate(response.status_code, _messages(response), response.headers)
        return response.json()

    def _network(self, exc: requests.RequestException) -> Transient:
        if never_connected(exc):
            return Unreachable(f"{self.account.endpoint} could not be reached ({type(exc).__name__})", self.account.endpoint)
        return Transient(f"X could not be reached: {type(exc).__name__} (the post may have arrived)")

    def _translate(self, status: int, messages: list[str], headers: Any) -> PublishError:
        said = "; ".join(messages) or f"HTTP {status}"
        if status == 429:
            reset = headers.get("x-rate-limit-reset")
            when = dt.datetime.fromtimestamp(int(reset), dt.UTC) if reset and reset.isdigit() else None
            return RateLimited(f"X rate limit reached ({said})", when)
        if status >= 500:
            return Transient(f"X server error {status}: {said}")
        if status == 401:
            names = ", ".join(self.account.env_names().values())
            return AuthFailed(
                f"X ({self.account.endpoint}) refused the credentials of account {self.account.id!r} (401 {said}): check {names}"
            )
        if status == 403:
            if any(DUPLICATE in m.lower() for m in messages):
                return Duplicate(f"X refused the text as a duplicate of an earlier post ({said})")
            return AuthFailed(
                f"X ({self.account.endpoint}) refused the post for account {self.account.id!r} (403 {said}): the app needs 'Read and write' permission; "
                "regenerate the access token and secret after changing it"
            )
        return Rejected(f"X rejected the post ({status} {said})")


_SCHEME = re.compile(r"^https?://")


def _comparable(text: str) -> tuple[str, tuple[str, ...]]:
    """Our text as X will show it: links set apart (X rewrites them as t.co links), Unicode composed."""
    from twitter_text.extract_urls import (
        extract_urls_with_indices,
    )  # deferred: over a second to import, needed only to settle a post

    text = unicodedata.normalize("NFC", text)
    urls = extract_urls_with_indices(text)
    return _cut(text, [(u["indices"][0], u["indices"][1], u["url"]) for u in urls])


def _comparable_tweet(tweet: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """A tweet of the timeline, comparable with ``_comparable``: t.co links back to what was posted, entities undone."""
    text = str(tweet.get("text") or "")
    spans = [
        (int(u["start"]), int(u["end"]), str(u.get("expanded_url") or u.get("url")))
        for u in (tweet.get("entities") or {}).get("urls") or []
    ]
    cut, urls = _cut(text, spans)
    return unicodedata.normalize("NFC", html.unescape(cut)), urls


def _cut(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, tuple[str, ...]]:
    pieces, urls, at = [], [], 0
    for start, end, url in sorted(spans):
        pieces += [text[at:start], "\x00"]
        urls.append(_SCHEME.sub("", url).rstrip("/"))
        at = end
    pieces.append(text[at:])
    return "".join(pieces).strip(), tuple(urls)


def _replied_to(tweet: dict[str, Any]) -> str | None:
    return next((str(r["id"]) for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"), None)


def _messages(response: requests.Response) -> list[str]:
    """The human-readable messages of an X error body (v2 problem details or v1.1 errors)."""
    try:
        body = response.json()
    except ValueError:
        return [response.reason or ""] if response.reason else []
    out = [e.get("message", "") if isinstance(e, dict) else str(e) for e in body.get("errors", [])]
    out += [str(body[k]) for k in ("detail",) if body.get(k)]
    return [m for m in out if m] or [str(body.get("title", ""))]


def _suffix(mime: str) -> str:
    return ".png" if mime == "image/png" else ".jpg"
