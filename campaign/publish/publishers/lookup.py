"""Exactly once where the API has no idempotency key: look before sending again.

Facebook, Instagram, Threads and LinkedIn take no idempotency key, so a post
whose answer was lost (a 5xx, a cut connection) may be on the account or not.
The publisher remembers when it first sent each part; after a failed try that
may have posted, and before any later try of the same part, it reads the
account's recent posts and takes one with the part's text, made since then,
as the post (its id and address), instead of sending it a second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from campaign.publish.errors import PublishError
from campaign.publish.model import Outgoing, Part, RemotePost

SKEW = dt.timedelta(minutes=10)  # the platform's clock may differ from ours by this much


@dataclass(frozen=True)
class Recent:
    """A post as the account's recent posts list it."""

    id: str
    text: str
    created: dt.datetime | None
    url: str


class LookBeforeResend:
    """Mixin for publishers: ``send_once`` wraps the request that makes a post; ``look`` serves the worker."""

    can_look = True  # the worker may ask ``look`` before it sends a maybe-sent row again

    def __init__(self) -> None:
        self._unanswered: dict[str, dt.datetime] = {}  # part key → when it was first sent

    def recent(self, part: Part, parent: RemotePost | None) -> list[Recent]:  # pragma: no cover - abstract
        """The account's recent posts (replies to ``parent`` when given), newest first."""
        raise NotImplementedError

    def same_text(self, part: Part, seen: str) -> bool:
        """Whether a listed post's text is the part's (a platform may store it in its own form)."""
        return seen.strip() == part.text.strip()

    def look(self, post: Outgoing, since: dt.datetime) -> list[RemotePost]:
        """The parts of ``post`` from ``len(post.sent)`` on already on the account (made since ``since``), in order."""
        found: list[RemotePost] = []
        parent = post.sent[-1] if post.sent else None
        for part in post.parts[len(post.sent) :]:
            match = self.find(part, parent, since)
            if match is None:
                break  # a thread continues from the first part that is not there
            found.append(match)
            parent = match
        return found

    def find(self, part: Part, parent: RemotePost | None, since: dt.datetime) -> RemotePost | None:
        """The first recent post with the part's text made since ``since`` (less the clock skew), or None."""
        for post in reversed(self.recent(part, parent)):  # oldest first: of two equal texts the first counts
            if self.same_text(part, post.text) and (post.created is None or post.created >= since - SKEW):
                return RemotePost(post.id, post.url)
        return None

    def send_once(self, key: str, part: Part, parent: RemotePost | None, send: Callable[[], RemotePost]) -> RemotePost:
        """``send()``, unless an earlier unanswered try of ``key`` is found on the account."""
        since = self._unanswered.get(key)
        if since is not None:
            found = self.find(part, parent, since)
            if found is not None:
                return found
        started = dt.datetime.now(dt.UTC)
        try:
            return send()
        except PublishError as exc:
            if not exc.maybe_sent:
                raise
            self._unanswered.setdefault(key, started)
            try:
                found = self.find(part, parent, self._unanswered[key])
            except PublishError:
                found = None  # the lookup failed too: the worker retries, and looks again first
            if found is None:
                raise
            return found
