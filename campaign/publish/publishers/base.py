"""The one interface every publisher implements, and the thread logic they share.

A publisher sends one queue row: the parts of a thread in order, each a reply
to the one before. It tells the ``Recorder`` just before a post request goes
out and right after the platform answered, so the queue always knows whether
a post may be on the wire. Parts published by an earlier attempt are skipped.
Failures are raised as ``campaign.publish.errors`` exceptions.

A post whose answer was lost (a 5xx, a cut connection, a kill) is never sent
again blindly. A publisher says how it can be settled:

- ``resend_safe_for``: how long the platform recognises the key a part is sent
  with (Mastodon's idempotency key: an hour; a Bluesky record key: for ever),
  so a resend within it can never make a second post;
- ``look(post, since)``: the parts of the post already on the account, read
  from the account's own recent posts (X: the user timeline), for a platform
  without such a key. The worker calls it before any resend.

A platform with neither leaves the row for a person (uncertain).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Protocol

from campaign.compose import count  # the composer's counters are the platforms' own rules
from campaign.publish.errors import PublishError, Rejected
from campaign.publish.model import Account, Image, Outgoing, Part, RemotePost


class Recorder(Protocol):
    """Where a publisher reports progress (the queue, for one claimed row)."""

    def sending(self, index: int) -> None:
        """Part ``index`` is about to be posted."""

    def sent(self, index: int, remote: RemotePost) -> None:
        """Part ``index`` is published as ``remote``."""

    def answered(self, index: int) -> None:
        """Part ``index`` got an answer that says it was not posted (not after a 5xx or a lost connection: those may have posted)."""


class Publisher(ABC):
    """Posts to one account on one platform."""

    platform: str
    resend_safe_for: dt.timedelta | None = None  # how long a resend with the same key cannot make a second post
    can_look: bool = False  # whether ``look`` reads the account's own posts
    credentials_id: str = (
        ""  # a fingerprint of the credentials (never the secret): an account stopped for them waits for new ones
    )

    def __init__(self, account: Account) -> None:
        self.account = account

    def publish(self, post: Outgoing, recorder: Recorder) -> RemotePost:
        """Send the parts not yet sent; return the first part's remote post."""
        sent = list(post.sent)
        self.prepare()
        for index in range(len(sent), len(post.parts)):
            part = post.parts[index]
            self.check(part)
            media = self.upload(part.images) if part.images else []
            recorder.sending(index)
            try:
                remote = self.create(
                    part, media, root=sent[0] if sent else None, parent=sent[-1] if sent else None, key=f"{post.key}-{index}"
                )
            except PublishError as exc:
                if not exc.maybe_sent:
                    recorder.answered(index)  # the platform's answer says nothing was posted
                raise
            recorder.sent(index, remote)
            sent.append(remote)
        return sent[0]

    def prepare(self) -> None:  # noqa: B027 - an optional hook; most publishers need nothing
        """Log in or read limits before anything is sent; the default needs nothing."""

    def check(self, part: Part) -> None:
        """Refuse (``Rejected``) a part the platform would refuse, before sending it: too long, by its own count."""
        measured = count(self.platform, part.text)
        if not measured.fits:
            raise Rejected(f"the post is {measured.length} {measured.unit}; {self.platform} allows {measured.limit}")

    @abstractmethod
    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        """Upload images (with alt text); return what ``create`` attaches. Never a post."""

    @abstractmethod
    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        """Create one post (a reply to ``parent`` when given)."""

    def look(self, post: Outgoing, since: dt.datetime) -> list[RemotePost]:
        """The parts of ``post`` from ``len(post.sent)`` on that are already on the account, in order.

        Stops at the first part that is not there (a thread continues from it).
        Only posts made at or after ``since`` count. Raises a ``PublishError``
        when the platform cannot be asked; only called when ``can_look``.
        """
        raise NotImplementedError(f"{self.platform} publishers cannot look for their posts")

    def close(self) -> None:  # noqa: B027 - an optional hook
        """Release sessions; the default has none."""


def credentials_id(account: Account, secrets: dict[str, str]) -> str:
    """A short fingerprint of an account's credentials: tells changed credentials apart without keeping them."""
    body = "\0".join([account.id, account.endpoint, *(f"{k}={v}" for k, v in sorted(secrets.items()))])
    return hashlib.sha256(("campaign-credentials\0" + body).encode()).hexdigest()[:16]


# Connection failures that happen before a request is written: nothing can have been posted.
_CONNECT_FAILURES = ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError", "ConnectTimeout", "ConnectError")


def never_connected(exc: BaseException) -> bool:
    """Whether ``exc`` (requests, urllib3, httpx or socket) says the connection was never made.

    A read timeout or a connection cut after the request went out is not:
    the post may have arrived.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ConnectionRefusedError | socket.gaierror) or type(e).__name__ in _CONNECT_FAILURES:
            return True
        todo += [x for x in (e.__cause__, e.__context__, getattr(e, "reason", None)) if isinstance(x, BaseException)]
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
    return False


def read_image(image: Image) -> bytes:
    """An image's bytes, refused if the file changed since the plan was loaded."""
    try:
        data = Path(image.path).read_bytes()
    except OSError as exc:
        raise Rejected(
            f"image {image.path} cannot be read ({exc.strerror}); run `campaign build` and `campaign schedule plan` again"
        ) from None
    if hashlib.sha256(data).hexdigest() != image.sha256:
        raise Rejected(f"image {image.path} changed since `campaign schedule plan`; run it again to take the new image")
    return data
