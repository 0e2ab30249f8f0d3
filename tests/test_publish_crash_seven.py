"""The crash trial for Threads, Facebook, Instagram and LinkedIn: none of them takes an idempotency key.

Like ``test_publish_crash.py`` for X: the real command (`python -m campaign
publish --once`) in a subprocess, killed with SIGKILL at random moments and
restarted until a run finishes by itself. On top, the fake answers some post
requests with a 5xx before making the post, and loses the answer of others
(makes the post, then answers 5xx), so the publisher must look on the account
before sending again. Then: no post arrived twice, and every row is published
(with its own post) or uncertain (left for a person, never resent).

A second trial runs in this process with a fake clock, so that 429s (which
make the worker wait the platform's reset) can be mixed in as well: SIGKILL is
stood in for by an exception thrown from the publisher's HTTP calls, before a
request leaves or after its answer came back.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import random
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from campaign.publish import service
from campaign.publish.model import Planned
from campaign.publish.queue import Queue, queue_path
from campaign.publish.worker import Policy, run_once
from tests.fakes import linkedin_api, meta_api
from tests.fakes.base import Reply, Request
from tests.fakes.campaign_dir import numbered_messages, write_campaign
from tests.fakes.clock import FakeClock
from tests.fakes.harness import UNSENT, KillLoop, kill_and_restart, queue_rows
from tests.fakes.meta_harness import FacebookHarness, InstagramHarness, LinkedInHarness, ThreadsHarness, _Hosted

ROOT = Path(__file__).resolve().parents[1]
POSTS = 20
KILLS = 5
HARNESSES: dict[str, Callable[[], _Hosted]] = {
    "threads": ThreadsHarness,
    "facebook": FacebookHarness,
    "instagram": InstagramHarness,
    "linkedin": LinkedInHarness,
}
ACCOUNT = {
    "threads": {},
    "facebook": {"profile_id": meta_api.PAGE_ID},
    "instagram": {"profile_id": meta_api.IG_USER},
    "linkedin": {"profile_id": linkedin_api.ORG},
}


def stored(h: _Hosted) -> dict[str, str]:
    """Post id → text of every post the fake holds."""
    if isinstance(h, LinkedInHarness):
        return {p.id: p.text for p in h.li.posts}
    if isinstance(h, FacebookHarness):
        return {p.id: p.text for p in h.fb.posts()}
    return {m.id: m.text for m in (h.ig if isinstance(h, InstagramHarness) else h.th).media()}


def chaos(h: _Hosted, rng: random.Random, *, rate_limits: bool = False) -> collections.Counter[str]:
    """Make the fake answer some post requests badly: 5xx before posting, 5xx after posting (a lost answer), 429."""
    original, done = h.server.route, collections.Counter[str]()

    def route(request: Request) -> Reply:
        if request.method != "POST" or request.path != h.create_path:
            return original(request)
        roll = rng.random()
        if roll < 0.08:
            done["5xx"] += 1
            return h.server_error()
        if rate_limits and roll < 0.14:
            done["429"] += 1
            return h.rate_limited(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2))
        reply = original(request)
        if roll > 0.9 and reply.status in (200, 201):
            done["lost"] += 1
            return Reply(502, {"error": {"message": "Bad gateway", "code": 2, "is_transient": True}})
        return reply

    h.server.route = route  # type: ignore[method-assign]
    return done


def _check(h: _Hosted, rows: list[Any], texts: list[str]) -> collections.Counter[str]:
    posts = stored(h)
    arrived = collections.Counter(posts.values())
    assert {t: n for t, n in arrived.items() if n > 1} == {}, "posts that arrived more than once"
    states = collections.Counter(r.state for r in rows)
    assert set(states) <= {"published", "uncertain"}, states
    for row in rows:
        if row.state == "published":
            assert posts[row.remote_id] == row.parts[0].text
    uncertain_arrived = sum(1 for r in rows if r.state == "uncertain" and arrived[r.parts[0].text])
    assert len(posts) == states["published"] + uncertain_arrived
    assert set(arrived) <= set(texts)
    return states


@pytest.mark.slow
@pytest.mark.parametrize("platform", list(HARNESSES))
def test_killing_the_publisher_amid_5xx_and_lost_answers_never_posts_twice_nor_loses_a_post(
    platform: str, tmp_path: Path
) -> None:
    h = HARNESSES[platform]()
    h.server.delay = 0.01
    faults = chaos(h, random.Random(11))
    rng = random.Random(7)
    try:
        account = {"id": "konto", "platform": platform, "endpoint": h.server.url, **ACCOUNT[platform]}
        plan = [
            {
                "at": f"day 1 {9 + i // 60:02d}:{i % 60:02d}",
                "message": f"m{i + 1:03d}",
                "accounts": ["konto"],
                **({"images": [{"file": "build/images/kort.jpg", "alt": "Delningsbild"}]} if platform == "instagram" else {}),
            }
            for i in range(POSTS)
        ]
        root = write_campaign(tmp_path / "kampanj", numbered_messages(POSTS), [account], plan)
        if platform == "instagram":
            (root / "build" / "images").mkdir(parents=True)
            (root / "build" / "images" / "kort.jpg").write_bytes((h.folder / "kort.jpg").read_bytes())
            text = (
                (root / "messages" / "campaign.yaml")
                .read_text()
                .replace("https://kampanj.example.org/test/", h.kit.url + "/kit/")
            )
            (root / "messages" / "campaign.yaml").write_text(text)
            h.kit.root = (root / "build").resolve()
        service.schedule_plan(root, dt.datetime(2026, 2, 3, 12, 0, tzinfo=dt.UTC))
        env = {**os.environ, **h.env(), "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "campaign", "publish", str(root), "--once", "--now", "day 1 09:30"]
        kills = kill_and_restart(
            command,
            cwd=ROOT,
            env=env,
            sent=lambda: len(h.server.requests),
            unfinished=lambda: bool(queue_rows(queue_path(root), UNSENT)),
            loop=KillLoop(KILLS, latest=0.6, runs=KILLS + 8),
            rng=rng,
        )
        assert kills >= KILLS // 2, "the publisher was hardly ever killed; the trial proves nothing"
        rows = queue_rows(queue_path(root))
        assert len(rows) == POSTS
        states = _check(h, rows, [r.parts[0].text for r in rows])
        assert faults["5xx"] + faults["lost"] > 0, faults
        print(f"crash trial {platform}: {kills} kills, {dict(faults)}, {dict(states)}")
    finally:
        h.stop()


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs in the publisher."""


