"""Bluesky through the ``atproto`` SDK: facets, images with alt text and aspect ratio, threads.

The session is kept (``export_session_string``) in the campaign's gitignored
working folder, readable only by its owner, because logins are limited (30 per
5 minutes): a publisher run from cron logs in once and refreshes afterwards.
It is never written to the queue. The post goes to the account's own DID, so
no Bluesky profile lookup is needed (a bare PDS serves none).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from atproto import Client, models
from atproto_client import exceptions as at
from atproto_client.client.session import SessionEvent
from atproto_client.models.utils import get_or_create

from campaign.publish.errors import AuthFailed, PublishError, RateLimited, Rejected, Transient
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher, read_image

MAX_IMAGE_BYTES = 1_000_000  # the limit before April 2026; staying under it works on every PDS


class BlueskyPublisher(Publisher):
    platform = "bluesky"

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
        self.client = client
        self.did = client._session.did if client._session else None  # noqa: SLF001 - the SDK exposes no other way
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
        made = self._guard(client.send_post, part.text, profile_identify=self.did, reply_to=reply, embed=embed, facets=facets, langs=[self.language])
        rkey = made.uri.rsplit("/", 1)[-1]
        return RemotePost(made.uri, f"https://bsky.app/profile/{self.account.handle or self.did}/post/{rkey}", made.cid)

    def _guard(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except at.AtProtocolError as exc:
            raise self._translate(exc) from None

    def _translate(self, exc: Exception, *, login: bool = False) -> PublishError:
        said = str(exc) or type(exc).__name__
        if isinstance(exc, at.RateLimitExceededError):
            return RateLimited(f"Bluesky rate limit reached ({said})", exc.reset_at)
        if isinstance(exc, at.UnauthorizedError) or (login and isinstance(exc, at.BadRequestError)):
            name = self.account.env_names()["app_password"]
            return AuthFailed(f"{self.account.endpoint} refused the login of {self.account.handle!r} ({said}): check handle: in the "
                              f"account and the app password in {name}")
        if isinstance(exc, at.NetworkError):
            return Transient(f"Bluesky could not be reached or asked to retry ({said})")
        response = getattr(exc, "response", None)
        if response is not None and getattr(response, "status_code", 0) >= 500:
            return Transient(f"Bluesky server error ({said})")
        return Rejected(f"Bluesky rejected the post ({said})")
