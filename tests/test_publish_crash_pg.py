"""Crash test on PostgreSQL: two `campaign publish --watch` processes share one queue and are SIGKILLed at random.

Both publishers are the real command in subprocesses, with CAMPAIGN_QUEUE_URL
naming a fresh schema on the test server (CAMPAIGN_TEST_PG; skipped, saying
why, without one). They post to the fake X on 127.0.0.1, which answers a
little slowly (so kills land while requests are on the wire) and accepts a
repeated text (so a second send of a post would show as a duplicate instead
of being refused for us). One of the two, at random, is killed at a random
moment and started again, again and again; the survivor takes over the dead
one's rows, settling a post that may have been on the wire by looking at the
account first. Then: 100 posts, each on X exactly once, every row published
and pointing at its own tweet.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest

from campaign.publish import service
from campaign.publish.queue import Queue
from campaign.publish.queue_url import QUEUE_URL_VAR
from tests.fakes.campaign_dir import numbered_messages, write_campaign
from tests.fakes.harness import UNSENT, queue_rows
from tests.fakes.x_api import FakeX, Keys
from tests.pg_support import pg_url

__all__ = ["pg_url"]  # the fixture, for pytest

ROOT = Path(__file__).resolve().parents[1]
POSTS = 100
KILLS = 12  # then both run to the end
PUBLISHERS = 2


@pytest.mark.slow
def test_two_publishers_killed_at_random_on_postgresql_post_each_post_exactly_once(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = FakeX(window_limit=100_000, refuse_duplicates=False).start()  # the bench measures us, not X's 15-minute window
    x.delay = 0.01
    try:
        root = _campaign(tmp_path, x)
        env = {**os.environ, **Keys().env("CAMPAIGN_X_TEST"), "PYTHONPATH": str(ROOT), QUEUE_URL_VAR: pg_url}
        monkeypatch.setenv(QUEUE_URL_VAR, pg_url)
        service.schedule_plan(root, dt.datetime.now(dt.UTC))
        kills = _crash_loop(root, env, x, pg_url, random.Random(17))
        _check(x, pg_url, kills)
    finally:
        x.stop()


def _campaign(tmp_path: Path, x: FakeX) -> Path:
    accounts = [{"id": "x-test", "platform": "x", "endpoint": x.url}]
    # due a few minutes ago by the real clock (--watch follows it), well within the grace period
    due = (dt.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")) - dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    plan = [{"at": due, "message": f"m{i + 1:03d}", "accounts": ["x-test"]} for i in range(POSTS)]
    return write_campaign(
        tmp_path / "kampanj", numbered_messages(POSTS), accounts, {"late_after_minutes": 24 * 60, "posts": plan}
    )


def _start(root: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "campaign", "publish", str(root), "--watch", "--interval", "0.2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _crash_loop(root: Path, env: dict[str, str], x: FakeX, url: str, rng: random.Random) -> int:
    publishers = [_start(root, env) for _ in range(PUBLISHERS)]
    kills = 0
    deadline = time.monotonic() + 300
    try:
        while kills < KILLS and _left(url) and time.monotonic() < deadline:
            seen = len(x.requests)  # kill once sending has gone on (start-up alone would prove little)
            while len(x.requests) == seen and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.3))
            victim = rng.randrange(PUBLISHERS)
            publishers[victim].send_signal(signal.SIGKILL)
            publishers[victim].wait()
            kills += 1
            publishers[victim] = _start(root, env)
        while _left(url) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for p in publishers:
            p.send_signal(signal.SIGTERM)
        errors = [p.communicate(timeout=60)[1].decode() for p in publishers]
    # Each publisher stops cleanly (0) once it runs; one restarted just before the end may still be starting
    # (its SIGTERM handler not yet set: it has said nothing), and then the signal ends it before it did anything.
    still_starting = [p.returncode == -signal.SIGTERM and not said for p, said in zip(publishers, errors, strict=True)]
    assert [0 if starting else p.returncode for p, starting in zip(publishers, still_starting, strict=True)] == [
        0
    ] * PUBLISHERS, errors
    assert kills >= KILLS // 2, "the publishers were hardly ever killed; the test proves nothing"
    return kills


def _left(url: str) -> int:
    return len(queue_rows(url, UNSENT))


def _check(x: FakeX, url: str, kills: int) -> None:
    arrived = collections.Counter(x.arrivals())
    twice = {text: n for text, n in arrived.items() if n > 1}
    assert twice == {}, f"posts that arrived more than once: {twice}"
    queue = Queue.open(url)
    try:
        rows = queue.rows()
        events = [e for r in rows for e in queue.events(r.id)]
        owners = {detail for _at, event, detail in events if event == "claimed"}
        taken_over = sum(1 for _at, event, detail in events if event == "scheduled" and "publisher stopped" in (detail or ""))
        on_the_wire = sum(1 for _at, event, detail in events if event == "scheduled" and "being sent" in (detail or ""))
    finally:
        queue.close()
    states = collections.Counter(r.state for r in rows)
    assert states == {"published": POSTS}, states  # 0 lost: nothing left uncertain, failed or unsent
    tweets = {t.id: t.text for t in x.tweets}
    assert len(tweets) == POSTS
    for row in rows:
        assert tweets[row.remote_id or ""] == row.parts[0].text
    assert taken_over >= 1, "no killed publisher held a row: the test proves nothing"
    print(
        f"crash test on PostgreSQL: {kills} kills of {PUBLISHERS} publishers, {states['published']} published, "
        f"0 duplicates; {taken_over} rows taken over from a killed publisher, {on_the_wire} of them with the post on the wire "
        f"(settled by looking at the account); claimed by {len(owners)} publisher instances"
    )
