"""Mastodon's 429: the reset its own X-RateLimit-Reset header names (ISO 8601), on the worker's clock.

Against the fake Mastodon on 127.0.0.1, which answers a 429 as Mastodon does
(``X-RateLimit-Reset: 2026-02-04T08:02:00.000Z`` and a ``Date``). The worker runs
on a clock of its own, far from this machine's: the wait must follow the header,
not the 60 s default for a 429 that names no reset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path

import pytest

from campaign.publish.model import Planned
from campaign.publish.publishers.mastodon import rate_limit_reset
from campaign.publish.queue import Queue, owner_token
from campaign.publish.worker import Policy, RunReport, run_once
from tests.fakes.clock import FakeClock
from tests.fakes.harness import MastodonHarness

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)  # the worker's clock: not this machine's


@pytest.fixture
def mastodon() -> Iterator[MastodonHarness]:
    h = MastodonHarness()
    yield h
    h.stop()


def publish(h: MastodonHarness, tmp_path: Path, clock: FakeClock, *texts: str) -> tuple[Queue, RunReport]:
    queue = Queue.open(tmp_path / "queue.sqlite3", "test")
    queue.sync([Planned(f"e{i}@konto", f"e{i}", "m", "konto", "mastodon", T0, (h.part(t),)) for i, t in enumerate(texts)], T0)
    account = h.account()
    report = run_once(queue, T0, {account.id: account}, lambda a: h.publisher(), owner=owner_token(), clock=clock)
    return queue, report


def test_a_429_waits_until_the_reset_its_header_names(mastodon: MastodonHarness, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    mastodon.fail_next(mastodon.rate_limited(T0 + dt.timedelta(seconds=120)))
    queue, report = publish(mastodon, tmp_path, clock, "Två minuter senare")
    assert [o.state for o in report.outcomes] == ["published"] and queue.rows()[0].attempts == 2
    assert len(clock.slept) == 1 and 120 <= clock.slept[0] <= 123, clock.slept  # not the default
    assert clock.slept != [Policy().default_rate_wait]
    assert [s["text"] for s in mastodon.m.statuses] == ["Två minuter senare"]


def test_a_429_resetting_in_two_hours_gives_the_rows_back_until_then(mastodon: MastodonHarness, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    reset = T0 + dt.timedelta(hours=2)
    mastodon.fail_next(mastodon.rate_limited(reset))
    queue, report = publish(mastodon, tmp_path, clock, "Mycket senare", "Också senare")
    assert [o.state for o in report.outcomes] == ["released"] and clock.slept == []
    rows = queue.rows()
    assert [r.state for r in rows] == ["scheduled", "scheduled"]
    assert rows[0].next_attempt_at is not None and reset <= rows[0].next_attempt_at <= reset + dt.timedelta(seconds=5)


def test_the_reset_header_is_read_as_mastodon_and_gotosocial_write_it() -> None:
    served = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)
    date = format_datetime(served, usegmt=True)
    local = served.timestamp()
    # Mastodon: ISO 8601 with microseconds (Rails' iso8601(6)); GoToSocial: epoch seconds.
    assert rate_limit_reset({"X-RateLimit-Reset": "2026-02-04T08:05:00.123456Z", "Date": date}, local) == dt.datetime(
        2026, 2, 4, 8, 5, 0, 123456, tzinfo=dt.UTC
    )
    epoch = str(int((served + dt.timedelta(minutes=5)).timestamp()))
    assert rate_limit_reset({"X-RateLimit-Reset": epoch, "Date": date}, local) == served + dt.timedelta(minutes=5)
    # A server clock 30 s ahead of ours: its reset comes 30 s earlier on ours.
    assert rate_limit_reset({"X-RateLimit-Reset": "2026-02-04T08:05:00Z", "Date": date}, local - 30) == dt.datetime(
        2026, 2, 4, 8, 4, 30, tzinfo=dt.UTC
    )
    assert rate_limit_reset({"X-RateLimit-Reset": "2026-02-04T08:05:00Z"}, local) == dt.datetime(2026, 2, 4, 8, 5, tzinfo=dt.UTC)
    # No reset, or none that reads as a time: None (the worker waits its default and says so).
    assert rate_limit_reset({}, local) is None
    assert rate_limit_reset({"X-RateLimit-Reset": "soon", "Date": date}, local) is None
