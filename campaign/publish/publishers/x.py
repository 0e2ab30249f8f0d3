"""X through tweepy: ``Client.create_tweet``; images through X's v2 media upload.

tweepy's ``Client`` hard-codes ``https://api.twitter.com``; an account with
another endpoint (a staging or test server) gets a session that sends the same
requests there. tweepy has no v2 media upload, so images go through
``POST /2/media/upload`` and their alt text through ``POST /2/media/metadata``,
signed with tweepy's OAuth 1.0a handler. tweepy's own rate-limit waiting is
off: the worker decides how long to wait.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
import tweepy

from campaign.publish.errors import AuthFailed, Duplicate, PublishError, RateLimited, Rejected, Transient
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher, read_image

TWEEPY_HOST = "https://api.twitter.com"
TIMEOUT = 30  # seconds per request; tweepy sets none
DUPLICATE = "duplicate content"


class RebasedSession(requests.Session):
    """A requests session that sends requests for tweepy's host to ``endpoint`` instead."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint.rstrip("/")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.endpoint + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method, url, *args, **kwargs)


class XPublisher(Publisher):
    platform = "x"

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
            raise Transient(f"X could not be reached: {type(exc).__name__}") from None
        tweet_id = str(response.data["id"])
        return RemotePost(tweet_id, f"https://x.com/i/web/status/{tweet_id}")

    def _call(self, method: str, route: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.session.request(method, TWEEPY_HOST + route, auth=self._auth(), **kwargs)
        except requests.RequestException as exc:
            raise Transient(f"X could not be reached: {type(exc).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise self._translate(response.status_code, _messages(response), response.headers)
        return response.json()

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
            return AuthFailed(f"X refused the credentials of account {self.account.id!r} (401 {said}): check {names}")
        if status == 403:
            if any(DUPLICATE in m.lower() for m in messages):
                return Duplicate(f"X refused the text as a duplicate of an earlier post ({said})")
            return AuthFailed(
                f"X refused the post for account {self.account.id!r} (403 {said}): the app needs 'Read and write' permission; "
                "regenerate the access token and secret after changing it"
            )
        return Rejected(f"X rejected the post ({status} {said})")


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
