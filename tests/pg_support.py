"""A real PostgreSQL server for the queue store tests: CAMPAIGN_TEST_PG names an empty database.

`.ci/run` starts a throwaway cluster (`.ci/pg-start PORT`) and exports the URL;
locally, start one the same way. Each test gets its own schema (a fresh,
empty queue), reached through the URL's ``options=-csearch_path=…``, so the
URL is all a subprocess needs; the schema is dropped afterwards.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

VAR = "CAMPAIGN_TEST_PG"


@functools.cache
def _server() -> tuple[str | None, str]:
    """(URL, "") when the server answers, else (None, why not)."""
    url = os.environ.get(VAR, "").strip()
    if not url:
        return None, f"{VAR} is not set (`.ci/pg-start PORT` starts a throwaway PostgreSQL and prints the URL)"
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a dependency of the project
        return None, "psycopg is not installed"
    try:
        with psycopg.connect(url, connect_timeout=5) as db:
            db.execute("SELECT 1")
    except psycopg.Error as exc:
        from campaign.publish.queue_url import redact

        return None, f"the PostgreSQL server at {redact(url)} does not answer: {str(exc).strip().splitlines()[0]}"
    return url, ""


def server_url() -> str:
    """The test server's URL, or skip the test saying why there is none."""
    url, why = _server()
    if url is None:
        pytest.skip(why)
    return url


def with_schema(url: str, schema: str) -> str:
    """The URL with every connection's search_path set to ``schema``."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL queue (its own schema), dropped after the test."""
    with fresh_pg_url() as url:
        yield url


@contextmanager
def fresh_pg_url() -> Iterator[str]:
    """A URL to a fresh, empty schema on the test server (skips the test without one); dropped at the end."""
    import psycopg

    base = server_url()
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")  # a name we drew, never input
    try:
        yield with_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")
