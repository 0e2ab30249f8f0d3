"""The publishing queue, and the stores it is kept in. All the queue's SQL is in this module.

The queue lives in a store: by default a SQLite file in the campaign's working
folder (one person, one machine), or a PostgreSQL database that several
publishers on several machines share (``campaign.publish.queue_pg``, chosen
by ``CAMPAIGN_QUEUE_URL``). A store is small (``Store``): it runs a statement,
opens a transaction, knows its schema version and how to lock rows; the
queue's rules, below, are written once over it, in SQL both databases read.

One row per post × account. A row moves

    scheduled → sending → published
                        → failed      (reason, attempts; a person may retry)
                        → uncertain   (a post may be on the account and the platform cannot say: a person looks)
                        → scheduled   (given back: a long rate limit, a stopped account, a publisher that died)
    scheduled / failed / uncertain → cancelled
    failed / uncertain / cancelled → scheduled   (a person's retry; a failed row also when its entry is edited)

Exactly-once rests on these rules. A publisher claims a row in one atomic
UPDATE (two publishers never take the same row) and holds it by a lease it
renews while it works. Just before a post request goes out the row is marked
``in_flight`` and that is committed. The mark is cleared only when the part is
recorded as published, or when the answer of the only request that may have
reached the platform says nothing was posted, or when the publisher looked
and the post is not there: a 429, a wait, a kill, a timeout, a 5xx or a
network error never clear it. A row with the mark is never sent blindly again:
the worker settles it first (looks on the account, or resends within the
platform's idempotency window), and leaves it uncertain for a person only
when neither is possible.

A row more than the grace period past its time is held as late: a publish run
does not send it until a person says so (``send_late``).

Each store carries a schema version (SQLite: ``PRAGMA user_version``;
PostgreSQL: the table ``queue_schema``); ``Queue.open`` brings an older queue
up to date with the store's migrations, in one transaction.
Times are UTC text; every function takes ``now``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import socket
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.publish.errors import QueueError, RowNotFound
from campaign.publish.model import Part, Planned, RemotePost
from campaign.publish.queue_pg import PostgresStore
from campaign.publish.queue_url import QUEUE_URL_VAR, is_postgres
from campaign.publish.store import Cursor, Store
from campaign.publish.when import from_db, to_db

WORK_DIR = ".campaign"
QUEUE_FILE = "queue.sqlite3"
STATES = ("scheduled", "sending", "published", "failed", "uncertain", "cancelled")
LEASE = dt.timedelta(minutes=10)  # a claim not renewed for this long is free again (publishers renew every minute)
SCHEMA_VERSION = 2

# Version 1: the queue as first written (kept verbatim: an old file is brought up from it).
SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,              -- '<entry>@<account>', stable across edits
    idempotency_key TEXT NOT NULL UNIQUE,
    entry TEXT NOT NULL,
    message TEXT NOT NULL,
    account TEXT NOT NULL,
    platform TEXT NOT NULL,
    due_at TEXT NOT NULL,                  -- UTC, '2026-02-04T08:00:00Z'
    parts TEXT NOT NULL,                   -- JSON: [{text, facets, images}]
    link TEXT,
    fingerprint TEXT NOT NULL,             -- hash of due_at + parts: what the plan asked for
    state TEXT NOT NULL CHECK (state IN ('scheduled','sending','published','failed','uncertain','cancelled')),
    in_plan INTEGER NOT NULL DEFAULT 1,    -- 0 once the entry left the plan
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,                  -- not before this (a rate limit's reset)
    sent TEXT NOT NULL DEFAULT '[]',       -- JSON: remote posts of the parts already published
    in_flight INTEGER NOT NULL DEFAULT 0,  -- 1 while a post request may be on the wire
    owner TEXT,                            -- the publisher process holding the row
    claimed_at TEXT,
    remote_id TEXT,
    remote_url TEXT,
    failure TEXT,                          -- auth, duplicate, rejected, transient, error
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT
);
CREATE INDEX IF NOT EXISTS posts_due ON posts (state, due_at);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id),
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT
);
"""

