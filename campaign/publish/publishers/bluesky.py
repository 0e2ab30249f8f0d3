"""Bluesky through the ``atproto`` SDK: facets, images with alt text and aspect ratio, threads.

The session is kept (``export_session_string``) in the campaign's gitignored
working folder, readable only by its owner, because logins are limited (30 per
5 minutes): a publisher run from cron logs in once and refreshes afterwards.
It is never written to the queue. The post goes to the account's own DID, so
no Bluesky profile lookup is needed (a bare PDS serves none).

Bluesky has no idempotency key, so each part gets a record key (a TID) derived
from the row's idempotency key: sending the same part again cannot make a
second post (the PDS refuses a taken key), and after any failed create the
publisher reads the record back, so a post whose answer was lost (a 5xx, a
cut connection, a person's retry of an uncertain row) is found, not re-sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import httpx
from atproto import Client, models
from atproto_client import exceptions as at
from atproto_client.client.session import SessionEvent
from atproto_client.models.utils import get_or_create

from campaign.publish.errors import AuthFailed, PublishError, RateLimited, Rejected, Transient, Unreachable
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher, never_connected, read_image

MAX_IMAGE_BYTES = 1_000_000  # the limit before April 2026; staying under it works on every PDS
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable (atproto TID syntax)
TID_EPOCH_US = 1_672_531_200_000_000  # 2023-01-01: TIDs look like plausible past timestamps
TID_SPAN_US = 2 * 365 * 86_400 * 1_000_000


def record_key(key: str) -> str:
    """A TID (13 characters, 53-bit microsecond time + 10-bit clock id) that depends only on ``key``.

    The same part always gets the same record key, so a repeated create can
    never make a second post; about 2^56 keys make a clash of two parts vanishingly rare.
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    micros = TID_EPOCH_US + (digest >> 10) % TID_SPAN_US
    value = (micros << 10) | (digest & 0x3FF)
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


