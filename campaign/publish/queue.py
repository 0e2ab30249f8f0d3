"""The publishing queue: SQLite inside the campaign's working folder.

One row per post × account. A row moves

    scheduled → sending → published
                        → failed      (reason, attempts; a person may retry)
                        → uncertain   (the publisher stopped while a post was on the wire)
    scheduled / failed / uncertain → cancelled
    failed / uncertain / cancelled → scheduled   (a person's retry; a failed row also when its entry is edited)

Exactly-once rests on three rules. A publisher claims a row in one atomic
UPDATE (two publishers never take the same row). Just before a post request
goes out the row is marked ``in_flight`` and that is committed; when the answer
is recorded the mark is cleared. A row left in ``sending`` by a publisher that
died is put back to ``scheduled`` if nothing was on the wire, and made
``uncertain`` if something was: never re-sent without a person deciding.
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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.publish.errors import QueueError, RowNotFound
from campaign.publish.model import Part, Planned, RemotePost
from campaign.publish.when import from_db, to_db

WORK_DIR = ".campaign"
QUEUE_FILE = "queue.sqlite3"
STATES = ("scheduled", "sending", "published", "failed", "uncertain", "cancelled")
LEASE = dt.timedelta(hours=1)  # a claim by a publisher on another machine expires after this

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

    @staticmethod
    def from_sql(r: sqlite3.Row) -> Row:
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


def owner_token() -> str:
    """This process, as ``host:pid:start``; the start time tells a reused pid apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "?"
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name


def owner_alive(owner: str) -> bool | None:
    """Whether the process named by ``owner`` still runs; None if it is on another host."""
    host, pid, start = owner.rsplit(":", 2)
    if host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return start == "?" or _start_time(int(pid)) == start


