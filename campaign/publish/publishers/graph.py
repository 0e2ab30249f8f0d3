"""Meta's Graph APIs (Facebook Pages, Instagram, Threads): one HTTP client, one reading of their errors.

Meta keeps no maintained Python SDK for publishing to Pages, Instagram or
Threads (its ``facebook-business`` SDK is for the Marketing API), so this is
``requests``. The token goes in the ``Authorization`` header, never in a URL.

Errors come as ``{"error": {"message", "type", "code", "error_subcode",
"is_transient", "fbtrace_id"}}`` (Graph API "Handling Errors"): code 190 is
an invalid or expired token (subcode 463 expired, 460 password changed, 467
invalid), codes 10 and 200-299 a missing permission, 4, 17, 32, 613 and the
Business Use Case codes 80001-80014 rate limits, 1 and 2 (or
``is_transient``) a temporary failure. A throttled answer's reset comes from
``X-Business-Use-Case-Usage`` (``estimated_time_to_regain_access``, in
minutes); ``X-App-Usage`` gives percentages only, so then the worker waits its
default.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import requests

from campaign.publish.errors import AuthFailed, PublishError, RateLimited, Rejected, Transient, Unreachable
from campaign.publish.publishers.base import never_connected

GRAPH_VERSION = "v21.0"  # Facebook Pages and Instagram
THREADS_VERSION = "v1.0"
TIMEOUT = 30  # seconds per request
RATE_CODES = {4, 17, 32, 613, *range(80001, 80015)}
TRANSIENT_CODES = {1, 2}
PERMISSION_CODES = {10, *range(200, 300)}
TOKEN_SUBCODES = {463: "it has expired", 460: "the password was changed", 467: "it is not valid", 458: "the app was removed"}


class Graph:
    """Calls to one Graph host as one token's holder."""

    def __init__(self, endpoint: str, version: str, token: str, *, product: str, token_variable: str, scopes: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.base = f"{self.endpoint}/{version}"
        self.product, self.token_variable, self.scopes = product, token_variable, scopes
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The answer's JSON; a PublishError saying what to do otherwise."""
        try:
            response = self.session.request(method, f"{self.base}/{path.lstrip('/')}", timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            if never_connected(exc):  # nothing was sent: the whole account waits
                raise Unreachable(f"{self.endpoint} could not be reached ({type(exc).__name__})", self.endpoint) from None
            raise Transient(f"{self.product} did not answer ({type(exc).__name__}); the post may have arrived") from None
        if 200 <= response.status_code < 300:
            try:
                return dict(response.json())
            except ValueError:
                raise Transient(f"{self.product} answered {response.status_code} without JSON") from None
        raise self.translate(response)

    def translate(self, response: requests.Response) -> PublishError:
        status = response.status_code
        error = _error(response)
        code, subcode = error.get("code"), error.get("error_subcode")
        said = f"{error.get('message') or response.reason or status}" + (
            f" [code {code}/{subcode}]" if subcode else f" [code {code}]" if code else ""
        )
        if code == 190 or status == 401:
            why = TOKEN_SUBCODES.get(subcode or 0, "it was refused")
            return AuthFailed(
                f"{self.product} ({self.endpoint}) refused the access token ({said}): {why}; "
                f"put a new token in {self.token_variable}"
            )
        if code in PERMISSION_CODES or status == 403:
            return AuthFailed(
                f"{self.product} ({self.endpoint}) refused the post ({said}): the token in {self.token_variable} needs {self.scopes}"
            )
        if code in RATE_CODES or status == 429:
            return RateLimited(f"{self.product} rate limit reached ({said})", reset_at(response.headers))
        if code in TRANSIENT_CODES or error.get("is_transient") or status >= 500:
            return Transient(f"{self.product} server error {status} ({said})")
        return Rejected(f"{self.product} rejected the post ({said})")


def _error(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {"message": str(error)} if error else {}


def reset_at(headers: Any, now: dt.datetime | None = None) -> dt.datetime | None:
    """When a throttled Graph caller may go on: the longest ``estimated_time_to_regain_access`` named, if any."""
    raw = headers.get("X-Business-Use-Case-Usage") or headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [
        int(entry.get("estimated_time_to_regain_access") or 0)
        for entries in (usage.values() if isinstance(usage, dict) else [])
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
    ]
    if not minutes or max(minutes) <= 0:
        return None
    return (now or dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=max(minutes))


def graph_time(value: str | None) -> dt.datetime | None:
    """A Graph timestamp ('2026-02-04T08:00:00+0000') as an aware datetime."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
