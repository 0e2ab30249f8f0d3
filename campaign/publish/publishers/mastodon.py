"""Mastodon through Mastodon.py: an idempotency key per post, the instance's own limits.

The idempotency key is the queue row's key, so a post retried after a lost
answer comes back as the same status instead of a second one. The instance's
character and attachment limits are read once from ``/api/v2/instance``. A 429's
reset is read from its own ``X-RateLimit-Reset`` header (ISO 8601; epoch seconds on
GoToSocial), set on this machine's clock by the answer's ``Date``, and handed to
the worker as it is: Mastodon.py's own copy drops a reset that is not ahead of
this machine's clock, which a worker on another clock (``--now``, a test's) misreads.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import time
from collections.abc import Mapping
from typing import Any

import requests
from mastodon import Mastodon, errors

from campaign.compose import count
from campaign.publish.errors import AuthFailed, PublishError, RateLimited, Rejected, Transient, Unreachable
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher, never_connected, read_image

MASTODON_VERSION = "4.3.0"  # the API level we use; the instance's own version is not probed
# Mastodon keeps an idempotency key for an hour (PostStatusService: redis setex 3600 s); a resend
# within 55 minutes of the first try comes back as the same status, never a second one.
IDEMPOTENCY_WINDOW = dt.timedelta(minutes=55)
DEFAULT_LIMITS = {"max_characters": 500, "max_media_attachments": 4, "description_limit": 1500}


class MastodonPublisher(Publisher):
    platform = "mastodon"
    resend_safe_for = IDEMPOTENCY_WINDOW

    def __init__(self, account: Account, secrets: dict[str, str], language: str = "sv") -> None:
        super().__init__(account)
        self.language = language
        self._headers: Mapping[str, str] = {}  # of the last answer: a 429's reset is read from them
        session = requests.Session()
        session.hooks["response"].append(self._answered)
        self.api = Mastodon(
            session=session,
            access_token=secrets["access_token"],
            api_base_url=account.endpoint,
            ratelimit_method="throw",
            mastodon_version=MASTODON_VERSION,
            version_check_mode="created",
            request_timeout=30,
        )
        self._limits: dict[str, int] | None = None

    def _answered(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._headers = response.headers

    def limits(self) -> dict[str, int]:
        """The instance's limits (characters, attachments, alt text), defaults where it says nothing."""
        if self._limits is None:
            info = self._guard(self.api.instance_v2)
            config = info.get("configuration") or {}
            self._limits = {
                "max_characters": (config.get("statuses") or {}).get("max_characters") or DEFAULT_LIMITS["max_characters"],
                "max_media_attachments": (config.get("statuses") or {}).get("max_media_attachments")
                or DEFAULT_LIMITS["max_media_attachments"],
                "description_limit": (config.get("media_attachments") or {}).get("description_limit")
                or DEFAULT_LIMITS["description_limit"],
            }
        return self._limits

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        limits = self.limits()
        if len(images) > limits["max_media_attachments"]:
            raise Rejected(f"{len(images)} images; the instance allows {limits['max_media_attachments']} a post")
        for image in images:
            if len(image.alt) > limits["description_limit"]:
                raise Rejected(
                    f"alt text of {image.path} is {len(image.alt)} characters; the instance takes {limits['description_limit']}"
                )
        return [
            self._guard(self.api.media_post, io.BytesIO(read_image(i)), mime_type=i.mime, description=i.alt or None)["id"]
            for i in images
        ]

    def prepare(self) -> None:
        self.limits()

    def check(self, part: Part) -> None:
        limit = self.limits()["max_characters"]
        length = count("mastodon", part.text, instance_limit=limit).length
        if length > limit:
            raise Rejected(f"the post is {length} characters; {self.account.endpoint} allows {limit}")

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        status = self._guard(
            self.api.status_post,
            part.text,
            in_reply_to_id=parent.id if parent else None,
            media_ids=media or None,
            idempotency_key=key,
            language=self.language,
        )
        return RemotePost(str(status["id"]), str(status.get("url") or status.get("uri")))

    def _guard(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except errors.MastodonRatelimitError as exc:
            raise RateLimited(f"Mastodon rate limit reached ({exc})", self._reset()) from None
        except errors.MastodonUnauthorizedError as exc:
            names = ", ".join(self.account.env_names().values())
            raise AuthFailed(
                f"{self.account.endpoint} refused the access token of account {self.account.id!r} ({_said(exc)}): check {names}; "
                "the token needs the write:statuses and write:media scopes"
            ) from None
        except errors.MastodonServerError as exc:
            raise Transient(f"Mastodon server error ({_said(exc)})") from None
        except errors.MastodonNetworkError as exc:
            if never_connected(exc):
                raise Unreachable(
                    f"{self.account.endpoint} could not be reached ({type(exc).__name__})", self.account.endpoint
                ) from None
            raise Transient(f"{self.account.endpoint} did not answer ({type(exc).__name__}); the post may have arrived") from None
        except errors.MastodonAPIError as exc:
            if _status(exc) == 403:
                raise AuthFailed(
                    f"{self.account.endpoint} refused the post for account {self.account.id!r} ({_said(exc)}): "
                    "the token needs the write:statuses and write:media scopes"
                ) from None
            raise Rejected(f"Mastodon rejected the post ({_said(exc)})") from None

    def _reset(self) -> dt.datetime | None:
        """When the limit the last answer hit resets, on this machine's clock; None when it names no (readable) time."""
        return rate_limit_reset(self._headers, time.time())


def rate_limit_reset(headers: Mapping[str, str], local_now: float) -> dt.datetime | None:
    """``X-RateLimit-Reset`` (ISO 8601, or epoch seconds as GoToSocial writes it), moved onto the local clock by
    how far the answer's ``Date`` is from ``local_now``."""
    value = (headers.get("X-RateLimit-Reset") or "").strip()
    if not value:
        return None
    try:
        reset = dt.datetime.fromtimestamp(int(value), dt.UTC) if value.isdigit() else dt.datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    if reset.tzinfo is None:
        reset = reset.replace(tzinfo=dt.UTC)
    served = headers.get("Date")
    try:
        skew = local_now - email.utils.parsedate_to_datetime(served).timestamp() if served else 0.0
    except (TypeError, ValueError):
        skew = 0.0
    return (reset + dt.timedelta(seconds=skew)).astimezone(dt.UTC)


def _status(exc: Exception) -> int | None:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _said(exc: Exception) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 4:
        return f"{args[1]} {args[3]}"
    return str(exc)


__all__ = ["MastodonPublisher", "PublishError"]
