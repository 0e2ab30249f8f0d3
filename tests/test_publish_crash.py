"""Crash test: SIGKILL the publisher at random moments during a run of 100 posts.

The publisher is the real command (`python -m campaign publish --once`) in a
subprocess, posting to the fake X API on 127.0.0.1 (which answers a little
slowly, so that kills land while requests are on the wire). It is killed and
restarted until a run finishes by itself. Then: no post arrived at X twice,
and every row is published (and on X, with the right text) or uncertain.
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
from pathlib import Path

import pytest

from campaign.publish import service
from campaign.publish.queue import Queue, queue_path
from tests.fakes.campaign_dir import numbered_messages, write_campaign
from tests.fakes.harness import UNSENT, KillLoop, kill_and_restart, queue_rows
from tests.fakes.x_api import FakeX, Keys

ROOT = Path(__file__).resolve().parents[1]
POSTS = 100
KILLS = 12  # then the last run goes to the end


@pytest.mark.slow
def test_killing_the_publisher_never_posts_twice_nor_loses_a_post(tmp_path: Path) -> None:
    x = FakeX().start()
    x.delay = 0.01
    try:
        _crash_loop(tmp_path, x, random.Random(7))
    finally:
        x.stop()


def _crash_loop(tmp_path: Path, x: FakeX, rng: random.Random) -> None:
    accounts = [{"id": "x-test", "platform": "x", "endpoint": x.url}]
    plan = [
        {"at": f"day 1 {9 + i // 60:02d}:{i % 60:02d}", "message": f"m{i + 1:03d}", "accounts": ["x-test"]} for i in range(POSTS)
    ]
    root = write_campaign(
        tmp_path / "kampanj", numbered_messages(POSTS), accounts, {"late_after_minutes": 24 * 60, "posts": plan}
    )
    service.schedule_plan(root, dt.datetime(2026, 2, 3, 12, 0, tzinfo=dt.UTC))
    env = {**os.environ, **Keys().env("CAMPAIGN_X_TEST"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "campaign", "publish", str(root), "--once", "--now", "day 2 00:00"]
    kills = kill_and_restart(
        command,
        cwd=ROOT,
        env=env,
        sent=lambda: len(x.requests),
        unfinished=lambda: bool(queue_rows(queue_path(root), UNSENT)),
        loop=KillLoop(KILLS, latest=0.4, runs=KILLS + 5),
        rng=rng,
    )
    assert kills >= KILLS // 2, "the publisher was hardly ever killed; the test proves nothing"
    _check(root, x, kills)


def _check(root: Path, x: FakeX, kills: int) -> None:
    arrived = collections.Counter(x.arrivals())
    twice = {text: n for text, n in arrived.items() if n > 1}
    assert twice == {}, f"posts that arrived more than once: {twice}"
    rows = queue_rows(queue_path(root))
    assert len(rows) == POSTS
    states = collections.Counter(r.state for r in rows)
    assert set(states) <= {"published", "uncertain"}, states
    tweets = {t.id: t.text for t in x.tweets}
    for row in rows:
        if row.state == "published":
            assert tweets[row.remote_id or ""] == row.parts[0].text
        else:
            assert arrived[row.parts[0].text] <= 1
    assert len(tweets) == states["published"] + sum(1 for r in rows if r.state == "uncertain" and arrived[r.parts[0].text])
    print(f"crash test: {kills} kills, {states['published']} published, {states['uncertain']} uncertain")


@pytest.mark.slow
def test_two_publishers_at_once_send_every_post_exactly_once(tmp_path: Path) -> None:
    x = FakeX().start()
    x.delay = 0.005
    try:
        accounts = [{"id": "x-test", "platform": "x", "endpoint": x.url}]
        plan = [{"at": "day 1 09:00", "message": f"m{i:03d}", "accounts": ["x-test"]} for i in range(1, 41)]
        root = write_campaign(
            tmp_path / "kampanj", numbered_messages(40), accounts, {"late_after_minutes": 24 * 60, "posts": plan}
        )
        service.schedule_plan(root, dt.datetime(2026, 2, 3, 12, 0, tzinfo=dt.UTC))
        env = {**os.environ, **Keys().env("CAMPAIGN_X_TEST"), "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "campaign", "publish", str(root), "--once", "--now", "day 2 00:00"]
        processes = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120)[0].decode() for p in processes]
        assert [p.returncode for p in processes] == [0, 0]
        arrived = collections.Counter(x.arrivals())
        assert len(arrived) == 40 and set(arrived.values()) == {1}
        sent_by = [sum(1 for line in out.splitlines() if line.startswith("published: ")) for out in outputs]
        assert sum(sent_by) == 40
    finally:
        x.stop()


@pytest.mark.slow
def test_sigterm_stops_a_watching_publisher_after_the_post_in_hand(tmp_path: Path) -> None:
    x = FakeX().start()
    x.delay = 0.05
    try:
        accounts = [{"id": "x-test", "platform": "x", "endpoint": x.url}]
        # due a few minutes ago by the real clock (--watch follows it): within the grace period, not late
        import zoneinfo

        due = (dt.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")) - dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
        plan = [{"at": due, "message": f"m{i:03d}", "accounts": ["x-test"]} for i in range(1, 31)]
        root = write_campaign(tmp_path / "kampanj", numbered_messages(30), accounts, plan)
        service.schedule_plan(root, dt.datetime(2026, 2, 3, 12, 0, tzinfo=dt.UTC))
        env = {**os.environ, **Keys().env("CAMPAIGN_X_TEST"), "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            [sys.executable, "-m", "campaign", "publish", str(root), "--watch", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not x.tweets and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
        assert err.decode().endswith("stopped\n")
        queue = Queue.open(queue_path(root))
        states = collections.Counter(r.state for r in queue.rows())
        queue.close()
        assert set(states) == {"published", "scheduled"} and 1 <= states["published"] < 30
        assert states["published"] == len(x.tweets) == len(x.arrivals())
    finally:
        x.stop()
