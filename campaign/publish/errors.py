"""What can go wrong when publishing, sorted by what the worker does about it.

Every publisher translates its client library's exceptions into these, so the
retry policy is written once (in ``worker``) and holds for every platform.
"""

from __future__ import annotations

import datetime as dt

from campaign.errors import CampaignError, NotFound


class PublishError(CampaignError):
    """Base of the errors a publisher raises for one post."""

    retry = False  # whether the worker may try again by itself
    maybe_sent = False  # whether the post may have arrived although the request failed


class RateLimited(PublishError):
    """429: the platform names when the limit resets; wait until then and retry."""

    retry = True

    def __init__(self, message: str, reset_at: dt.datetime | None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class Transient(PublishError):
    """5xx or a network failure: retry with exponential backoff, up to a cap.

    The platform may have made the post before it failed to answer, so the row
    stays marked in flight while the worker waits: a publisher killed during
    the backoff leaves it uncertain, never scheduled for a blind second send.
    """

    retry = True
    maybe_sent = True


class Unreachable(Transient):
    """The endpoint could not be reached at all (refused, no such host, connect timeout): nothing was sent.

    The whole account backs off (the next rows would meet the same wall), and
    the message names the endpoint.
    """

    maybe_sent = False

    def __init__(self, message: str, endpoint: str) -> None:
        super().__init__(message)
        self.endpoint = endpoint


class AuthFailed(PublishError):
    """401/403: the credentials are wrong or lack a permission; a person must fix it.

    The whole account stops, across runs, until its credentials change.
    """


class Duplicate(PublishError):
    """The platform refused the text as a duplicate; never retried."""


class Rejected(PublishError):
    """The platform refused the post itself (too long, bad image); retrying won't help."""


class MissingCredentials(CampaignError):
    """A credential's environment variable is not set; names the variable, never a value."""


class QueueError(CampaignError):
    """A queue operation that cannot be done (wrong state)."""


class RowNotFound(NotFound):
    """No queue row with that id or key."""
