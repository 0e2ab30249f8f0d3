"""The queue's stores: choosing one, hiding the URL's password, and PostgreSQL's schema versions.

The contract every store keeps (the huey ``tests/test_storage.py`` pattern)
runs against SQLite and a real PostgreSQL server; PostgreSQL tests skip,
saying why, when CAMPAIGN_TEST_PG names no server that answers.
"""

from __future__ import annotations

import datetime as dt
import string
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.publish import queue_pg
from campaign.publish.errors import QueueError
from campaign.publish.migrate import copy_queue
from campaign.publish.model import Part, Planned, RemotePost
from campaign.publish.queue import MIGRATIONS, SCHEMA_VERSION, Queue, owner_token, sqlite_rows
from campaign.publish.queue_pg import PostgresStore
from campaign.publish.queue_url import QUEUE_URL_VAR, is_postgres, queue_url, redact
from tests.conftest import CliResult
from tests.fakes.campaign_dir import numbered_messages, write_campaign
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
        Queue.open("postgresql://kampanj:hemligt@127.0.0.1:1/kampanj")
    text = str(caught.value)
    assert text.startswith("could not reach the queue at postgresql://kampanj:***@127.0.0.1:1/kampanj: ")
    assert "hemligt" not in text


# -- PostgreSQL: schema versions ----------------------------------------------


def test_both_stores_have_a_step_to_every_version() -> None:
    assert sorted(queue_pg.STEPS) == list(range(queue_pg.FIRST_VERSION, SCHEMA_VERSION + 1))
    assert sorted(MIGRATIONS) == list(range(2, SCHEMA_VERSION + 1))  # SQLite: version 1 is SCHEMA


