"""The queue's stores: choosing one, hiding the URL's password, and PostgreSQL's schema versions.

The contract every store keeps (the huey ``tests/test_storage.py`` pattern)
runs against SQLite and a real PostgreSQL server; PostgreSQL tests skip,
saying why, when CAMPAIGN_TEST_PG names no server that answers.
"""

from __future__ import annotations

import datetime as dt
import string
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.publish import queue_pg
from campaign.publish.errors import QueueError
from campaign.publish.queue_url import QUEUE_URL_VAR, is_postgres, queue_url, redact
from tests.pg_support import pg_url

__all__ = ["pg_url"]  # the fixture, for pytest

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)


# -- choosing the store, and never showing the password ---------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://kampanj:hemligt@db.example.org:5432/kampanj", "postgresql://kampanj:***@db.example.org:5432/kampanj"),
        (
            "postgresql://kampanj@db/kampanj?password=hemligt&sslmode=require",
            "postgresql://kampanj@db/kampanj?password=***&sslmode=require",
        ),
        ("postgres://k:p%40ss@h1:5432,h2:5433/q", "postgres://k:***@h1:5432,h2:5433/q"),
        ("postgresql:///kampanj", "postgresql:///kampanj"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert "hemligt" not in redact(url) and "p%40ss" not in redact(url)


def test_without_the_variable_the_sqlite_file_is_used() -> None:
    assert queue_url({}) is None
    assert queue_url({QUEUE_URL_VAR: "  "}) is None  # `CAMPAIGN_QUEUE_URL= campaign publish` turns it off
    assert queue_url({QUEUE_URL_VAR: "postgresql://k:p@h/q"}) == "postgresql://k:p@h/q"
    assert is_postgres("postgresql://h/q") and is_postgres("POSTGRES://h/q") and not is_postgres("/tmp/queue.sqlite3")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (
            "mysql://k:hemligt@h/q",
            "expected a PostgreSQL URL (postgresql://user:password@host:port/database), got 'mysql://k:***@h/q'",
        ),
        ("postgresql://k:hemligt@h", "'postgresql://k:***@h' names no database"),
    ],
)
def test_a_variable_that_is_not_a_postgresql_url_is_an_error_not_a_fallback(value: str, said: str) -> None:
    with pytest.raises(QueueError) as caught:
        queue_url({QUEUE_URL_VAR: value})
    assert said in str(caught.value) and "hemligt" not in str(caught.value)
    assert str(caught.value).startswith(f"{QUEUE_URL_VAR}: ")


def test_a_server_that_does_not_answer_is_named_without_the_password() -> None:
    with pytest.raises(QueueError) as caught:
        queue_pg.connect("postgresql://kampanj:hemligt@127.0.0.1:1/kampanj")
    text = str(caught.value)
    assert text.startswith("could not reach the queue at postgresql://kampanj:***@127.0.0.1:1/kampanj: ")
    assert "hemligt" not in text


# -- PostgreSQL: schema versions ----------------------------------------------


def test_the_postgresql_steps_reach_every_version_from_the_first() -> None:
    assert sorted(queue_pg.STEPS) == list(range(queue_pg.FIRST_VERSION, max(queue_pg.STEPS) + 1))


def test_a_new_database_gets_the_schema_once_and_says_its_version(pg_url: str) -> None:
    db = queue_pg.connect(pg_url)
    try:
        assert queue_pg.schema_version(db) == 0
        assert queue_pg.migrate(db, queue_pg.FIRST_VERSION, "q", T0) == 0
        assert queue_pg.migrate(db, queue_pg.FIRST_VERSION, "q", T0) == queue_pg.FIRST_VERSION  # nothing to do
        assert queue_pg.schema_version(db) == queue_pg.FIRST_VERSION
        steps = db.execute("SELECT version, applied_at, step FROM queue_schema ORDER BY version").fetchall()
        assert steps == [{"version": queue_pg.FIRST_VERSION, "applied_at": "2026-02-04T08:00:00Z", "step": "created"}]
        tables = {r["t"] for r in db.execute("SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()")}
        assert tables == {"posts", "events", "accounts", "queue_schema"}
    finally:
        db.close()


def test_a_database_made_by_a_newer_campaign_is_refused(pg_url: str) -> None:
    db = queue_pg.connect(pg_url)
    try:
        queue_pg.migrate(db, queue_pg.FIRST_VERSION, "q", T0)
        db.execute("INSERT INTO queue_schema VALUES (99, '2027-01-01T00:00:00Z', 'migrated')")
        with pytest.raises(QueueError, match=r"made by a newer version of campaign \(queue schema 99, this one knows 2\)"):
            queue_pg.migrate(db, queue_pg.FIRST_VERSION, "q", T0)
    finally:
        db.close()


def test_two_publishers_starting_at_once_make_the_schema_once(pg_url: str) -> None:
    before: list[int] = []
    go = threading.Barrier(4)

    def start() -> None:
        db = queue_pg.connect(pg_url)
        try:
            go.wait(10)
            before.append(queue_pg.migrate(db, queue_pg.FIRST_VERSION, "q", T0))
        finally:
            db.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(before) == [0, 2, 2, 2]


@given(st.text(alphabet=string.ascii_letters + string.digits + "%-._~!$'()*+,;=", min_size=1, max_size=20))
def test_no_password_survives_redaction(tail: str) -> None:
    secret = "ZQX" + tail
    for url in (f"postgresql://kampanj:{secret}@db:5432/q", f"postgresql://kampanj@db/q?sslmode=require&password={secret}"):
        assert "ZQX" not in redact(url)