class Queue:
    """The queue of one campaign. Open with ``Queue.open(path)``; close when done."""

    def __init__(self, db: sqlite3.Connection, path: Path, campaign_name: str = "") -> None:
        self.db = db
        self.path = path
        self.campaign_name = campaign_name

    @classmethod
    def open(cls, path: Path, campaign_name: str = "") -> Queue:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # an in-flight mark must be on disk before the request leaves
        db.execute("PRAGMA busy_timeout=30000")
        db.executescript(SCHEMA)
        return cls(db, path, campaign_name)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: takes the write lock at once, so a read-then-write can't race."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _event(self, post_id: int, now: dt.datetime, event: str, detail: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO events (post_id, at, event, detail) VALUES (?, ?, ?, ?)", (post_id, to_db(now), event, detail)
        )

    # -- loading the plan -------------------------------------------------

    def sync(self, planned: Sequence[Planned], now: dt.datetime) -> SyncReport:
        """Make the queue match the plan; rows already sent are never touched."""
        report = SyncReport()
        wanted = {p.key: p for p in planned}
        with self.transaction():
            existing = {r["key"]: r for r in self.db.execute("SELECT * FROM posts")}
            for key, plan in sorted(wanted.items()):
                self._sync_one(plan, existing.get(key), now, report)
            for key, row in sorted(existing.items()):
                if key not in wanted and row["in_plan"]:
                    self.db.execute("UPDATE posts SET in_plan = 0, updated_at = ? WHERE id = ?", (to_db(now), row["id"]))
                    if row["state"] == "scheduled":
                        self._set(row["id"], now, "cancelled", reason="removed from the plan")
                        report.cancelled.append(key)
        return report

    def _sync_one(self, plan: Planned, row: sqlite3.Row | None, now: dt.datetime, report: SyncReport) -> None:
        fp = fingerprint(plan)
        parts = json.dumps([p.to_json() for p in plan.parts], ensure_ascii=False, sort_keys=True)
        if row is None:
            cur = self.db.execute(
                "INSERT INTO posts (key, idempotency_key, entry, message, account, platform, due_at, parts, link, fingerprint,"
                " state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)",
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
            self._event(cur.lastrowid or 0, now, "planned", to_db(plan.due))
            report.added.append(plan.key)
            return
        restored = not row["in_plan"]
        if restored:
            self.db.execute("UPDATE posts SET in_plan = 1 WHERE id = ?", (row["id"],))
            if row["state"] == "cancelled" and row["reason"] == "removed from the plan":
                self._set(row["id"], now, "scheduled", reason=None)
            report.restored.append(plan.key)
        if row["fingerprint"] == fp:
            if not restored:
                report.unchanged.append(plan.key)
            return
        if row["state"] in ("scheduled", "failed", "cancelled") and not json.loads(row["sent"]):
            self.db.execute(
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
        """Rows held by publishers that are gone: back to scheduled, or uncertain if a post was on the wire."""
        changed: list[Row] = []
        with self.transaction():
            for r in self.db.execute("SELECT * FROM posts WHERE state = 'sending'").fetchall():
                alive = owner_alive(r["owner"] or "?:0:?")
                if alive is None:
                    alive = r["claimed_at"] is not None and from_db(r["claimed_at"]) + LEASE > now
                if alive:
                    continue
                if r["in_flight"]:
                    self._set(
                        r["id"],
                        now,
                        "uncertain",
                        reason="the publisher stopped while the post was being sent; "
                        "check the account, then confirm (it arrived) or retry (it did not)",
                    )
                elif json.loads(r["sent"]):  # parts published, none on the wire: the next run sends only the rest
                    self._set(
                        r["id"],
                        now,
                        "scheduled",
                        reason=f"the publisher stopped after part {len(json.loads(r['sent']))} "
                        "was published; the rest is scheduled again",
                    )
                else:
                    self._set(r["id"], now, "scheduled", reason="the publisher stopped before sending; scheduled again")
                changed.append(self.get(r["id"]))
        return changed

    def claim(
        self, now: dt.datetime, owner: str, *, skip_accounts: Iterable[str] = (), only_accounts: Iterable[str] | None = None
    ) -> Row | None:
        """Take the earliest due row for ``owner``: one atomic UPDATE … RETURNING."""
        skip = sorted(set(skip_accounts))
        only = sorted(set(only_accounts)) if only_accounts is not None else None
        where = ["state = 'scheduled'", "due_at <= :now", "(next_attempt_at IS NULL OR next_attempt_at <= :now)"]
        params: dict[str, Any] = {"now": to_db(now), "owner": owner}
        if skip:
            where.append(f"account NOT IN ({', '.join(f':s{i}' for i in range(len(skip)))})")
            params.update({f"s{i}": a for i, a in enumerate(skip)})
        if only is not None:
            where.append(f"account IN ({', '.join(f':o{i}' for i in range(len(only)))})" if only else "0")
            params.update({f"o{i}": a for i, a in enumerate(only)})
        sql = (
            "UPDATE posts SET state = 'sending', owner = :owner, claimed_at = :now, in_flight = 0, updated_at = :now"
            " WHERE id = (SELECT id FROM posts WHERE " + " AND ".join(where) + " ORDER BY due_at, id LIMIT 1)"
            " AND state = 'scheduled' RETURNING id"
        )
        with self.transaction():
            got = self.db.execute(sql, params).fetchone()
            if got is None:
                return None
            self._event(got["id"], now, "claimed", owner)
        return self.get(got["id"])

    def _owned(self, row_id: int, owner: str, sql: str, params: tuple[Any, ...]) -> None:
        """Run an UPDATE on a row only while ``owner`` still holds it."""
        cur = self.db.execute(sql + " WHERE id = ? AND owner = ? AND state = 'sending'", (*params, row_id, owner))
        if cur.rowcount != 1:
            raise QueueError(f"row {row_id} is no longer held by this publisher")

    def mark_in_flight(self, row_id: int, owner: str, now: dt.datetime) -> None:
        """Committed before a post request leaves: a crash from here on makes the row uncertain."""
        self._owned(row_id, owner, "UPDATE posts SET in_flight = 1, attempts = attempts + 1, updated_at = ?", (to_db(now),))

    def clear_in_flight(self, row_id: int, owner: str, now: dt.datetime) -> None:
        """The request got an answer that says nothing was posted."""
        self._owned(row_id, owner, "UPDATE posts SET in_flight = 0, updated_at = ?", (to_db(now),))

    def record_part(self, row_id: int, owner: str, remote: RemotePost, now: dt.datetime) -> None:
        """A part of the thread is published: remember it, so a retry continues after it."""
        with self.transaction():
            sent = json.loads(self.db.execute("SELECT sent FROM posts WHERE id = ?", (row_id,)).fetchone()["sent"])
            sent.append(remote.to_json())
            self._owned(row_id, owner, "UPDATE posts SET sent = ?, in_flight = 0, updated_at = ?", (json.dumps(sent), to_db(now)))
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

    def release(self, row_id: int, owner: str, not_before: dt.datetime, reason: str, now: dt.datetime) -> None:
        """Give a row back (a long rate-limit wait): scheduled again, not before ``not_before``."""
        with self.transaction():
            self._owned(
                row_id,
                owner,
                "UPDATE posts SET state = 'scheduled', in_flight = 0, owner = NULL, next_attempt_at = ?, reason = ?,"
                " updated_at = ?",
                (to_db(not_before), reason, to_db(now)),
            )
            self._event(row_id, now, "released", reason)

    # -- people ---------------------------------------------------------------

    def get(self, row_id: int) -> Row:
        r = self.db.execute("SELECT * FROM posts WHERE id = ?", (row_id,)).fetchone()
        if r is None:
            raise RowNotFound(f"no queue row {row_id}; `campaign schedule list` shows the rows")
        return Row.from_sql(r)

    def find(self, ref: str) -> Row:
        """A row by id or by key ('resurser@x-riks')."""
        if ref.isdigit():
            return self.get(int(ref))
        r = self.db.execute("SELECT * FROM posts WHERE key = ?", (ref,)).fetchone()
        if r is None:
            raise RowNotFound(f"no queue row {ref!r}; `campaign schedule list` shows the rows")
        return Row.from_sql(r)

    def rows(self, states: Iterable[str] | None = None) -> list[Row]:
        """Rows in time order (optionally only some states)."""
        sql = "SELECT * FROM posts"
        wanted = sorted(set(states)) if states else []
        if wanted:
            sql += f" WHERE state IN ({', '.join('?' for _ in wanted)})"
        return [Row.from_sql(r) for r in self.db.execute(sql + " ORDER BY due_at, id", wanted)]

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
            for e in self.db.execute("SELECT * FROM events WHERE post_id = ? ORDER BY id", (row_id,))
        ]

    def cancel(self, ref: str, now: dt.datetime) -> Row:
        """Stop a row from being sent (scheduled, failed or uncertain ones)."""
        return self._person(ref, now, ("scheduled", "failed", "uncertain"), "cancelled", "cancelled by a person")

    def retry(self, ref: str, now: dt.datetime) -> Row:
        """Send a failed, uncertain or cancelled row again at the next run (parts already published are kept)."""
        return self._person(ref, now, ("failed", "uncertain", "cancelled"), "scheduled", None, reset=True)

    def confirm(self, ref: str, now: dt.datetime, url: str | None = None) -> Row:
        """A person checked that the post did arrive: mark it published.

        Uncertain rows, and failed ones too: a retried uncertain post that had
        arrived comes back from X as a duplicate, and a person may have posted
        a failed one by hand.
        """
        with self.transaction():
            row = self.find(ref)
            if row.state not in ("uncertain", "failed"):
                raise QueueError(f"row {row.id} ({row.key}) is {row.state}; only uncertain or failed rows can be confirmed")
            remote_url = url or (row.sent[0].url if row.sent else None)
            remote_id = row.sent[0].id if row.sent else None
            self.db.execute(
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
            row = self.find(ref)
            if row.state not in allowed:
                raise QueueError(
                    f"row {row.id} ({row.key}) is {row.state}; only {', '.join(allowed)} rows can be {state if state != 'scheduled' else 'retried'}"
                )
            self._set(row.id, now, state, reason=reason, reset=reset)
        return self.get(row.id)

    def _set(self, row_id: int, now: dt.datetime, state: str, *, reason: str | None, reset: bool = False) -> None:
        extra = ", failure = NULL, next_attempt_at = NULL, in_flight = 0" if reset else ""
        self.db.execute(
            f"UPDATE posts SET state = ?, owner = NULL, reason = ?, updated_at = ?{extra} WHERE id = ?",
            (state, reason, to_db(now), row_id),
        )
        self._event(row_id, now, state, reason)
