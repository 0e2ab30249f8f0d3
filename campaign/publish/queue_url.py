"""Where the queue lives: the campaign's SQLite file, or a PostgreSQL database named by ``CAMPAIGN_QUEUE_URL``.

The URL carries a password; it is read from the environment (or the
campaign's .env) and never shown: every message uses ``redact(url)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from campaign.publish.errors import QueueError

QUEUE_URL_VAR = "CAMPAIGN_QUEUE_URL"
SCHEMES = ("postgresql", "postgres")
FORM = "postgresql://user:password@host:port/database"


def is_postgres(target: object) -> bool:
    """Whether a queue target is a PostgreSQL URL (anything else is a SQLite file path)."""
    return isinstance(target, str) and target.split(":", 1)[0].lower() in SCHEMES


def redact(url: str) -> str:
    """The URL with its password (in the user part or a ``password=`` parameter) replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "<not a URL>"
    authority, path = _split_at(rest, "/?#")
    userinfo, at, hosts = authority.rpartition("@")
    if at and ":" in userinfo:
        authority = f"{userinfo.split(':', 1)[0]}:***@{hosts}"
    path, _fragment = _split_at(path, "#")
    path, question, query = path.partition("?")
    pieces = ["password=***" if p.partition("=")[0].lower() == "password" else p for p in query.split("&")]
    return f"{scheme}://{authority}{path}{question}{'&'.join(pieces) if question else ''}"


def _split_at(text: str, stops: str) -> tuple[str, str]:
    """``text`` cut before the first of ``stops`` (the rest keeps that character)."""
    cut = min((i for i in (text.find(c) for c in stops) if i >= 0), default=len(text))
    return text[:cut], text[cut:]


def queue_url(env: Mapping[str, str]) -> str | None:
    """The PostgreSQL queue the environment names, or None for the campaign's SQLite file.

    An empty value counts as unset (``CAMPAIGN_QUEUE_URL= campaign publish`` is how
    a shell turns it off); a value that is not a PostgreSQL URL is an error, not a fallback.
    """
    value = (env.get(QUEUE_URL_VAR) or "").strip()
    if not value:
        return None
    check(value, QUEUE_URL_VAR)
    return value


def check(url: str, where: str) -> None:
    """Refuse anything but a ``postgresql://`` URL with a database name; the message never shows the password."""
    if not is_postgres(url):
        raise QueueError(f"{where}: expected a PostgreSQL URL ({FORM}), got {redact(url)!r}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise QueueError(f"{where}: {redact(url)!r} is not a URL ({exc}); expected {FORM}") from None
    if not parts.path.strip("/"):
        raise QueueError(f"{where}: {redact(url)!r} names no database; expected {FORM}")