def test_a_new_database_gets_the_schema_once_and_says_its_version(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    try:
        assert store.schema_version() == 0
        assert store.migrate(SCHEMA_VERSION) == 0
        assert store.migrate(SCHEMA_VERSION) == SCHEMA_VERSION  # nothing to do
        assert store.schema_version() == SCHEMA_VERSION
        steps = [(r["version"], r["step"]) for r in store.execute("SELECT * FROM queue_schema ORDER BY version")]
        assert steps == [(queue_pg.FIRST_VERSION, "created"), *[(v, "migrated") for v in range(3, SCHEMA_VERSION + 1)]]
        tables = {r["t"] for r in store.execute("SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()")}
        assert tables == {"posts", "events", "accounts", "queue_schema"}
    finally:
        store.close()


def test_a_database_made_by_a_newer_campaign_is_refused(pg_url: str) -> None:
    Queue.open(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("INSERT INTO queue_schema VALUES (99, '2027-01-01T00:00:00Z', 'migrated')")
    with pytest.raises(
        QueueError, match=rf"made by a newer version of campaign \(queue schema 99, this one knows {SCHEMA_VERSION}\); upgrade"
    ):
        Queue.open(pg_url)


def test_two_publishers_starting_at_once_make_the_schema_once(pg_url: str) -> None:
    before: list[int] = []
    go = threading.Barrier(4)

    def start() -> None:
        store = PostgresStore(pg_url)
        try:
            go.wait(10)
            before.append(store.migrate(SCHEMA_VERSION))
        finally:
            store.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(before) == [0] + [SCHEMA_VERSION] * 3


@given(st.text(alphabet=string.ascii_letters + string.digits + "%-._~!$'()*+,;=", min_size=1, max_size=20))
def test_no_password_survives_redaction(tail: str) -> None:
    secret = "ZQX" + tail
    for url in (f"postgresql://kampanj:{secret}@db:5432/q", f"postgresql://kampanj@db/q?sslmode=require&password={secret}"):
        assert "ZQX" not in redact(url)


# -- the queue on PostgreSQL: what only a shared server needs ------------------


def planned(entry: str, account: str = "x-riks", due: dt.datetime = T0) -> Planned:
    return Planned(f"{entry}@{account}", entry, entry, account, "x", due, (Part(f"Text för {entry}"),))


@pytest.fixture
def pg_queue(pg_url: str) -> Iterator[Queue]:
    queue = Queue.open(pg_url, "Testkampanj")
    yield queue
    queue.close()


def test_a_postgresql_queue_is_made_at_the_current_version_and_named_without_its_password(pg_url: str) -> None:
    secret_url = pg_url.replace("campaign@", "campaign:hemligt@", 1)  # trust auth: the password is not checked
    queue = Queue.open(secret_url, "Testkampanj")
    try:
        assert queue.schema_version() == SCHEMA_VERSION
        assert "hemligt" not in queue.where and "campaign:***@" in queue.where
        with pytest.raises(QueueError, match=r"^the queue at postgresql://campaign:\*\*\*@.* is not a file$"):
            _ = queue.path
    finally:
        queue.close()


def test_a_claim_passes_over_a_row_another_publisher_has_locked(pg_queue: Queue, pg_url: str) -> None:
    pg_queue.sync([planned("a"), planned("b", due=T0 + dt.timedelta(minutes=1))], T0)
    other = psycopg.connect(pg_url)
    try:
        other.execute("SELECT id FROM posts WHERE key = 'a@x-riks' FOR UPDATE")  # held: the transaction stays open
        got = pg_queue.claim(T0 + dt.timedelta(minutes=5), owner_token())
        assert got is not None and got.key == "b@x-riks"  # not blocked, not the locked row
    finally:
        other.rollback()
        other.close()
    again = pg_queue.claim(T0 + dt.timedelta(minutes=5), owner_token())
    assert again is not None and again.key == "a@x-riks"


def test_a_person_cancelling_a_row_waits_for_a_claim_in_progress_and_then_refuses(pg_queue: Queue, pg_url: str) -> None:
    """Cancel reads the row under a lock: it never overwrites a claim that committed meanwhile."""
    pg_queue.sync([planned("a")], T0)
    claimer = psycopg.connect(pg_url)
    claimer.execute("UPDATE posts SET state = 'sending', owner = 'x/1/1/1' WHERE key = 'a@x-riks'")  # not committed yet
    done: list[BaseException | str] = []

    def cancel() -> None:
        queue = Queue.open(pg_url)
        try:
            done.append(queue.cancel("a@x-riks", T0).state)
        except QueueError as exc:
            done.append(exc)
        finally:
            queue.close()

    person = threading.Thread(target=cancel)
    person.start()
    person.join(0.5)
    assert person.is_alive(), "the cancel should wait for the claim's transaction"
    claimer.commit()
    claimer.close()
    person.join(10)
    assert len(done) == 1 and isinstance(done[0], QueueError)
    assert "is sending; only scheduled, failed, uncertain rows can be cancelled" in str(done[0])


def test_a_server_that_goes_away_mid_run_is_a_queue_error_without_the_password(pg_queue: Queue, pg_url: str) -> None:
    pg_queue.sync([planned("a")], T0)
    pid = pg_queue.store.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"]
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(QueueError, match=r"^the queue at postgresql://campaign@.* stopped answering: "):
        pg_queue.rows()


# -- moving a SQLite queue into PostgreSQL --------------------------------------


def _sqlite_queue_with_history(path: Path) -> Queue:
    queue = Queue.open(path, "Testkampanj")
    queue.sync([planned("a"), planned("b"), planned("c"), planned("d", due=T0 + dt.timedelta(days=1))], T0)
    owner = owner_token()
    for outcome in ("published", "failed", "thread"):
        row = queue.claim(T0, owner)
        assert row is not None
        queue.mark_in_flight(row.id, owner, T0)
        if outcome == "published":
            queue.published(row.id, owner, RemotePost("11", "https://x.com/i/web/status/11"), T0)
        elif outcome == "failed":
            queue.failed(row.id, owner, "rejected", "X refused the text", T0)
        else:
            queue.release(row.id, owner, T0 + dt.timedelta(hours=1), "rate limited", T0)
    queue.stop_account("x-riks", "auth", "X refused the credentials (401)", T0, credentials_id="abc")
    return queue


def _everything(queue: Queue) -> tuple[object, ...]:
    rows = queue.rows()
    return rows, [queue.events(r.id) for r in rows], queue.account_stops()


def test_moving_a_sqlite_queue_copies_every_row_event_and_stop_exactly(tmp_path: Path, pg_url: str) -> None:
    source = _sqlite_queue_with_history(tmp_path / "queue.sqlite3")
    before = _everything(source)
    target = Queue.open(pg_url, "Testkampanj")
    try:
        copied = copy_queue(source, target, T0)
        assert (copied.posts, copied.events, copied.accounts) == (4, len([e for es in before[1] for e in es]), 1)  # type: ignore[union-attr]
        assert _everything(target) == before
        target.sync([planned("a"), planned("b"), planned("c"), planned("d"), planned("e")], T0)  # new ids follow the copied ones
        assert target.find("e@x-riks").id == 5
    finally:
        target.close()
        source.close()
    with pytest.raises(
        QueueError, match=r"queue\.sqlite3 was moved to postgresql://campaign@.* at 2026-02-04T08:00:00Z; set CAMPAIGN_QUEUE_URL"
    ):
        Queue.open(tmp_path / "queue.sqlite3")
    assert sqlite_rows(tmp_path / "queue.sqlite3") == 0  # moved: no longer a queue with rows


def test_moving_into_a_queue_that_has_rows_is_refused_and_changes_nothing(tmp_path: Path, pg_url: str) -> None:
    source = _sqlite_queue_with_history(tmp_path / "queue.sqlite3")
    target = Queue.open(pg_url, "Testkampanj")
    try:
        target.sync([planned("z")], T0)
        with pytest.raises(QueueError, match=r"already has 1 row \(1 events, 0 stopped accounts\); refusing to overwrite it"):
            copy_queue(source, target, T0)
        assert [r.key for r in target.rows()] == ["z@x-riks"]
        assert len(source.rows()) == 4  # still a queue: not marked as moved
    finally:
        target.close()
        source.close()


def test_moving_a_queue_a_publisher_is_working_on_is_refused(tmp_path: Path, pg_url: str) -> None:
    source = Queue.open(tmp_path / "queue.sqlite3", "Testkampanj")
    source.sync([planned("a")], T0)
    source.claim(T0, owner_token())
    target = Queue.open(pg_url, "Testkampanj")
    try:
        with pytest.raises(QueueError, match=r"1 row is being sent from .*queue\.sqlite3 \(1 a@x-riks\); stop the publishers"):
            copy_queue(source, target, T0)
        assert target.rows() == []
    finally:
        target.close()
        source.close()


# -- the commands, with CAMPAIGN_QUEUE_URL ---------------------------------------


@pytest.fixture
def kampanj(tmp_path: Path) -> Path:
    accounts = [{"id": "x-test", "platform": "x", "endpoint": "http://127.0.0.1:9/"}]
    posts = [
        {"at": "day 1 09:00", "message": "m001", "accounts": ["x-test"]},
        {"at": "day 2 09:00", "message": "m002", "accounts": ["x-test"]},
    ]
    return write_campaign(
        tmp_path / "kampanj", numbered_messages(2), accounts, {"late_after_minutes": 10 * 24 * 60, "posts": posts}
    )


def test_schedule_migrate_moves_the_queue_and_the_commands_follow_the_variable(
    cli: Callable[..., CliResult], kampanj: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_url = pg_url.replace("campaign@", "campaign:hemligt@", 1)
    assert cli("schedule", "plan", str(kampanj)).code == 0  # into the SQLite file, as without a server
    moved = cli("schedule", "migrate", str(kampanj), "--to", secret_url, "--now", "day 0 12:00")
    assert moved.code == 0, moved.err
    assert moved.out == (
        f"moved 2 rows (2 events, 0 stopped accounts) from {kampanj / '.campaign' / 'queue.sqlite3'} to {redact(secret_url)}\n"
        "from now on set CAMPAIGN_QUEUE_URL for `campaign schedule`, `publish` and `export` (in the environment or the campaign's .env)\n"
    )
    again = cli("schedule", "migrate", str(kampanj), "--to", secret_url)
    assert again.code == 1 and "was moved to postgresql://campaign:***@" in again.err
    without = cli("schedule", "list", str(kampanj))
    assert without.code == 1 and "set CAMPAIGN_QUEUE_URL to use it there" in without.err
    monkeypatch.setenv(QUEUE_URL_VAR, secret_url)
    listing = cli("schedule", "list", str(kampanj), "--now", "day 0 12:00")
    assert listing.code == 0 and listing.out.endswith("2 scheduled\n")
    (kampanj / "messages" / "plan.yaml").write_text(
        (kampanj / "messages" / "plan.yaml").read_text().replace("day 2 09:00", "day 3 09:00")
    )
    assert cli("schedule", "plan", str(kampanj)).out.startswith("plan: 2 rows; 0 added, 1 updated, 1 unchanged")
    dry = cli("publish", str(kampanj), "--dry-run", "--now", "day 1 10:00")
    assert dry.code == 0 and "would send 1 row (1 x)" in dry.out
    for result in (moved, again, without, listing, dry):
        assert "hemligt" not in result.out + result.err


def test_with_the_variable_set_a_sqlite_queue_that_has_rows_is_refused(
    cli: Callable[..., CliResult], kampanj: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("schedule", "plan", str(kampanj)).code == 0
    monkeypatch.setenv(QUEUE_URL_VAR, pg_url.replace("campaign@", "campaign:hemligt@", 1))
    result = cli("schedule", "plan", str(kampanj))
    assert result.code == 1
    assert result.err == (
        f"error: CAMPAIGN_QUEUE_URL names a PostgreSQL queue, but this campaign's own queue {kampanj / '.campaign' / 'queue.sqlite3'} "
        'has 2 rows: move it there first with `campaign schedule migrate --to "$CAMPAIGN_QUEUE_URL"` '
        "(or unset CAMPAIGN_QUEUE_URL to keep using the file)\n"
    )
    assert "hemligt" not in result.err


def test_a_bad_queue_url_stops_the_command_with_a_clear_error(
    cli: Callable[..., CliResult], kampanj: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(QUEUE_URL_VAR, "postgresql://kampanj:hemligt@127.0.0.1:1/kampanj")
    result = cli("schedule", "list", str(kampanj))
    assert result.code == 1
    assert result.err == (
        "error: could not reach the queue at postgresql://kampanj:***@127.0.0.1:1/kampanj: connection failed: "
        'connection to server at "127.0.0.1", port 1 failed: Connection refused\n'
    )
