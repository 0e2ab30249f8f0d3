"""One harness per platform, so that one contract suite runs against every publisher.

A harness starts the platform's server (the fake X, the fake Mastodon, or a
fault proxy in front of the real Bluesky PDS), makes an account and its
credentials, injects faults into the post-creating endpoint, and reads back
what the server holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign.publish.model import Account, Image, Part
from campaign.publish.publishers import make_publisher
from campaign.publish.publishers.base import Publisher
from campaign.publish.queue import Queue, Row
from tests.fakes import mastodon_api, proxy, x_api
from tests.fakes.base import FakeServer, Reply

UNSENT = ["scheduled", "sending"]  # the rows a publisher still has to send


def queue_rows(target: Path | str, states: list[str] | None = None) -> list[Row]:
    """The rows of the queue at ``target`` (a SQLite file or a ``postgresql://`` URL), those in ``states`` if given."""
    queue = Queue.open(target)
    try:
        return queue.rows(states)
    finally:
        queue.close()


@dataclass
class KillLoop:
    """How a crash test kills the publisher: the first ``kills`` runs each at a random moment, up to ``latest``
    seconds after it began sending; at most ``runs`` runs, each allowed ``timeout`` seconds to end by itself."""

    kills: int
    latest: float
    runs: int
    timeout: float = 300


def kill_and_restart(
    command: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    sent: Callable[[], int],
    unfinished: Callable[[], bool],
    loop: KillLoop,
    rng: random.Random,
) -> int:
    """Run the publisher ``command`` again and again; SIGKILL it while it sends, until ``loop.kills`` runs died.

    A run is killed once ``sent()`` (the requests the servers saw) has grown, so that the kill lands while
    it works, not while it starts. After that the runs go to their end, which must be an exit code of 0 or
    1, until ``unfinished()`` (asked after each run that ended by itself; it may wait for a rate limit
    first) says nothing is left. Returns how many runs were killed.
    """
    kills = 0
    for _ in range(loop.runs):
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if kills < loop.kills:
            seen = sent()
            while process.poll() is None and sent() == seen:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, loop.latest))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
                kills += 1
                continue
        process.wait(timeout=loop.timeout)
        stderr = process.stderr.read().decode() if process.stderr else ""
        assert process.returncode in (0, 1), stderr
        if not unfinished():
            break
    return kills


@dataclass
class Seen:
    """A post as read back from the server."""

    id: str
    text: str
    reply_to: str | None
    alts: list[str]
    facets: list[dict[str, Any]]
    aspect: list[tuple[int, int]]


