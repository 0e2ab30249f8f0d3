"""Mastodon through Mastodon.py: an idempotency key per post, the instance's own limits.

The idempotency key is the queue row's key, so a post retried after a lost
answer comes back as the same status instead of a second one. The instance's
character and attachment limits are read once from ``/api/v2/instance``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

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
        self.api = Mastodon(
            access_token=secrets["access_token"],
            api_base_url=account.endpoint,
            ratelimit_method="throw",
            mastodon_version=MASTODON_VERSION,
            version_check_mode="created",
            request_timeout=30,
        )
        self._limits: dict[str, int] | None = None

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
        reset = getattr(self.api, "ratelimit_reset", None)
        return dt.datetime.fromtimestamp(float(reset), dt.UTC) if reset else None


def _status(exc: Exception) -> int | None:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _said(exc: Exception) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 4:
        return f"{args[1]} {args[3]}"
    return str(exc)


__all__ = ["MastodonPublisher", "PublishError"]
