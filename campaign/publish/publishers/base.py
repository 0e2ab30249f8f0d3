"""The one interface every publisher implements, and the thread logic they share.

A publisher sends one queue row: the parts of a thread in order, each a reply
to the one before. It tells the ``Recorder`` just before a post request goes
out and right after the platform answered, so the queue always knows whether
a post may be on the wire. Parts published by an earlier attempt are skipped.
Failures are raised as ``campaign.publish.errors`` exceptions.
"""

from __future__ import annotations

import hashlib
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

    def close(self) -> None:  # noqa: B027 - an optional hook
        """Release sessions; the default has none."""


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