# Each step takes a file from version N-1 to N.
MIGRATIONS: dict[int, str] = {
    2: """
ALTER TABLE posts ADD COLUMN lease_until TEXT;         -- the owner's claim holds until then (renewed while it works)
ALTER TABLE posts ADD COLUMN in_flight_at TEXT;        -- when the part now in flight was first sent (idempotency windows)
ALTER TABLE posts ADD COLUMN first_tried_at TEXT;      -- the first request of the row (where a look on the account starts)
ALTER TABLE posts ADD COLUMN send_late INTEGER NOT NULL DEFAULT 0;  -- a person said: send it although it is late
UPDATE posts SET lease_until = strftime('%Y-%m-%dT%H:%M:%SZ', claimed_at, '+1 hour') WHERE state = 'sending';
UPDATE posts SET in_flight_at = updated_at WHERE in_flight = 1;
UPDATE posts SET first_tried_at = created_at WHERE attempts > 0;
CREATE TABLE accounts (
    account TEXT PRIMARY KEY,
    stopped TEXT NOT NULL CHECK (stopped IN ('auth', 'unreachable')),
    reason TEXT NOT NULL,
    endpoint TEXT,
    credentials_id TEXT,                   -- fingerprint of the refused credentials (never the secret)
    since TEXT NOT NULL,
    retry_at TEXT,                         -- unreachable: not tried again before this
    failures INTEGER NOT NULL DEFAULT 1
);
""",
}


@dataclass(frozen=True)
class AccountStop:
    """An account that fails as a whole: refused credentials (until they change) or an endpoint that cannot be reached."""

    account: str
    stopped: str  # auth, unreachable
    reason: str
    endpoint: str | None
    credentials_id: str | None
    since: dt.datetime
    retry_at: dt.datetime | None
    failures: int


@dataclass(frozen=True)
class Row:
    """One queue row as stored."""

    id: int
    key: str
    idempotency_key: str
    entry: str
    message: str
    account: str
    platform: str
    due: dt.datetime
    parts: tuple[Part, ...]
    link: str | None
    state: str
    in_plan: bool
    attempts: int
    sent: tuple[RemotePost, ...]
    in_flight: bool
    owner: str | None
    remote_id: str | None
    remote_url: str | None
    failure: str | None
    reason: str | None
    next_attempt_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    lease_until: dt.datetime | None = None
    in_flight_at: dt.datetime | None = None
    first_tried_at: dt.datetime | None = None
    send_late: bool = False
    person_said_send: bool = False  # the in-flight mark is a person's retry: send unless a look finds it

    def late(self, now: dt.datetime, grace: dt.timedelta) -> bool:
        """Whether the row is held as late: scheduled, more than ``grace`` past its time, and no one said to send it."""
        return self.state == "scheduled" and not self.send_late and self.due < now - grace

    @staticmethod
    def from_sql(r: Mapping[str, Any]) -> Row:
        return Row(
            id=r["id"],
            key=r["key"],
            idempotency_key=r["idempotency_key"],
            entry=r["entry"],
            message=r["message"],
            account=r["account"],
            platform=r["platform"],
            due=from_db(r["due_at"]),
            parts=tuple(Part.from_json(p) for p in json.loads(r["parts"])),
            link=r["link"],
            state=r["state"],
            in_plan=bool(r["in_plan"]),
            attempts=r["attempts"],
            sent=tuple(RemotePost.from_json(s) for s in json.loads(r["sent"])),
            in_flight=bool(r["in_flight"]),
            owner=r["owner"],
            remote_id=r["remote_id"],
            remote_url=r["remote_url"],
            failure=r["failure"],
            reason=r["reason"],
            next_attempt_at=from_db(r["next_attempt_at"]) if r["next_attempt_at"] else None,
            published_at=from_db(r["published_at"]) if r["published_at"] else None,
            lease_until=_time(r["lease_until"]),
            in_flight_at=_time(r["in_flight_at"]),
            first_tried_at=_time(r["first_tried_at"]),
            send_late=bool(r["send_late"]),
            person_said_send=r["in_flight"] == PERSON_SAID_SEND,
        )


def _time(text: str | None) -> dt.datetime | None:
    return from_db(text) if text else None


PERSON_SAID_SEND = 2  # in_flight: may be on the account, and a person said to send it (X still looks first)
CANCELLABLE = ("scheduled", "failed", "uncertain")
RETRYABLE = ("failed", "uncertain", "cancelled", "scheduled")  # a scheduled row: one held as late
CONFIRMABLE = ("uncertain", "failed")


@dataclass(frozen=True)
class Selection:
    """Rows a person names: ids or keys, and/or filters; a row must pass every filter given."""

    refs: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()  # message ids or entry ids
    since: dt.datetime | None = None  # due at or after
    until: dt.datetime | None = None  # due before
    late: tuple[dt.datetime, dt.timedelta] | None = None  # only rows held as late at (now, grace)

    @property
    def filtered(self) -> bool:
        return bool(self.accounts or self.states or self.messages or self.since or self.until or self.late)

    def matches(self, row: Row) -> bool:
        return (
            (not self.accounts or row.account in self.accounts)
            and (not self.states or row.state in self.states)
            and (not self.messages or row.message in self.messages or row.entry in self.messages)
            and (self.since is None or row.due >= self.since)
            and (self.until is None or row.due < self.until)
            and (self.late is None or row.late(*self.late))
        )


