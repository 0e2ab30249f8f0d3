"""The worker's own rules, with publishers that fail in ways no server can: a bug mid-send, a vanished account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from campaign.publish.model import Account, Image, Part, Planned, RemotePost
from campaign.publish.publishers.base import Publisher
from campaign.publish.queue import Queue, owner_token
from campaign.publish.worker import run_once
from tests.fakes.clock import FakeClock

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)
ACCOUNT = Account("konto", "x", "http://127.0.0.1:9")


class Broken(Publisher):
    """Sends the first part, then crashes with a bug while the second is on the wire (or before it)."""

    platform = "x"

    def __init__(self, crash_in_flight: bool) -> None:
        super().__init__(ACCOUNT)
        self.crash_in_flight = crash_in_flight
        self.created: list[str] = []

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        return []

    def check(self, part: Part) -> None:
        if not self.crash_in_flight and self.created:
            raise RuntimeError("bug before sending")

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        if self.created:
            raise RuntimeError("bug while sending")
        self.created.append(part.text)
        return RemotePost("1", "https://x.com/i/web/status/1")


def queue_with_thread(tmp_path: Path) -> Queue:
    queue = Queue.open(tmp_path / "q.sqlite3", "t")
    queue.sync([Planned("a@konto", "a", "m", "konto", "x", T0, (Part("Del 1"), Part("Del 2")))], T0)
    return queue


def test_a_bug_while_a_post_is_on_the_wire_leaves_the_row_uncertain(tmp_path: Path) -> None:
    queue = queue_with_thread(tmp_path)
    report = run_once(
        queue, T0, {"konto": ACCOUNT}, lambda a: Broken(crash_in_flight=True), owner=owner_token(), clock=FakeClock()
    )
    [outcome] = report.outcomes
    assert outcome.state == "uncertain"
    assert outcome.detail == "unexpected RuntimeError: bug while sending; check the account, then confirm or retry"
    assert [s.id for s in queue.rows()[0].sent] == ["1"]  # a retry continues with part 2


def test_a_bug_before_anything_was_sent_fails_the_row(tmp_path: Path) -> None:
    queue = queue_with_thread(tmp_path)
    report = run_once(
        queue, T0, {"konto": ACCOUNT}, lambda a: Broken(crash_in_flight=False), owner=owner_token(), clock=FakeClock()
    )
    assert [(o.state, o.row.failure) for o in report.outcomes] == [("failed", "error")]


def test_an_account_gone_from_the_campaign_leaves_its_rows_scheduled(tmp_path: Path) -> None:
    queue = queue_with_thread(tmp_path)
    report = run_once(queue, T0, {}, lambda a: Broken(crash_in_flight=True), owner=owner_token(), clock=FakeClock())
    assert report.outcomes == [] and report.account_errors == {"konto": "account 'konto' is no longer in the campaign"}
    row = queue.rows()[0]
    assert (row.state, row.reason) == ("scheduled", "not sent: account 'konto' is no longer in the campaign")


class RateLimitedOnce(Publisher):
    """Answers the first post with a 429 whose reset is ten minutes ahead, then posts."""

    platform = "x"

    def __init__(self, reset: dt.datetime) -> None:
        super().__init__(ACCOUNT)
        self.reset, self.calls = reset, 0

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        return []

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        from campaign.publish.errors import RateLimited

        self.calls += 1
        if self.calls == 1:
            raise RateLimited("429", self.reset)
        return RemotePost("9", "https://x.com/i/web/status/9")


def test_the_lease_is_renewed_while_the_run_waits_so_no_other_publisher_takes_the_row(tmp_path: Path) -> None:
    """A publisher on another machine (told apart by its instance id) sees the row held through a
    ten-minute rate-limit wait, longer than the lease itself."""
    queue = queue_with_thread(tmp_path)
    other = Queue.open(queue.path, "t")
    seen: list[list[Any]] = []

    class Watching(FakeClock):
        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            seen.append(other.recover(self.current))  # the other publisher looks at the end of the wait

    owner = "another-machine/4242/1/instance-a"
    report = run_once(
        queue, T0, {"konto": ACCOUNT}, lambda a: RateLimitedOnce(T0 + dt.timedelta(minutes=10)), owner=owner, clock=Watching(T0)
    )
    assert [o.state for o in report.outcomes] == ["published"]
    assert seen == [[]]  # never recovered from under the working publisher
    other.close()
