"""The data the publishing area passes around: accounts, outgoing posts, results.

Everything here is plain and immutable so that it can be stored in the queue as
JSON and compared: an outgoing post is exactly what will be sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from campaign.publish.platforms import CREDENTIALS

Platform = Literal["x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"]


@dataclass(frozen=True)
class Account:
    """A publishing account as the campaign names it (no secrets here)."""

    id: str
    platform: str
    endpoint: str
    handle: str | None = None  # Bluesky handle (or DID); the X/Mastodon user name for display
    env: dict[str, str] = field(default_factory=dict)  # credential → environment variable name
    max_characters: int | None = None  # a Mastodon instance's own limit, for composing
    profile_id: str | None = None  # Threads/LinkedIn/Facebook/Instagram: whom the API posts as (see PROFILE_IDS)

    def env_names(self) -> dict[str, str]:
        """Credential → variable name, the defaults filled in (CAMPAIGN_<ID>_<CREDENTIAL>)."""
        prefix = "CAMPAIGN_" + self.id.upper().replace("-", "_") + "_"
        return {c: self.env.get(c) or prefix + c.upper() for c in CREDENTIALS[self.platform]}


@dataclass(frozen=True)
class Image:
    """An image to attach: a file inside the campaign (or its build), with alt text."""

    path: str  # absolute path at planning time
    alt: str
    width: int
    height: int
    mime: str
    sha256: str
    bytes: int = 0
    url: str | None = None  # its public address in the published kit (base_url), for APIs that fetch images

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Part:
    """One post of a thread: its text and Bluesky facets (UTF-8 byte offsets)."""

    text: str
    facets: tuple[dict[str, Any], ...] = ()
    images: tuple[Image, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "facets": list(self.facets), "images": [i.to_json() for i in self.images]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Part:
        return Part(data["text"], tuple(data.get("facets") or ()), tuple(Image(**i) for i in data.get("images") or ()))


@dataclass(frozen=True)
class Outgoing:
    """What a publisher sends for one queue row: the parts of a thread, in order.

    ``sent`` holds the remote ids of parts already published by an earlier
    attempt, so that a thread interrupted half-way continues where it stopped.
    """

    row_id: int
    key: str  # the row's idempotency key
    account: Account
    parts: tuple[Part, ...]
    sent: tuple[RemotePost, ...] = ()


@dataclass(frozen=True)
class RemotePost:
    """A post as the platform knows it."""

    id: str
    url: str
    cid: str | None = None  # Bluesky's content hash, needed to reply

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "cid": self.cid}

    @staticmethod
    def from_json(data: dict[str, Any]) -> RemotePost:
        return RemotePost(data["id"], data["url"], data.get("cid"))


@dataclass(frozen=True)
class Planned:
    """One row the plan asks for: a post (one or more parts) for one account at one time."""

    key: str  # "<entry id>@<account id>", stable across edits of the entry
    entry: str
    message: str
    account: str
    platform: str
    due: dt.datetime  # aware, UTC
    parts: tuple[Part, ...]
    link: str | None = None  # the post's link (for exports)
