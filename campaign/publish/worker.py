"""The publisher loop: take due rows, send them, record what happened.

The retry policy lives here, once for every platform:

- 429: wait until the reset the platform names, then try again (a wait longer
  than ``max_rate_wait`` gives the row back with ``next_attempt_at`` instead,
  and the account's other rows wait too);
- 5xx and network errors: exponential backoff (``backoff`` seconds doubling,
  at most ``backoff_cap``), ``max_attempts`` tries in all, then failed;
- 401/403, duplicates and rejected posts: failed at once, never retried;
- anything unexpected while a post was on the wire: uncertain.

Sleeping goes through ``Clock`` so tests never really wait.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from campaign.errors import CampaignError
from campaign.publish.errors import AuthFailed, Duplicate, RateLimited, Rejected, Transient
from campaign.publish.model import Account, Outgoing, RemotePost
from campaign.publish.publishers.base import Publisher
from campaign.publish.queue import Queue, Row

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 5
    backoff: float = 2.0  # seconds before the second try
    backoff_cap: float = 300.0
    max_rate_wait: float = 16 * 60.0  # X's windows are 15 minutes
    default_rate_wait: float = 60.0  # when a 429 names no reset
    max_rate_waits: int = 3  # a platform still refusing after this many waits gets the row back for a later run


@dataclass
class Outcome:
    row: Row
    state: str  # published, failed, uncertain, released
    detail: str  # URL or reason


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)
    recovered: list[Row] = field(default_factory=list)
    account_errors: dict[str, str] = field(default_factory=dict)  # account → why none of its rows were sent

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)


PublisherFactory = Callable[[Account], Publisher]


class _RowRecorder:
    """Tells the queue about one row's progress (the ``Recorder`` of a publisher)."""

    def __init__(self, queue: Queue, row: Row, owner: str, clock: Clock) -> None:
        self.queue, self.row, self.owner, self.clock = queue, row, owner, clock

    def sending(self, index: int) -> None:
        self.queue.mark_in_flight(self.row.id, self.owner, self.clock.now())

    def sent(self, index: int, remote: RemotePost) -> None:
        self.queue.record_part(self.row.id, self.owner, remote, self.clock.now())

    def answered(self, index: int) -> None:
        self.queue.clear_in_flight(self.row.id, self.owner, self.clock.now())