class Harness:
    platform: str
    server: FakeServer
    create_path: str
    has_duplicates = False
    has_threads = True  # the composer may split a post into replies
    names_reset = True  # a 429 names when the limit resets
    account_id = "konto"

    def part(self, text: str, images: tuple[Image, ...] = ()) -> Part:
        """A part as this platform takes it (Instagram's always carries an image)."""
        return Part(text, (), images)

    def image(self, alt: str) -> Image:
        """An image this platform takes, with alt text."""
        from campaign.publish.plan import image_file

        return image_file(Path(__file__).resolve().parents[2] / "assets" / "logo.png", alt)

    def account(self) -> Account:  # pragma: no cover - abstract
        raise NotImplementedError

    def env(self) -> dict[str, str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def bad_env(self) -> dict[str, str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def publisher(self, env: dict[str, str] | None = None, work: Path | None = None) -> Publisher:
        return make_publisher(self.account(), self.env() if env is None else env, work)

    def rate_limited(self, reset: dt.datetime) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError

    def server_error(self) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError

    def fail_next(self, reply: Reply, times: int = 1) -> None:
        self.server.fail_next("POST", self.create_path, reply, times)

    def creates(self) -> int:
        """How many post-creating requests arrived."""
        return len(self.server.hits("POST", self.create_path))

    def read(self, remote_id: str) -> Seen:  # pragma: no cover - abstract
        raise NotImplementedError

    def stop(self) -> None:
        self.server.stop()


class XHarness(Harness):
    platform = "x"
    create_path = "/2/tweets"
    has_duplicates = True

    def __init__(self) -> None:
        self.keys = x_api.Keys()
        self.server = self.x = x_api.FakeX(self.keys).start()

    def account(self) -> Account:
        return Account(self.account_id, "x", self.server.url)

    def env(self) -> dict[str, str]:
        return self.keys.env("CAMPAIGN_KONTO")

    def bad_env(self) -> dict[str, str]:
        return {**self.env(), "CAMPAIGN_KONTO_ACCESS_TOKEN_SECRET": "revoked-secret"}

    def rate_limited(self, reset: dt.datetime) -> Reply:
        return x_api.rate_limited(int(reset.timestamp()))

    def server_error(self) -> Reply:
        return x_api.server_error(503)

    def read(self, remote_id: str) -> Seen:
        tweet = next(t for t in self.x.tweets if t.id == remote_id)
        return Seen(tweet.id, tweet.text, tweet.reply_to, [self.x.media[m]["alt"] for m in tweet.media_ids], [], [])


class MastodonHarness(Harness):
    platform = "mastodon"
    create_path = "/api/v1/statuses"

    def __init__(self) -> None:
        self.server = self.m = mastodon_api.FakeMastodon().start()

    def account(self) -> Account:
        return Account(self.account_id, "mastodon", self.server.url)

    def env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": mastodon_api.TOKEN}

    def bad_env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": "revoked-token"}

    def rate_limited(self, reset: dt.datetime) -> Reply:
        return mastodon_api.rate_limited(reset)

    def server_error(self) -> Reply:
        return mastodon_api.server_error(503)

    def read(self, remote_id: str) -> Seen:
        status = next(s for s in self.m.statuses if s["id"] == remote_id)
        return Seen(
            status["id"],
            status["text"],
            status["in_reply_to_id"],
            [m["description"] for m in status["media_attachments"]],
            [],
            [],
        )


def pds_info() -> dict[str, Any] | None:
    """The local Bluesky PDS's details (the JSON file CAMPAIGN_TEST_PDS names), if one is running."""
    for candidate in (os.environ.get("CAMPAIGN_TEST_PDS"),):
        if candidate and Path(candidate).is_file():
            try:
                info = json.loads(Path(candidate).read_text())
            except ValueError:
                continue
            import urllib.request

            try:
                urllib.request.urlopen(info["service"] + "/xrpc/_health", timeout=3).read()
            except OSError:
                continue
            return info
    return None


class BlueskyHarness(Harness):
    platform = "bluesky"
    create_path = proxy.CREATE_RECORD

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.server = proxy.Proxy(info["service"]).start()

    def account(self) -> Account:
        return Account(self.account_id, "bluesky", self.server.url, self.info["handle"])

    def env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_APP_PASSWORD": self.info["app_password"]}

    def bad_env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_APP_PASSWORD": "aaaa-bbbb-cccc-dddd"}

    def rate_limited(self, reset: dt.datetime) -> Reply:
        return proxy.rate_limited(reset)

    def server_error(self) -> Reply:
        return proxy.server_error(500)

    def read(self, remote_id: str) -> Seen:
        """The record as the PDS stores it (raw JSON from com.atproto.repo.getRecord)."""
        import urllib.parse
        import urllib.request

        repo, _, rkey = remote_id.removeprefix("at://").split("/")
        query = urllib.parse.urlencode({"repo": repo, "collection": "app.bsky.feed.post", "rkey": rkey})
        with urllib.request.urlopen(f"{self.info['service']}/xrpc/com.atproto.repo.getRecord?{query}", timeout=10) as answer:
            record = json.loads(answer.read())["value"]
        images = (record.get("embed") or {}).get("images") or []
        return Seen(
            remote_id,
            record["text"],
            ((record.get("reply") or {}).get("parent") or {}).get("uri"),
            [i["alt"] for i in images],
            record.get("facets") or [],
            [(i["aspectRatio"]["width"], i["aspectRatio"]["height"]) for i in images if "aspectRatio" in i],
        )