@pytest.mark.parametrize("platform", list(HARNESSES))
def test_dying_at_random_amid_5xx_429_and_lost_answers_never_posts_twice(platform: str, tmp_path: Path) -> None:
    h = HARNESSES[platform]()
    rng = random.Random(3)
    faults = chaos(h, random.Random(5), rate_limits=h.names_reset)
    t0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)
    try:
        queue = Queue.open(tmp_path / "queue.sqlite3", "test")
        texts = [f"Inlägg {i} av {POSTS} ({platform}): socialtjänsten behöver resurser." for i in range(POSTS)]
        queue.sync([Planned(f"e{i}@konto", f"e{i}", "m", "konto", platform, t0, (h.part(t),)) for i, t in enumerate(texts)], t0)
        account = h.account()
        original = requests.Session.request
        dying = {"on": True, "deaths": 0}

        def request(session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
            if dying["on"] and rng.random() < 0.08:
                dying["deaths"] += 1
                raise Killed  # before the request leaves
            answer = original(session, method, url, *args, **kwargs)
            if dying["on"] and rng.random() < 0.08:
                dying["deaths"] += 1
                raise Killed  # after the answer came, before anything was recorded
            return answer

        requests.Session.request = request  # type: ignore[method-assign]
        try:
            for run in range(60):
                owner = f"{socket.gethostname()}:{2**22 + 1}:dead-{run}"  # above Linux's pid_max: a process that is gone
                try:
                    run_once(
                        queue, t0, {account.id: account}, lambda a: h.publisher(), owner=owner, clock=FakeClock(), policy=Policy()
                    )
                except Killed:
                    continue
                if not queue.rows(["scheduled", "sending"]):
                    break
                dying["on"] = run < 40
        finally:
            requests.Session.request = original  # type: ignore[method-assign]
        queue.recover(t0 + dt.timedelta(days=1))
        rows = queue.rows()
        assert len(rows) == POSTS
        states = _check(h, rows, texts)
        assert dying["deaths"] > 2 and faults["5xx"] + faults["lost"] > 0, (dying, faults)
        print(f"in-process trial {platform}: {dying['deaths']} deaths, {dict(faults)}, {dict(states)}")
    finally:
        h.stop()
