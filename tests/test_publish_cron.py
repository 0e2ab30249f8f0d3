"""Publishing left on cron: late rows held, filters for people, and a queue made by the first version opened."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from campaign.loader import load
from campaign.publish import service
from campaign.publish.plan import PlanError, resolve
from campaign.publish.queue import SCHEMA, SCHEMA_VERSION, Queue, Selection, queue_path
from tests.fakes.campaign_dir import numbered_messages, write_campaign

X = [{"id": "x-riks", "platform": "x", "endpoint": "http://127.0.0.1:9"}]


def _campaign(tmp_path: Path, posts: list[dict]) -> Path:
    return write_campaign(tmp_path / "kampanj", numbered_messages(len(posts)), X, posts)


def test_rows_more_than_the_grace_period_late_are_held_and_said(tmp_path: Path) -> None:
    posts = [{"at": f"day 1 {9 + i}:00", "message": f"m{i + 1:03d}", "accounts": ["x-riks"]} for i in range(3)]
    root = _campaign(tmp_path, posts)
    service.schedule_plan(root, dt.datetime(2026, 2, 3, tzinfo=dt.UTC))
    now = dt.datetime(2026, 2, 4, 10, 30, tzinfo=dt.UTC)  # 11:30 local: 09:00 and 10:00 are over an hour late
    dry = service.dry_run(root, now)
    assert [r.key for r in dry.listing.rows] == ["m003@x-riks"]
    assert [r.key for r in dry.listing.late] == ["m001@x-riks", "m002@x-riks"]
    assert "held as late: 2 rows more than 1 h past their time" in dry.lines()[-1]
    changed = service.schedule_change(root, "retry", Selection(late=(now, dt.timedelta(hours=1))), now)
    assert [r.key for r in changed.rows] == ["m001@x-riks", "m002@x-riks"]
    assert [r.key for r in service.dry_run(root, now).listing.rows] == ["m001@x-riks", "m002@x-riks", "m003@x-riks"]


def test_retry_confirm_and_cancel_take_filters(tmp_path: Path) -> None:
    posts = [{"at": f"day 1 {9 + i}:00", "message": f"m{i + 1:03d}", "accounts": ["x-riks"]} for i in range(4)]
    root = _campaign(tmp_path, posts)
    now = dt.datetime(2026, 2, 3, tzinfo=dt.UTC)
    service.schedule_plan(root, now)
    until = dt.datetime(2026, 2, 4, 10, 0, tzinfo=dt.UTC)  # before 11:00 local
    cancelled = service.schedule_change(root, "cancel", Selection(accounts=("x-riks",), until=until), now)
    assert [r.key for r in cancelled.rows] == ["m001@x-riks", "m002@x-riks"]
    retried = service.schedule_change(root, "retry", Selection(states=("cancelled",), messages=("m002",)), now)
    assert [(r.key, r.state) for r in retried.rows] == [("m002@x-riks", "scheduled")]
    confirm = service.schedule_change(root, "confirm", Selection(accounts=("x-riks",)), now)
    assert confirm.rows == [] and len(confirm.skipped) == 4  # none is uncertain or failed: left as they are


def test_a_queue_made_by_the_first_version_opens_and_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA)  # version 1, verbatim
    parts = json.dumps([{"text": "Gammal rad", "facets": [], "images": []}])
    old.execute(
        "INSERT INTO posts (key, idempotency_key, entry, message, account, platform, due_at, parts, fingerprint, state,"
        " in_flight, attempts, owner, claimed_at, created_at, updated_at)"
        " VALUES ('a@x', 'k', 'a', 'a', 'x', 'x', '2026-02-04T08:00:00Z', ?, 'f', 'sending', 1, 1, 'other-host:1:2',"
        " '2026-02-04T08:00:00Z', '2026-02-03T08:00:00Z', '2026-02-04T08:00:00Z')",
        (parts,),
    )
    old.commit()
    old.close()
    queue = Queue.open(path)
    try:
        assert queue.schema_version() == SCHEMA_VERSION
        [row] = queue.rows()
        assert (row.state, row.in_flight, row.owner) == ("sending", True, "other-host:1:2")
        assert row.lease_until == dt.datetime(2026, 2, 4, 9, 0, tzinfo=dt.UTC)  # the old one-hour lease, carried over
        [back] = queue.recover(dt.datetime(2026, 2, 4, 9, 1, tzinfo=dt.UTC))
        assert (back.state, back.in_flight) == ("scheduled", True)  # still marked: settled before any resend
        assert queue.account_stops() == {}
    finally:
        queue.close()
    assert Queue.open(path).schema_version() == SCHEMA_VERSION  # opening again changes nothing


def test_two_rows_of_one_account_with_the_same_part_are_said_at_plan_time(tmp_path: Path) -> None:
    messages = [{"id": "a", "kind": "short", "text": "Samma text."}, {"id": "b", "kind": "short", "text": "Samma text."}]
    posts = [
        {"at": "day 1 09:00", "message": "a", "accounts": ["x-riks"]},
        {"at": "day 1 10:00", "message": "b", "accounts": ["x-riks"]},
    ]
    root = write_campaign(tmp_path / "k", messages, X, posts)
    with pytest.raises(PlanError, match=r"^b@x-riks part 1 has the same text as a@x-riks part 1 on account 'x-riks'; X refuses"):
        resolve(load(root).campaign)
    masto = [{"id": "masto", "platform": "mastodon", "endpoint": "http://127.0.0.1:9"}]
    posts = [{**p, "accounts": ["masto"]} for p in posts]
    warnings = resolve(load(write_campaign(tmp_path / "m", messages, masto, posts)).campaign).warnings
    assert [w.message for w in warnings if "same text" in w.message] == [
        "b@masto part 1 has the same text as a@masto part 1 on account 'masto'; platforms refuse or hide a repeated post "
        "(X: half a thread): make the texts differ"
    ]
    assert queue_path(root).parent.name == ".campaign"