class BlueskyPublisher(Publisher):
    platform = "bluesky"
    resend_safe_for = dt.timedelta(days=3650)  # a record key stays taken: a resend is refused, then read back

    def __init__(self, account: Account, secrets: dict[str, str], session_dir: Path | None = None, language: str = "sv") -> None:
        super().__init__(account)
        self.language = language
        self._password = secrets["app_password"]
        self._session_file = session_dir / "sessions" / f"{account.id}.session" if session_dir else None
        self.client: Client | None = None
        self.did: str | None = None

    def prepare(self) -> None:
        self._login()

    def _login(self) -> Client:
        if self.client is not None:
            return self.client
        client = Client(base_url=self.account.endpoint + "/xrpc")
        client.on_session_change(self._save_session)
        saved = self._load_session()
        try:
            if saved:
                try:
                    client.login(session_string=saved, fetch_bsky_profile=False)
                except (at.UnauthorizedError, at.BadRequestError):
                    saved = None  # expired: log in again below
            if not saved:
                client.login(self.account.handle, self._password, fetch_bsky_profile=False)
        except PublishError:
            raise
        except at.AtProtocolError as exc:
            raise self._translate(exc, login=True) from None
        except httpx.TransportError as exc:
            if never_connected(exc):
                raise Unreachable(
                    f"{self.account.endpoint} could not be reached ({type(exc).__name__})", self.account.endpoint
                ) from None
            raise Transient(f"Bluesky did not answer the login ({type(exc).__name__})") from None
        self.client = client
        self.did = client._session.did if client._session else None
        return client

    def _load_session(self) -> str | None:
        if self._session_file and self._session_file.is_file():
            return self._session_file.read_text(encoding="utf-8").strip() or None
        return None

    def _save_session(self, event: SessionEvent, session: Any) -> None:
        if self._session_file is None or event == SessionEvent.IMPORT:  # an imported session is already saved
            return
        self._session_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._session_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(session.export())

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        client = self._login()
        out = []
        for image in images:
            data = read_image(image)
            if len(data) > MAX_IMAGE_BYTES:
                raise Rejected(f"image {image.path} is {len(data)} bytes; Bluesky takes at most {MAX_IMAGE_BYTES}")
            blob = self._guard(client.upload_blob, data).blob
            ratio = models.AppBskyEmbedDefs.AspectRatio(width=image.width, height=image.height)
            out.append(models.AppBskyEmbedImages.Image(alt=image.alt, image=blob, aspect_ratio=ratio))
        return out

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        client = self._login()
        reply = None
        if root and parent:
            reply = models.AppBskyFeedPost.ReplyRef(
                root=models.ComAtprotoRepoStrongRef.Main(uri=root.id, cid=root.cid or ""),
                parent=models.ComAtprotoRepoStrongRef.Main(uri=parent.id, cid=parent.cid or ""),
            )
        facets = [get_or_create(f, models.AppBskyRichtextFacet.Main, strict=False) for f in part.facets] or None
        embed = models.AppBskyEmbedImages.Main(images=media) if media else None
        record = models.AppBskyFeedPost.Record(
            created_at=client.get_current_time_iso(),
            text=part.text,
            reply=reply,
            embed=embed,
            langs=[self.language],
            facets=facets,
        )
        rkey = record_key(key)
        try:
            made = self._guard(client.app.bsky.feed.post.create, self.did, record, rkey=rkey)
        except PublishError:
            found = self._existing(rkey, part.text)  # the answer was lost, or an earlier try already made it
            if found is None:
                raise
            return found
        return self._remote(made.uri, made.cid)

    def _existing(self, rkey: str, text: str) -> RemotePost | None:
        """The post already stored under ``rkey``, or None (also when the PDS cannot say)."""
        try:
            got = self._login().app.bsky.feed.post.get(self.did, rkey)
        except at.AtProtocolError:
            return None
        if got.value.text != text:  # another post under our key: never claim it as ours
            raise Rejected(
                f"{got.uri} already holds this part with other text (an earlier version arrived): "
                "check the account, then confirm or cancel the row"
            )
        return self._remote(got.uri, got.cid)

    def _remote(self, uri: str, cid: str | None) -> RemotePost:
        rkey = uri.rsplit("/", 1)[-1]
        return RemotePost(uri, f"https://bsky.app/profile/{self.account.handle or self.did}/post/{rkey}", cid)

    def _guard(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except at.AtProtocolError as exc:
            raise self._translate(exc) from None
        except httpx.TransportError as exc:  # the SDK lets some through (a connection cut before the answer)
            if never_connected(exc):
                raise Unreachable(
                    f"{self.account.endpoint} could not be reached ({type(exc).__name__})", self.account.endpoint
                ) from None
            raise Transient(f"Bluesky did not answer ({type(exc).__name__}); the post may have arrived") from None

    def _translate(self, exc: Exception, *, login: bool = False) -> PublishError:
        said = str(exc) or type(exc).__name__
        if isinstance(exc, at.RateLimitExceededError):
            return RateLimited(f"Bluesky rate limit reached ({said})", exc.reset_at)
        if isinstance(exc, at.UnauthorizedError) or (login and isinstance(exc, at.BadRequestError)):
            name = self.account.env_names()["app_password"]
            return AuthFailed(
                f"{self.account.endpoint} refused the login of {self.account.handle!r} ({said}): check handle: in the "
                f"account and the app password in {name}"
            )
        if isinstance(exc, at.NetworkError) and never_connected(exc):
            return Unreachable(f"{self.account.endpoint} could not be reached ({said})", self.account.endpoint)
        if isinstance(exc, at.NetworkError):
            return Transient(f"Bluesky could not be reached or asked to retry ({said})")
        response = getattr(exc, "response", None)
        if response is not None and getattr(response, "status_code", 0) >= 500:
            return Transient(f"Bluesky server error ({said})")
        return Rejected(f"Bluesky rejected the post ({said})")
