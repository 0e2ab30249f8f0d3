"""The queue's contract, on every store: loading the plan idempotently, atomic claims, recovery, people's actions.

Each test runs on SQLite and on a real PostgreSQL server (skipped, saying
why, when CAMPAIGN_TEST_PG names none): the huey ``test_storage`` pattern.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest

from campaign.publish.errors import QueueError, RowNotFound
from campaign.publish.model import Part, Planned, RemotePost
from campaign.publish.queue import Queue, owner_token
from tests.pg_support import fresh_pg_url

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(hours=1)


def planned(entry: str, account: str = "x-riks", text: str | None = None, due: dt.datetime = T0, parts: int = 1) -> Planned:
    texts = [text or f"Text för {entry}"] + [f"Del {n}" for n in range(2, parts + 1)]
    return Planned(f"{entry}@{account}", entry, entry, account, "x", due, tuple(Part(t) for t in texts))


@pytest.fixture(params=["sqlite", "postgresql"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Queue]:
    with (
        fresh_pg_url() if request.param == "postgresql" else nullcontext(str(tmp_path / ".campaign" / "queue.sqlite3")) as target
    ):
        q = Queue.open(target, "Testkampanj")
        yield q
        q.close()


def test_loading_the_same_plan_twice_changes_nothing(queue: Queue) -> None:
    plan = [planned("a"), planned("b"), planned("a", "bluesky-riks")]
    first = queue.sync(plan, T0)
    before = [(r.id, r.key, r.due, r.parts, r.idempotency_key) for r in queue.rows()]
    second = queue.sync(plan, LATER)
    assert sorted(first.added) == ["a@bluesky-riks", "a@x-riks", "b@x-riks"]
    assert (second.added, second.updated, second.cancelled, sorted(second.unchanged)) == ([], [], [], sorted(first.added))
    assert not second.changed
    assert [(r.id, r.key, r.due, r.parts, r.idempotency_key) for r in queue.rows()] == before


def test_editing_an_entry_updates_rows_not_yet_sent_and_leaves_sent_ones(queue: Queue) -> None:
    queue.sync([planned("a"), planned("b")], T0)
    owner = owner_token()
    row = queue.claim(T0, owner)
    assert row is not None and row.key == "a@x-riks"
    queue.published(row.id, owner, RemotePost("1", "https://x.com/i/web/status/1"), T0)
    report = queue.sync([planned("a", text="Ny text"), planned("b", text="Ny text b", due=LATER)], LATER)
    assert (report.updated, report.kept) == (["b@x-riks"], ["a@x-riks"])
    a, b = queue.find("a@x-riks"), queue.find("b@x-riks")
    assert a.parts[0].text == "Text för a" and a.state == "published"
    assert b.parts[0].text == "Ny text b" and b.due == LATER and b.state == "scheduled"


def test_an_entry_leaving_the_plan_is_cancelled_and_comes_back(queue: Queue) -> None:
    queue.sync([planned("a"), planned("b")], T0)
    gone = queue.sync([planned("a")], T0)
    assert gone.cancelled == ["b@x-riks"]
    assert (queue.find("b@x-riks").state, queue.find("b@x-riks").reason) == ("cancelled", "removed from the plan")
    back = queue.sync([planned("a"), planned("b")], T0)
    assert back.restored == ["b@x-riks"] and queue.find("b@x-riks").state == "scheduled"


def test_a_row_cancelled_by_a_person_stays_cancelled_when_the_plan_is_loaded_again(queue: Queue) -> None:
    queue.sync([planned("a")], T0)
    queue.cancel("a@x-riks", T0)
    queue.sync([planned("a")], T0)
    assert queue.find("a@x-riks").state == "cancelled"


def test_claim_takes_due_rows_in_time_order_and_only_once(queue: Queue) -> None:
    queue.sync([planned("late", due=LATER), planned("early"), planned("b", due=T0 + dt.timedelta(minutes=5))], T0)
    owner = owner_token()
    assert queue.claim(T0 - dt.timedelta(seconds=1), owner) is None  # nothing due yet
    got = [queue.claim(LATER, owner) for _ in range(4)]
    assert [r.key if r else None for r in got] == ["early@x-riks", "b@x-riks", "late@x-riks", None]


def test_claim_skips_blocked_accounts_and_keeps_to_chosen_ones(queue: Queue) -> None:
    queue.sync([planned("a"), planned("a", "bluesky-riks")], T0)
    owner = owner_token()
    assert queue.claim(T0, owner, skip_accounts=["bluesky-riks"]).key == "a@x-riks"  # type: ignore[union-attr]
    assert queue.claim(T0, owner, only_accounts=["x-riks"]) is None


def _claim_all(path: str, out: multiprocessing.Queue, go: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    queue = Queue.open(path)
    go.wait(30)
    got = []
    while (row := queue.claim(T0, owner_token())) is not None:
        got.append(row.id)
    out.put(got)


def test_publishers_running_at_once_never_take_the_same_row(queue: Queue) -> None:
    queue.sync([planned(f"e{i:03d}") for i in range(200)], T0)
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    go = multiprocessing.Event()
    workers = [multiprocessing.Process(target=_claim_all, args=(queue.target, results, go)) for _ in range(4)]
    for w in workers:
        w.start()
    go.set()
    claimed = [results.get(timeout=60) for _ in workers]
    for w in workers:
        w.join()
    ids = [i for got in claimed for i in got]
    assert len(ids) == len(set(ids)) == 200
    assert sum(1 for got in claimed if got) >= 2, "the publishers should have run side by side"


def _hold_row(path: str, in_flight: bool, ready: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    queue = Queue.open(path)
    owner = owner_token()
    row = queue.claim(T0, owner)
    assert row is not None
    if in_flight:
        queue.mark_in_flight(row.id, owner, T0)
    ready.set()
    signal.pause()


def _dead_holder(queue: Queue, in_flight: bool) -> None:
    ready = multiprocessing.Event()
    process = multiprocessing.Process(target=_hold_row, args=(queue.target, in_flight, ready))
    process.start()
    assert ready.wait(30)
    assert queue.recover(T0) == []  # the holder is alive: its row is left alone
    os.kill(process.pid, signal.SIGKILL)
    process.join()


def test_a_row_held_by_a_dead_publisher_before_sending_is_scheduled_again(queue: Queue) -> None:
    queue.sync([planned("a")], T0)
    _dead_holder(queue, in_flight=False)
    [row] = queue.recover(T0)
    assert (row.state, row.reason) == ("scheduled", "the publisher stopped before sending; scheduled again")


def test_a_thread_whose_publisher_died_between_parts_sends_only_the_rest(queue: Queue) -> None:
    """Part 1 published and recorded, nothing on the wire: scheduled again, and the next run starts at part 2."""
    queue.sync([planned("a", parts=2)], T0)
    dead = f"{socket.gethostname()}:{2**22 + 1}:gone"  # above Linux's pid_max: never a running process
    row = queue.claim(T0, dead)
    assert row is not None
    queue.mark_in_flight(row.id, dead, T0)
    queue.record_part(row.id, dead, RemotePost("1", "https://x.com/i/web/status/1"), T0)
    [back] = queue.recover(T0)
    assert (back.state, back.reason) == (
        "scheduled",
        "the publisher stopped after part 1 was published; the rest is scheduled again",
    )
    assert [r.id for r in back.sent] == ["1"]


def test_a_row_held_by_a_dead_publisher_while_sending_keeps_its_in_flight_mark(queue: Queue) -> None:
    """Scheduled again, but marked: the next run settles it (looks, or resends within the key's window) before sending."""
    queue.sync([planned("a")], T0)
    _dead_holder(queue, in_flight=True)
    [row] = queue.recover(T0)
    assert (row.state, row.in_flight) == ("scheduled", True)
    assert row.reason == "the publisher stopped while the post was being sent; the next run checks before sending it again"
    again = queue.claim(LATER, owner_token())
    assert again is not None and again.in_flight and again.in_flight_at is not None


def test_a_stale_claim_from_another_machine_expires_after_the_lease(queue: Queue) -> None:
    queue.sync([planned("a")], T0)
    row = queue.claim(T0, "other-host:123:456")
    assert row is not None
    assert queue.recover(T0 + dt.timedelta(minutes=9)) == []
    assert queue.renew("other-host:123:456", T0 + dt.timedelta(minutes=8)) == 1  # a working publisher renews its lease
    assert queue.recover(T0 + dt.timedelta(minutes=17)) == []
    [recovered] = queue.recover(T0 + dt.timedelta(minutes=19))
    assert recovered.state == "scheduled"


def test_a_publisher_that_lost_its_row_cannot_record_on_it(queue: Queue) -> None:
    queue.sync([planned("a")], T0)
    row = queue.claim(T0, "other-host:1:1")
    assert row is not None
    with pytest.raises(QueueError, match="no longer held by this publisher"):
        queue.published(row.id, owner_token(), RemotePost("1", "u"), T0)


def test_a_failed_row_a_person_found_on_the_account_can_be_confirmed(queue: Queue) -> None:
    """A retried uncertain post that had arrived comes back from X as a duplicate: the person confirms it."""
    queue.sync([planned("a")], T0)
    owner = owner_token()
    row = queue.claim(T0, owner)
    assert row is not None
    queue.mark_in_flight(row.id, owner, T0)
    queue.failed(row.id, owner, "duplicate", "X refused the text as a duplicate of an earlier post", T0)
    confirmed = queue.confirm("a@x-riks", T0, url="https://x.com/kampanj/status/7")
    assert (confirmed.state, confirmed.failure, confirmed.remote_url) == ("published", None, "https://x.com/kampanj/status/7")


def test_people_confirm_retry_and_cancel(queue: Queue) -> None:
    queue.sync([planned("a", parts=2), planned("b")], T0)
    owner = owner_token()
    row = queue.claim(T0, owner)
    assert row is not None
    queue.mark_in_flight(row.id, owner, T0)
    queue.record_part(row.id, owner, RemotePost("11", "https://x.com/i/web/status/11"), T0)
    queue.mark_in_flight(row.id, owner, T0)
    queue.uncertain(row.id, owner, "stopped", T0)
    with pytest.raises(QueueError, match=r"row \d+ \(b@x-riks\) is scheduled; only uncertain or failed rows can be confirmed"):
        queue.confirm("b@x-riks", T0)
    retried = queue.retry("a@x-riks", T0)
    assert retried.state == "scheduled" and [s.id for s in retried.sent] == ["11"]  # the first part is not sent again
    again = queue.claim(T0, owner)
    assert again is not None and again.key == "a@x-riks"
    queue.mark_in_flight(again.id, owner, T0)
    queue.uncertain(again.id, owner, "stopped", T0)
    confirmed = queue.confirm(str(again.id), T0, url="https://x.com/kampanj/status/11")
    assert (confirmed.state, confirmed.remote_url, confirmed.remote_id) == ("published", "https://x.com/kampanj/status/11", "11")
    assert queue.cancel("b@x-riks", T0).state == "cancelled"
    with pytest.raises(QueueError, match="only failed, uncertain, cancelled, scheduled rows can be retried"):
        queue.retry("a@x-riks", T0)
    with pytest.raises(RowNotFound, match="no queue row 'nope@x'"):
        queue.find("nope@x")
    assert [e[1] for e in queue.events(again.id)][:3] == ["planned", "claimed", "part-published"]


def test_one_accounts_failure_never_sends_another_accounts_post_again(queue: Queue) -> None:
    queue.sync([planned("a"), planned("a", "bluesky-riks")], T0)
    owner = owner_token()
    first = queue.claim(T0, owner)
    second = queue.claim(T0, owner)
    assert first is not None and second is not None
    queue.published(first.id, owner, RemotePost("1", "u1"), T0)
    queue.failed(second.id, owner, "auth", "refused", T0)
    queue.retry(second.key, T0)
    retried = queue.claim(T0, owner)
    assert retried is not None and retried.key == second.key
    assert queue.claim(T0, owner) is None
    assert queue.get(first.id).state == "published"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ENTRIES = st.dictionaries(
    st.sampled_from([f"e{i}" for i in range(8)]), st.tuples(st.sampled_from(["A", "B"]), st.integers(0, 3)), max_size=8
)


@given(ENTRIES, ENTRIES)
@settings(max_examples=30, deadline=None)
def test_any_plan_loaded_after_any_other_leaves_exactly_it_scheduled(first: dict, second: dict) -> None:
    import tempfile

    def rows(entries: dict) -> list[Planned]:
        return [planned(e, text=f"{e} {text}", due=T0 + dt.timedelta(hours=h)) for e, (text, h) in entries.items()]

    with tempfile.TemporaryDirectory() as tmp:
        q = Queue.open(Path(tmp) / "q.sqlite3", "t")
        q.sync(rows(first), T0)
        q.sync(rows(second), T0)
        assert not q.sync(rows(second), T0).changed
        state = {r.entry: (r.state, r.parts[0].text, r.due) for r in q.rows()}
        for e, (text, h) in second.items():
            assert state[e] == ("scheduled", f"{e} {text}", T0 + dt.timedelta(hours=h))
        assert {e for e, s in state.items() if s[0] == "cancelled"} == set(first) - set(second)
        q.close()


def test_editing_a_failed_entry_schedules_it_again(queue: Queue) -> None:
    queue.sync([planned("a")], T0)
    owner = owner_token()
    row = queue.claim(T0, owner)
    assert row is not None
    queue.failed(row.id, owner, "duplicate", "X refused the text as a duplicate", T0)
    assert queue.sync([planned("a")], T0).unchanged == ["a@x-riks"]
    assert queue.find("a@x-riks").state == "failed"
    assert queue.sync([planned("a", text="Omskriven text")], T0).updated == ["a@x-riks"]
    again = queue.find("a@x-riks")
    assert (again.state, again.failure, again.reason) == ("scheduled", None, "edited in the plan after it failed")


def test_a_row_given_back_after_a_429_keeps_its_in_flight_mark(queue: Queue) -> None:
    """A lost answer, then a 429 and a long wait: the row goes back to scheduled still marked, never reset."""
    queue.sync([planned("a")], T0)
    owner = owner_token()
    row = queue.claim(T0, owner)
    assert row is not None
    queue.mark_in_flight(row.id, owner, T0)  # the first request: its answer is lost
    queue.mark_in_flight(row.id, owner, T0 + dt.timedelta(seconds=2))  # the second: 429
    queue.release(row.id, owner, LATER, "rate limited", T0)
    back = queue.get(row.id)
    assert (back.state, back.in_flight, back.in_flight_at, back.attempts) == ("scheduled", True, T0, 2)
