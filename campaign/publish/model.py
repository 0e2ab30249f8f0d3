"""The data the publishing area passes around: accounts, outgoing posts, results.

Everything here is plain and immutable so that it can be stored in the queue as
JSON and compared: an outgoing post is exactly what will be sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Platform = Literal["x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"]
PUBLISHING_PLATFORMS: tuple[str, ...] = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")

# Each platform's default public endpoint (an account may name another one,
# such as its Mastodon instance, a Bluesky PDS or a test server on 127.0.0.1).
DEFAULT_ENDPOINTS: dict[str, str | None] = {
    "x": "https://api.twitter.com",  # the host tweepy's Client hard-codes
    "bluesky": "https://bsky.social",
    "mastodon": None,  # there is no default instance: the account must name one
    "threads": "https://graph.threads.net",  # Threads API (graph.threads.com answers too)
    "linkedin": "https://api.linkedin.com",  # the versioned REST API under /rest
    "facebook": "https://graph.facebook.com",  # Graph API, Pages
    "instagram": "https://graph.facebook.com",  # Instagram API with Facebook Login
}

# The credentials each platform needs; each is read from an environment variable.
CREDENTIALS: dict[str, tuple[str, ...]] = {
    "x": ("api_key", "api_secret", "access_token", "access_token_secret"),
    "bluesky": ("app_password",),
    "mastodon": ("access_token",),
    "threads": ("access_token",),  # a Threads user access token (threads_basic, threads_content_publish)
    "linkedin": ("access_token",),  # an OAuth 2.0 token with w_organization_social (or w_member_social)
    "facebook": ("page_access_token",),  # the Page's own access token (pages_manage_posts)
    "instagram": ("access_token",),  # a token with instagram_basic and instagram_content_publish
}

# Which platforms name the profile to post as with profile_id, and what it looks like.
PROFILE_IDS: dict[str, str] = {
    "threads": "a Threads user id, or 'me' (the default): the token's own profile",
    "linkedin": "the author URN: urn:li:organization:<number> for a page, urn:li:person:<id> for a member",
    "facebook": "the Facebook Page's numeric id",
    "instagram": "the Instagram professional account's numeric id (ig-user-id)",
}


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