@dataclass
class SyncReport:
    """What ``sync`` did, key by key."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)  # left the plan before they were sent
    restored: list[str] = field(default_factory=list)  # came back into the plan
    kept: list[str] = field(default_factory=list)  # sent (or being sent) and edited since: left as they are

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.cancelled or self.restored)


def queue_path(root: Path) -> Path:
    """Where a campaign's queue lives (inside its gitignored working folder)."""
    return root / WORK_DIR / QUEUE_FILE


def idempotency_key(campaign_name: str, key: str) -> str:
    """A key per row, drawn once when the row is made and kept for its life: every try of a post carries it.

    Random rather than derived from the row's key, so that a queue made afresh
    (or another campaign with the same entry ids) never shares keys with posts
    an earlier queue sent: Bluesky record keys and Mastodon's idempotency are built on it.
    """
    salt = secrets.token_hex(16)
    return hashlib.sha256(f"{campaign_name}\0{key}\0{salt}".encode()).hexdigest()[:32]


def fingerprint(planned: Planned) -> str:
    body = json.dumps(
        {"due": to_db(planned.due), "parts": [p.to_json() for p in planned.parts], "link": planned.link},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def machine_id() -> str:
    """This machine (or container), told apart from others even when host names repeat.

    The machine id (systemd's /etc/machine-id), the boot id and the host name
    together; a container with a copied machine id still has its own boot or
    host name, and two hosts named alike still differ in their machine ids.
    """
    parts = []
    for name in ("/etc/machine-id", "/var/lib/dbus/machine-id", "/proc/sys/kernel/random/boot_id"):
        try:
            parts.append(Path(name).read_text().strip())
        except OSError:
            parts.append("")
    parts.append(socket.gethostname())
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def owner_token() -> str:
    """This publisher instance, as ``machine/pid/start/instance``.

    The instance is a random id drawn once per process: two publishers are
    never taken for one, even on hosts with the same name. The pid and its
    start time let a publisher on the same machine see that the owner is dead.
    """
    return f"{machine_id()}/{os.getpid()}/{_start_time(os.getpid())}/{_INSTANCE}"


_INSTANCE = uuid.uuid4().hex[:12]


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "?"
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name


def owner_alive(owner: str) -> bool | None:
    """Whether the publisher named by ``owner`` still runs; None if it is on another machine (its lease decides)."""
    if "/" in owner:
        machine, pid, start, _instance = owner.split("/", 3)
        if machine != machine_id():
            return None
    else:  # a claim made by version 1 of the queue: host:pid:start
        host, pid, start = owner.rsplit(":", 2)
        if host != socket.gethostname():
            return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return start == "?" or _start_time(int(pid)) == start


class SQLiteStore(Store):
    """A SQLite file (WAL, synchronous writes): one machine's publishers share it; a network file system is not safe."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.where = self.target = str(path)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # an in-flight mark must be on disk before the request leaves
        self.db.execute("PRAGMA busy_timeout=30000")

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        return self.db.execute(sql, params)

    @contextmanager
    def transaction(self, *, exclusive: bool = False) -> Iterator[None]:
        """BEGIN IMMEDIATE: takes the write lock at once, so a read-then-write can't race (always exclusive)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def migrate(self, version: int) -> int:
        """Create the file, or bring one made by an older version up to ``version``, in one transaction.

        A file whose queue was moved to PostgreSQL (``schedule migrate``) is refused: it is kept as a record only.
        """
        moved = self.moved()
        if moved is not None:
            raise QueueError(
                f"the queue in {self.path} was moved to {moved[0]} at {moved[1]}; set {QUEUE_URL_VAR} to use it there "
                "(the file is kept as a record and is no longer used)"
            )
        before = self.schema_version()
        if before == version:
            return before
        with self.transaction():  # the write lock: two publishers starting at once migrate once
            before = current = self.schema_version()
            if current > version:
                raise QueueError(
                    f"{self.path} was made by a newer version of campaign (queue schema {current}, this one knows "
                    f"{version}); upgrade campaign"
                )
            if current == 0:
                for statement in _statements(SCHEMA):
                    self.db.execute(statement)
                current = 1
            for step in range(current + 1, version + 1):
                for statement in _statements(MIGRATIONS[step]):
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {version}")
        return before

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def moved(self) -> tuple[str, str] | None:
        """Where and when the queue was moved to PostgreSQL (the URL without its password), if it was."""
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'queue_moved'").fetchone():
            return None
        row = self.db.execute("SELECT url, at FROM queue_moved ORDER BY at DESC LIMIT 1").fetchone()
        return (row["url"], row["at"]) if row else None

    def mark_moved(self, where: str, now: dt.datetime) -> None:
        """Record that the queue now lives at ``where`` (no password): the file is not opened as a queue again."""
        self.db.execute("CREATE TABLE IF NOT EXISTS queue_moved (url TEXT NOT NULL, at TEXT NOT NULL)")
        self.db.execute("INSERT INTO queue_moved (url, at) VALUES (?, ?)", (where, to_db(now)))

    def close(self) -> None:
        self.db.close()


def sqlite_rows(path: Path) -> int:
    """How many rows a SQLite queue file holds (0: no file, or a queue moved elsewhere); read only, nothing made."""
    if not path.is_file():
        return 0
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "posts" not in tables or "queue_moved" in tables:
            return 0
        return int(db.execute("SELECT count(*) FROM posts").fetchone()[0])
    finally:
        db.close()


def open_store(target: Path | str) -> Store:
    """The store a target names: a ``postgresql://`` URL, or else a SQLite file's path."""
    if is_postgres(target):
        return PostgresStore(str(target))
    return SQLiteStore(Path(target))


class Queue:
    """The queue of one campaign, over a store. Open with ``Queue.open(path or URL)``; close when done."""

    def __init__(self, store: Store, campaign_name: str = "") -> None:
        self.store = store
        self.campaign_name = campaign_name

    @classmethod
    def open(cls, target: Path | str, campaign_name: str = "") -> Queue:
        """The queue in a SQLite file (made if missing) or a PostgreSQL database (``postgresql://…``), brought up to date."""
        store = open_store(target)
        try:
            store.migrate(SCHEMA_VERSION)
        except BaseException:
            store.close()
            raise
        return cls(store, campaign_name)

    @property
    def path(self) -> Path:
        """The SQLite file (a PostgreSQL queue has none)."""
        if not isinstance(self.store, SQLiteStore):
            raise QueueError(f"the queue at {self.store.where} is not a file")
        return self.store.path

    @property
    def where(self) -> str:
        """The store as messages name it (a URL without its password)."""
        return self.store.where

    @property
    def target(self) -> str:
        """What opens this queue again, from another process (holds a URL's password: never show it)."""
        return self.store.target

    def schema_version(self) -> int:
        return self.store.schema_version()

    def close(self) -> None:
        self.store.close()

    def transaction(self, *, exclusive: bool = False) -> AbstractContextManager[None]:
        return self.store.transaction(exclusive=exclusive)

    def _event(self, post_id: int, now: dt.datetime, event: str, detail: str | None = None) -> None:
        self.store.execute(
            "INSERT INTO events (post_id, at, event, detail) VALUES (?, ?, ?, ?)", (post_id, to_db(now), event, detail)
        )

    # -- loading the plan -------------------------------------------------

    def sync(self, planned: Sequence[Planned], now: dt.datetime) -> SyncReport:
        """Make the queue match the plan; rows already sent are never touched."""
        report = SyncReport()
        wanted = {p.key: p for p in planned}
        with self.transaction(exclusive=True):  # two loads at once would both insert a new key
            existing = {r["key"]: r for r in self.store.execute("SELECT * FROM posts" + self.store.row_lock)}
            for key, plan in sorted(wanted.items()):
                self._sync_one(plan, existing.get(key), now, report)
            for key, row in sorted(existing.items()):
                if key not in wanted and row["in_plan"]:
                    self.store.execute("UPDATE posts SET in_plan = 0, updated_at = ? WHERE id = ?", (to_db(now), row["id"]))
                    if row["state"] == "scheduled":
                        self._set(row["id"], now, "cancelled", reason="removed from the plan")
                        report.cancelled.append(key)
        return report

    def _sync_one(self, plan: Planned, row: Mapping[str, Any] | None, now: dt.datetime, report: SyncReport) -> None:
        fp = fingerprint(plan)
        parts = json.dumps([p.to_json() for p in plan.parts], ensure_ascii=False, sort_keys=True)
        if row is None:
            cur = self.store.execute(
                "INSERT INTO posts (key, idempotency_key, entry, message, account, platform, due_at, parts, link, fingerprint,"
                " state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?) RETURNING id",
                (
                    plan.key,
                    idempotency_key(self.campaign_name, plan.key),
                    plan.entry,
                    plan.message,
                    plan.account,
                    plan.platform,
                    to_db(plan.due),
                    parts,
                    plan.link,
                    fp,
                    to_db(now),
                    to_db(now),
                ),
            )
            self._event(cur.fetchone()["id"], now, "planned", to_db(plan.due))
            report.added.append(plan.key)
            return
        restored = not row["in_plan"]
        if restored:
            self.store.execute("UPDATE posts SET in_plan = 1 WHERE id = ?", (row["id"],))
            if row["state"] == "cancelled" and row["reason"] == "removed from the plan":
                self._set(row["id"], now, "scheduled", reason=None)
            report.restored.append(plan.key)
        if row["fingerprint"] == fp:
            if not restored:
                report.unchanged.append(plan.key)
            return
        if row["state"] in ("scheduled", "failed", "cancelled") and not json.loads(row["sent"]):
            self.store.execute(
                "UPDATE posts SET message = ?, due_at = ?, parts = ?, link = ?, fingerprint = ?, updated_at = ? WHERE id = ?",
                (plan.message, to_db(plan.due), parts, plan.link, fp, to_db(now), row["id"]),
            )
            self._event(row["id"], now, "updated", to_db(plan.due))
            if row["state"] == "failed":  # the edit is the fix (new text, new image): try again
                self._set(row["id"], now, "scheduled", reason="edited in the plan after it failed", reset=True)
            report.updated.append(plan.key)
        else:
            report.kept.append(plan.key)

    # -- publishing ---------------------------------------------------------

    def recover(self, now: dt.datetime) -> list[Row]:
        """Rows held by publishers that are gone (dead on this machine, or their lease ran out): given back.

        A row whose post may be on the wire keeps its in-flight mark: the next
        run settles it (looks, or resends within the idempotency window) before
        anything is sent again.
        """
        changed: list[Row] = []
        with self.transaction():
            for r in self.store.execute(
                "SELECT * FROM posts WHERE state = 'sending' ORDER BY id" + self.store.claim_lock
            ).fetchall():
                if self._held(r, now):
                    continue
                sent = len(json.loads(r["sent"]))
                if r["in_flight"]:
                    reason = (
                        f"the publisher stopped while part {sent + 1} was being sent; the next run checks before sending it again"
                        if len(json.loads(r["parts"])) > 1
                        else "the publisher stopped while the post was being sent; the next run checks before sending it again"
                    )
                elif sent:  # parts published, none on the wire: the next run sends only the rest
                    reason = f"the publisher stopped after part {sent} was published; the rest is scheduled again"
                else:
                    reason = "the publisher stopped before sending; scheduled again"
                self._set(r["id"], now, "scheduled", reason=reason)
                changed.append(self.get(r["id"]))
        return changed

    @staticmethod
    def _held(r: Mapping[str, Any], now: dt.datetime) -> bool:
        """Whether a sending row's owner still holds it: alive on this machine, or within its lease."""
        alive = owner_alive(r["owner"] or "?:0:?")
        if alive is not None:
            return alive
        until = r["lease_until"] or (to_db(from_db(r["claimed_at"]) + dt.timedelta(hours=1)) if r["claimed_at"] else None)
        return until is not None and from_db(until) > now

    def claim(
        self,
        now: dt.datetime,
        owner: str,
        *,
        skip_accounts: Iterable[str] = (),
        only_accounts: Iterable[str] | None = None,
        hold_before: dt.datetime | None = None,
        clock_now: dt.datetime | None = None,
    ) -> Row | None:
        """Take the earliest due row for ``owner``: one atomic UPDATE … RETURNING.

        ``now`` picks what is due; ``hold_before`` leaves rows due before it
        (late ones) unless a person said to send them; ``clock_now`` (the real
        time, default ``now``) starts the lease.
        """
        skip = sorted(set(skip_accounts))
        only = sorted(set(only_accounts)) if only_accounts is not None else None
        stamp = clock_now or now
        where = ["state = 'scheduled'", "due_at <= :now", "(next_attempt_at IS NULL OR next_attempt_at <= :stamp)"]
        params: dict[str, Any] = {"now": to_db(now), "owner": owner, "stamp": to_db(stamp), "lease": to_db(stamp + LEASE)}
        if hold_before is not None:
            where.append("(due_at >= :hold OR send_late = 1)")
            params["hold"] = to_db(hold_before)
        if skip:
            where.append(f"account NOT IN ({', '.join(f':s{i}' for i in range(len(skip)))})")
            params.update({f"s{i}": a for i, a in enumerate(skip)})
        if only is not None:
            where.append(f"account IN ({', '.join(f':o{i}' for i in range(len(only)))})" if only else "1 = 0")
            params.update({f"o{i}": a for i, a in enumerate(only)})
        sql = (
            "UPDATE posts SET state = 'sending', owner = :owner, claimed_at = :stamp, lease_until = :lease, updated_at = :stamp"
            " WHERE id = (SELECT id FROM posts WHERE "
            + " AND ".join(where)
            + " ORDER BY due_at, id LIMIT 1"
            + self.store.claim_lock
            + ")"
            " AND state = 'scheduled' RETURNING id"
        )
        with self.transaction():
            got = self.store.execute(sql, params).fetchone()
            if got is None:
                return None
            self._event(got["id"], stamp, "claimed", owner)
        return self.get(got["id"])

    def renew(self, owner: str, now: dt.datetime) -> int:
        """Extend the lease on every row ``owner`` holds (called while a run works and while it waits)."""
        cur = self.store.execute(
            "UPDATE posts SET lease_until = ? WHERE owner = ? AND state = 'sending'", (to_db(now + LEASE), owner)
        )
        return cur.rowcount

    def late(self, now: dt.datetime, grace: dt.timedelta, only_accounts: Iterable[str] | None = None) -> list[Row]:
        """Scheduled rows more than ``grace`` past their time that no one said to send anyway: held."""
        only = set(only_accounts) if only_accounts is not None else None
        return [r for r in self.rows(["scheduled"]) if r.late(now, grace) and (only is None or r.account in only)]

    def _owned(self, row_id: int, owner: str, sql: str, params: tuple[Any, ...]) -> None:
        """Run an UPDATE on a row only while ``owner`` still holds it."""
        cur = self.store.execute(sql + " WHERE id = ? AND owner = ? AND state = 'sending'", (*params, row_id, owner))
        if cur.rowcount != 1:
            raise QueueError(f"row {row_id} is no longer held by this publisher")

    def mark_in_flight(self, row_id: int, owner: str, now: dt.datetime) -> None:
        """Committed before a post request leaves: from here on the row is never sent blindly again."""
        stamp = to_db(now)
        self._owned(
            row_id,
            owner,
            "UPDATE posts SET in_flight = 1, attempts = attempts + 1, in_flight_at = COALESCE(in_flight_at, ?),"
            " first_tried_at = COALESCE(first_tried_at, ?), lease_until = ?, updated_at = ?",
            (stamp, stamp, to_db(now + LEASE), stamp),
        )

    def clear_in_flight(self, row_id: int, owner: str, now: dt.datetime, why: str | None = None) -> None:
        """Nothing of the part in flight is on the account: the only request that may have reached it was refused, or a look found nothing."""
        self._owned(row_id, owner, "UPDATE posts SET in_flight = 0, in_flight_at = NULL, updated_at = ?", (to_db(now),))
        if why:
            self._event(row_id, now, "settled", why)

    def record_part(self, row_id: int, owner: str, remote: RemotePost, now: dt.datetime) -> None:
        """A part of the thread is published: remember it, so a retry continues after it."""
        with self.transaction():
            sent = json.loads(
                self.store.execute("SELECT sent FROM posts WHERE id = ?" + self.store.row_lock, (row_id,)).fetchone()["sent"]
            )
            sent.append(remote.to_json())
            self._owned(
                row_id,
                owner,
                "UPDATE posts SET sent = ?, in_flight = 0, in_flight_at = NULL, lease_until = ?, updated_at = ?",
                (json.dumps(sent), to_db(now + LEASE), to_db(now)),
            )
            self._event(row_id, now, "part-published", remote.url)

    def published(self, row_id: int, owner: str, remote: RemotePost, now: dt.datetime) -> None:
        with self.transaction():
            self._owned(
                row_id,
                owner,
                "UPDATE posts SET state = 'published', in_flight = 0, owner = NULL, remote_id = ?, remote_url = ?,"
                " failure = NULL, reason = NULL, published_at = ?, updated_at = ?",
                (remote.id, remote.url, to_db(now), to_db(now)),
            )
            self._event(row_id, now, "published", remote.url)

    def failed(self, row_id: int, owner: str, failure: str, reason: str, now: dt.datetime) -> None:
        with self.transaction():
            self._owned(
                row_id,
                owner,
                "UPDATE posts SET state = 'failed', in_flight = 0, owner = NULL, failure = ?, reason = ?, updated_at = ?",
                (failure, reason, to_db(now)),
            )
            self._event(row_id, now, "failed", f"{failure}: {reason}")

    def uncertain(self, row_id: int, owner: str, reason: str, now: dt.datetime) -> None:
        with self.transaction():
            self._owned(
                row_id,
                owner,
                "UPDATE posts SET state = 'uncertain', owner = NULL, reason = ?, updated_at = ?",
                (reason, to_db(now)),
            )
            self._event(row_id, now, "uncertain", reason)

    def release(self, row_id: int, owner: str, not_before: dt.datetime | None, reason: str, now: dt.datetime) -> None:
        """Give a row back (a long rate-limit wait, a stopped account): scheduled again, not before ``not_before``.

        The in-flight mark stays: a post that may have arrived is settled before it is sent again.
        """
        with self.transaction():
            self._owned(
                row_id,
                owner,
                "UPDATE posts SET state = 'scheduled', owner = NULL, lease_until = NULL, next_attempt_at = ?, reason = ?,"
                " updated_at = ?",
                (to_db(not_before) if not_before else None, reason, to_db(now)),
            )
            self._event(row_id, now, "released", reason)

    # -- people ---------------------------------------------------------------

    def get(self, row_id: int, *, lock: bool = False) -> Row:
        """A row by id; ``lock`` (in a transaction): no one else changes it until the transaction ends."""
        r = self.store.execute("SELECT * FROM posts WHERE id = ?" + (self.store.row_lock if lock else ""), (row_id,)).fetchone()
        if r is None:
            raise RowNotFound(f"no queue row {row_id}; `campaign schedule list` shows the rows")
        return Row.from_sql(r)

    def find(self, ref: str, *, lock: bool = False) -> Row:
        """A row by id or by key ('resurser@x-riks')."""
        if ref.isdigit():
            return self.get(int(ref), lock=lock)
        r = self.store.execute("SELECT * FROM posts WHERE key = ?" + (self.store.row_lock if lock else ""), (ref,)).fetchone()
        if r is None:
            raise RowNotFound(f"no queue row {ref!r}; `campaign schedule list` shows the rows")
        return Row.from_sql(r)

    def rows(self, states: Iterable[str] | None = None) -> list[Row]:
        """Rows in time order (optionally only some states)."""
        sql = "SELECT * FROM posts"
        wanted = sorted(set(states)) if states else []
        if wanted:
            sql += f" WHERE state IN ({', '.join('?' for _ in wanted)})"
        return [Row.from_sql(r) for r in self.store.execute(sql + " ORDER BY due_at, id", wanted)]

    def due(self, now: dt.datetime, only_accounts: Iterable[str] | None = None) -> list[Row]:
        """Rows a publisher would send at ``now``, in order."""
        only = set(only_accounts) if only_accounts is not None else None
        return [
            r
            for r in self.rows(["scheduled"])
            if r.due <= now and (r.next_attempt_at is None or r.next_attempt_at <= now) and (only is None or r.account in only)
        ]

    def events(self, row_id: int) -> list[tuple[dt.datetime, str, str | None]]:
        return [
            (from_db(e["at"]), e["event"], e["detail"])
            for e in self.store.execute("SELECT * FROM events WHERE post_id = ? ORDER BY id", (row_id,))
        ]

    def select(self, chosen: Selection, now: dt.datetime | None = None) -> list[Row]:
        """The rows a person's selection names: ids or keys, and/or filters (all must hold)."""
        rows = [self.find(ref) for ref in chosen.refs] if chosen.refs else self.rows()
        seen: set[int] = set()
        out = []
        for row in rows:
            if row.id in seen or not chosen.matches(row):
                continue
            seen.add(row.id)
            out.append(row)
        return out

    def cancel(self, ref: str, now: dt.datetime) -> Row:
        """Stop a row from being sent (scheduled, failed or uncertain ones)."""
        return self._person(ref, now, CANCELLABLE, "cancelled", "cancelled by a person")

    def retry(self, ref: str, now: dt.datetime) -> Row:
        """Send a row at the next run: a failed, uncertain or cancelled one, or a scheduled one held as late.

        Parts already published are kept; a post that may be on the account is still looked for first (X).
        """
        with self.transaction():
            row = self.find(ref, lock=True)  # a publisher's claim of it waits for this change, and sees it
            if row.state not in RETRYABLE:
                raise QueueError(f"row {row.id} ({row.key}) is {row.state}; only {', '.join(RETRYABLE)} rows can be retried")
            self.store.execute("UPDATE posts SET send_late = 1 WHERE id = ?", (row.id,))
            if row.state == "scheduled":
                self._event(row.id, now, "send-late", "a person said to send it although it is late")
            else:
                self._set(row.id, now, "scheduled", reason="retried by a person", reset=True)
                if row.in_flight or row.state == "uncertain":  # it may be there: a publisher that can look still looks first
                    self.store.execute("UPDATE posts SET in_flight = ? WHERE id = ?", (PERSON_SAID_SEND, row.id))
        return self.get(row.id)

    def confirm(self, ref: str, now: dt.datetime, url: str | None = None) -> Row:
        """A person checked that the post did arrive: mark it published.

        Uncertain rows, and failed ones too: a retried uncertain post that had
        arrived comes back from X as a duplicate, and a person may have posted
        a failed one by hand.
        """
        with self.transaction():
            row = self.find(ref, lock=True)  # a publisher's claim of it waits for this change, and sees it
            if row.state not in CONFIRMABLE:
                raise QueueError(f"row {row.id} ({row.key}) is {row.state}; only uncertain or failed rows can be confirmed")
            remote_url = url or (row.sent[0].url if row.sent else None)
            remote_id = row.sent[0].id if row.sent else None
            self.store.execute(
                "UPDATE posts SET state = 'published', in_flight = 0, failure = NULL, remote_id = ?, remote_url = ?, reason = ?,"
                " published_at = ?, updated_at = ? WHERE id = ?",
                (remote_id, remote_url, "confirmed by a person", to_db(now), to_db(now), row.id),
            )
            self._event(row.id, now, "confirmed", remote_url)
        return self.get(row.id)

    def _person(
        self, ref: str, now: dt.datetime, allowed: tuple[str, ...], state: str, reason: str | None, reset: bool = False
    ) -> Row:
        with self.transaction():
            row = self.find(ref, lock=True)  # a publisher's claim of it waits for this change, and sees it
            if row.state not in allowed:
                raise QueueError(
                    f"row {row.id} ({row.key}) is {row.state}; only {', '.join(allowed)} rows can be {state if state != 'scheduled' else 'retried'}"
                )
            self._set(row.id, now, state, reason=reason, reset=reset)
        return self.get(row.id)

    # -- accounts that fail as a whole ----------------------------------------

    def account_stops(self) -> dict[str, AccountStop]:
        return {
            r["account"]: AccountStop(
                r["account"],
                r["stopped"],
                r["reason"],
                r["endpoint"],
                r["credentials_id"],
                from_db(r["since"]),
                _time(r["retry_at"]),
                r["failures"],
            )
            for r in self.store.execute("SELECT * FROM accounts ORDER BY account")
        }

    def stop_account(
        self,
        account: str,
        kind: str,
        reason: str,
        now: dt.datetime,
        *,
        endpoint: str | None = None,
        credentials_id: str | None = None,
        retry_at: dt.datetime | None = None,
    ) -> AccountStop:
        """Stop an account: refused credentials (until ``credentials_id`` changes), or unreachable (until ``retry_at``)."""
        with self.transaction(exclusive=True):
            before = self.store.execute(
                "SELECT failures, since FROM accounts WHERE account = ? AND stopped = ?", (account, kind)
            ).fetchone()
            self.store.execute(
                "INSERT INTO accounts (account, stopped, reason, endpoint, credentials_id, since, retry_at, failures)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET stopped = excluded.stopped,"
                " reason = excluded.reason, endpoint = excluded.endpoint, credentials_id = excluded.credentials_id,"
                " since = excluded.since, retry_at = excluded.retry_at, failures = excluded.failures",
                (
                    account,
                    kind,
                    reason,
                    endpoint,
                    credentials_id,
                    before["since"] if before else to_db(now),
                    to_db(retry_at) if retry_at else None,
                    (before["failures"] + 1) if before else 1,
                ),
            )
        return self.account_stops()[account]

    def resume_account(self, account: str) -> None:
        """The account works again (new credentials, the endpoint answered)."""
        self.store.execute("DELETE FROM accounts WHERE account = ?", (account,))

    def _set(self, row_id: int, now: dt.datetime, state: str, *, reason: str | None, reset: bool = False) -> None:
        extra = ", failure = NULL, next_attempt_at = NULL, in_flight = 0" if reset else ""
        self.store.execute(
            f"UPDATE posts SET state = ?, owner = NULL, reason = ?, updated_at = ?{extra} WHERE id = ?",
            (state, reason, to_db(now), row_id),
        )
        self._event(row_id, now, state, reason)


def _statements(script: str) -> list[str]:
    """The statements of a script (executescript would commit the migration's transaction)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [stmt.strip() for stmt in "\n".join(lines).split(";") if stmt.strip()]