def run_once(
    queue: Queue,
    now: dt.datetime,
    accounts: dict[str, Account],
    factory: PublisherFactory,
    *,
    owner: str,
    clock: Clock | None = None,
    policy: Policy = Policy(),
    only_accounts: Iterable[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> RunReport:
    """Send every row due at ``now`` (after recovering rows of dead publishers).

    ``should_stop`` is asked before each row: a service told to stop (SIGTERM)
    finishes the row in hand instead of leaving it uncertain.
    """
    clock = clock or SystemClock()
    report = RunReport(recovered=queue.recover(now))
    publishers: dict[str, Publisher] = {}
    blocked: set[str] = set()
    try:
        while (
            not should_stop() and (row := queue.claim(now, owner, skip_accounts=blocked, only_accounts=only_accounts)) is not None
        ):
            publisher = _publisher(row, accounts, factory, publishers, report)
            if publisher is None:
                queue.release(row.id, owner, row.due, "not sent: " + report.account_errors[row.account], clock.now())
                blocked.add(row.account)
                continue
            outcome = _send(queue, row, publisher, owner, clock, policy)
            report.outcomes.append(outcome)
            if outcome.state == "released" or (outcome.state == "failed" and outcome.row.failure == "auth"):
                blocked.add(row.account)  # the account's other rows would meet the same wall
    finally:
        for publisher in publishers.values():
            publisher.close()
    return report


def _publisher(
    row: Row, accounts: dict[str, Account], factory: PublisherFactory, cache: dict[str, Publisher], report: RunReport
) -> Publisher | None:
    if row.account in cache:
        return cache[row.account]
    account = accounts.get(row.account)
    try:
        if account is None:
            raise CampaignError(f"account {row.account!r} is no longer in the campaign")
        cache[row.account] = factory(account)
    except CampaignError as exc:
        report.account_errors[row.account] = str(exc)
        return None
    return cache[row.account]


def _send(queue: Queue, row: Row, publisher: Publisher, owner: str, clock: Clock, policy: Policy) -> Outcome:
    return _Sending(queue, row, publisher, owner, clock, policy).run()


class _Sending:
    """One claimed row through its tries: each failure either waits and tries again, or ends the row."""

    def __init__(self, queue: Queue, row: Row, publisher: Publisher, owner: str, clock: Clock, policy: Policy) -> None:
        self.queue, self.row, self.publisher, self.owner, self.clock, self.policy = queue, row, publisher, owner, clock, policy
        self.recorder = _RowRecorder(queue, row, owner, clock)
        self.tries = self.waits = 0
        self.unanswered = False  # a try failed in a way that may still have posted (5xx, network)

    def run(self) -> Outcome:
        while True:
            self.tries += 1
            sent = self.queue.get(self.row.id).sent  # parts an earlier try published are not sent again
            post = Outgoing(self.row.id, self.row.idempotency_key, self.publisher.account, self.row.parts, sent)
            try:
                remote = self.publisher.publish(post, self.recorder)
            except RateLimited as exc:
                outcome = self._rate_limited(exc)
            except Transient as exc:
                outcome = self._transient(exc)
            except Duplicate as exc:
                outcome = self._duplicate(exc)
            except (AuthFailed, Rejected) as exc:
                outcome = self._fail("auth" if isinstance(exc, AuthFailed) else "rejected", str(exc))
            except Exception as exc:
                outcome = self._unexpected(exc)
            else:
                self.queue.published(self.row.id, self.owner, remote, self.clock.now())
                return Outcome(self.queue.get(self.row.id), "published", remote.url)
            if outcome is not None:
                return outcome

    def _rate_limited(self, exc: RateLimited) -> Outcome | None:
        wait = _rate_wait(exc, self.clock, self.policy)
        self.waits += 1
        if wait <= self.policy.max_rate_wait and self.waits <= self.policy.max_rate_waits:
            self.clock.sleep(wait)
            return None
        until = self.clock.now() + dt.timedelta(seconds=wait)
        self.queue.release(self.row.id, self.owner, until, f"rate limited until {until:%Y-%m-%d %H:%M:%S} UTC", self.clock.now())
        return Outcome(self.queue.get(self.row.id), "released", str(exc))

    def _transient(self, exc: Transient) -> Outcome | None:
        self.unanswered = True
        if self.tries >= self.policy.max_attempts:
            return self._fail("transient", f"gave up after {self.tries} attempts: {exc}")
        self.clock.sleep(min(self.policy.backoff_cap, self.policy.backoff * 2 ** (self.tries - 1)))
        return None

    def _duplicate(self, exc: Duplicate) -> Outcome:
        if self.unanswered:  # most likely our own earlier try, which got no proper answer, did arrive
            return self._uncertain(
                f"{exc}; an earlier try got no answer and probably arrived: check the account, then confirm or retry"
            )
        return self._fail("duplicate", str(exc))

    def _unexpected(self, exc: Exception) -> Outcome:
        reason = f"unexpected {type(exc).__name__}: {exc}"
        if self.queue.get(self.row.id).in_flight:
            return self._uncertain(reason + "; check the account, then confirm or retry")
        return self._fail("error", reason)

    def _uncertain(self, reason: str) -> Outcome:
        self.queue.uncertain(self.row.id, self.owner, reason, self.clock.now())
        return Outcome(self.queue.get(self.row.id), "uncertain", reason)

    def _fail(self, kind: str, reason: str) -> Outcome:
        self.queue.failed(self.row.id, self.owner, kind, reason, self.clock.now())
        return Outcome(self.queue.get(self.row.id), "failed", reason)


def _rate_wait(exc: RateLimited, clock: Clock, policy: Policy) -> float:
    if exc.reset_at is None:
        return policy.default_rate_wait
    return max(1.0, (exc.reset_at - clock.now()).total_seconds() + 1.0)  # one second past the reset
