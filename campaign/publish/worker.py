"""The publisher loop: take due rows, send them, record what happened.

The retry policy lives here, once for every platform:

- a row that may already be on the account (its in-flight mark is set: a
  lost answer, a 5xx, a kill) is settled before anything is sent again: a
  publisher that can look (X) reads the account's own posts and records what
  is there, and a thread continues from the first part that is not; one whose
  key makes a resend safe (Mastodon's idempotency key, Bluesky's record key)
  resends within the key's lifetime; otherwise the row is uncertain and waits
  for a person;
- 429: wait until the reset the platform names, then try again (a wait longer
  than ``max_rate_wait`` gives the row back with ``next_attempt_at`` instead,
  and the account's other rows wait too);
- 5xx and network errors: exponential backoff (``backoff`` seconds doubling,
  at most ``backoff_cap``), ``max_attempts`` tries in all, then failed;
- an endpoint that cannot be reached at all: after ``unreachable_tries`` the
  whole account backs off (``account_backoff`` doubling across runs), its rows
  scheduled as they were;
- 401/403: the whole account stops, across runs, until its credentials change
  (a fingerprint of them is kept, never the secret); said once;
- duplicates and rejected posts: failed at once, never retried;
- anything unexpected while a post was on the wire: uncertain;
- rows more than the grace period late are held, not sent.

Sleeping goes through ``Clock`` so tests never really wait; leases are renewed
while the run waits and works.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from campaign.errors import CampaignError
from campaign.publish.errors import AuthFailed, Duplicate, PublishError, RateLimited, Rejected, Transient, Unreachable
from campaign.publish.model import Account, Outgoing, RemotePost
from campaign.publish.publishers.base import Publisher
from campaign.publish.queue import AccountStop, Queue, Row

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
    unreachable_tries: int = 2  # then the account backs off
    account_backoff: float = 60.0  # seconds an unreachable account waits, doubling each time it is still unreachable
    account_backoff_cap: float = 3600.0


@dataclass
class Outcome:
    row: Row
    state: str  # published, failed, uncertain, released (given back for later), stopped (its account stopped)
    detail: str  # URL or reason
    settled: list[str] = field(default_factory=list)  # what looking on the account found before sending


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)
    recovered: list[Row] = field(default_factory=list)
    account_errors: dict[str, str] = field(default_factory=dict)  # account → why it stopped in this run (said once)
    stopped: dict[str, AccountStop] = field(default_factory=dict)  # accounts stopped by an earlier run, not tried now
    resumed: list[str] = field(default_factory=list)  # stopped accounts tried again (new credentials, backoff over)
    late: list[Row] = field(default_factory=list)  # held: more than the grace period late
    settled: list[tuple[Row, str]] = field(default_factory=list)  # rows that may have been sent, and what was found

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)


PublisherFactory = Callable[[Account], Publisher]


class _RowRecorder:
    """Tells the queue about one row's progress (the ``Recorder`` of a publisher)."""

    def __init__(self, queue: Queue, row: Row, owner: str, clock: Clock) -> None:
        self.queue, self.row, self.owner, self.clock = queue, row, owner, clock
        self.keep_mark = False  # an earlier request may have posted: a refusal of this one proves nothing

    def sending(self, index: int) -> None:
        self.queue.mark_in_flight(self.row.id, self.owner, self.clock.now())

    def sent(self, index: int, remote: RemotePost) -> None:
        self.queue.record_part(self.row.id, self.owner, remote, self.clock.now())

    def answered(self, index: int) -> None:
        if not self.keep_mark:
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
    grace: dt.timedelta | None = None,
) -> RunReport:
    """Send every row due at ``now`` (after recovering rows of dead publishers).

    ``grace``: rows more than this past their time are held as late (none when None).
    ``should_stop`` is asked before each row: a service told to stop (SIGTERM)
    finishes the row in hand instead of leaving it uncertain.
    """
    clock = clock or SystemClock()
    report = RunReport(recovered=queue.recover(clock.now()))
    if grace is not None:
        report.late = queue.late(now, grace, only_accounts)
    stops = queue.account_stops()
    publishers: dict[str, Publisher] = {}
    blocked: set[str] = set()
    for account, known in stops.items():
        if known.stopped == "unreachable" and known.retry_at is not None and known.retry_at > clock.now():
            blocked.add(account)
            report.stopped[account] = known
    try:
        while not should_stop() and (
            row := queue.claim(
                now,
                owner,
                skip_accounts=blocked,
                only_accounts=only_accounts,
                hold_before=now - grace if grace is not None else None,
                clock_now=clock.now(),
            )
        ):
            publisher = _publisher(row, accounts, factory, publishers, report)
            if publisher is None:
                queue.release(row.id, owner, None, "not sent: " + report.account_errors[row.account], clock.now())
                blocked.add(row.account)
                continue
            stop: AccountStop | None = stops.pop(row.account, None)
            if stop is not None and stop.stopped == "auth" and stop.credentials_id == publisher.credentials_id:
                queue.release(row.id, owner, None, f"not sent: account stopped: {stop.reason}", clock.now())
                blocked.add(row.account)
                report.stopped[row.account] = stop
                continue
            if stop is not None:
                report.resumed.append(row.account)  # new credentials, or the backoff is over: try again
            outcome = _send(queue, row, publisher, owner, clock, policy)
            report.outcomes.append(outcome)
            if outcome.state == "published" and stop is not None:
                queue.resume_account(row.account)
            if outcome.state == "stopped":
                report.account_errors[row.account] = outcome.detail
            if outcome.state in ("released", "stopped"):
                blocked.add(row.account)  # the account's other rows would meet the same wall
            report.settled += [(outcome.row, s) for s in outcome.settled]
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
        self.tries = self.waits = self.unreachable = 0
        self.unanswered = False  # a try of this run failed in a way that may still have posted (5xx, network)
        self.settled: list[str] = []

    def run(self) -> Outcome:
        while True:
            settled = self._settle()
            if settled is not None:
                return self._done(settled)
            self.tries += 1
            current = self.queue.get(self.row.id)
            sent = current.sent  # parts an earlier try published are not sent again
            self.recorder.keep_mark = current.in_flight
            post = Outgoing(self.row.id, self.row.idempotency_key, self.publisher.account, self.row.parts, sent)
            try:
                remote = self.publisher.publish(post, self.recorder)
            except RateLimited as exc:
                outcome = self._rate_limited(exc)
            except Unreachable as exc:
                outcome = self._unreachable(exc)
            except Transient as exc:
                outcome = self._transient(exc)
            except Duplicate as exc:
                outcome = self._duplicate(exc)
            except AuthFailed as exc:
                outcome = self._stop_auth(exc)
            except Rejected as exc:
                outcome = self._fail("rejected", str(exc))
            except Exception as exc:
                outcome = self._unexpected(exc)
            else:
                self.queue.published(self.row.id, self.owner, remote, self.clock.now())
                return self._done(Outcome(self.queue.get(self.row.id), "published", remote.url))
            if outcome is not None:
                return self._done(outcome)

    def _done(self, outcome: Outcome) -> Outcome:
        outcome.settled = self.settled
        return outcome

    # -- settling a row that may already be on the account ----------------------

    def _settle(self) -> Outcome | None:
        """Before a (re)send: find out what of a post that may have arrived is there. None: go on and send."""
        row = self.queue.get(self.row.id)
        if not (row.in_flight or self.unanswered):
            return None
        index = len(row.sent)
        what = f"part {index + 1}" if len(row.parts) > 1 else "the post"
        if self.publisher.can_look:
            found = self._look(row)
            if isinstance(found, Outcome):
                return found
            for remote in found:
                self.queue.record_part(row.id, self.owner, remote, self.clock.now())
            if found:
                self.settled.append(f"{what} was already on the account ({found[0].url})")
            row = self.queue.get(row.id)
            if len(row.sent) == len(row.parts):
                self.queue.published(row.id, self.owner, row.sent[0], self.clock.now())
                return Outcome(self.queue.get(row.id), "published", row.sent[0].url)
            if row.in_flight:
                self.queue.clear_in_flight(row.id, self.owner, self.clock.now(), "looked on the account: not there")
            if not found:
                self.settled.append(f"looked on the account: {what} is not there; sent again")
            self.unanswered = False
            return None
        if row.person_said_send and not self.unanswered:
            return None  # a person looked and said to send it again
        window = self.publisher.resend_safe_for
        started = row.in_flight_at or self.clock.now()
        if window is not None and self.clock.now() - started < window:
            return None  # the platform knows the key: a resend cannot make a second post
        held = f"the platform's idempotency key lasts {window}" if window else "the platform cannot say"
        return self._uncertain(
            f"{what} may have been posted at {started:%Y-%m-%d %H:%M} UTC and {held}: "
            "check the account, then confirm (it is there) or retry (it is not)"
        )

    def _look(self, row: Row) -> list[RemotePost] | Outcome:
        tries = waits = 0
        while True:
            tries += 1
            post = Outgoing(row.id, row.idempotency_key, self.publisher.account, row.parts, row.sent)
            try:
                return self.publisher.look(post, (row.first_tried_at or self.clock.now()))
            except RateLimited as exc:
                wait = _rate_wait(exc, self.clock, self.policy)
                waits += 1
                if wait > self.policy.max_rate_wait or waits > self.policy.max_rate_waits:
                    until = self.clock.now() + dt.timedelta(seconds=wait)
                    reason = f"could not look for the post yet ({exc}); looks again after {until:%Y-%m-%d %H:%M:%S} UTC"
                    self.queue.release(row.id, self.owner, until, reason, self.clock.now())
                    return Outcome(self.queue.get(row.id), "released", reason)
                self._sleep(wait)
            except Transient as exc:
                if tries >= self.policy.max_attempts:
                    return self._uncertain(
                        f"could not look for the post after {tries} tries ({exc}): check the account, then confirm or retry"
                    )
                self._sleep(min(self.policy.backoff_cap, self.policy.backoff * 2 ** (tries - 1)))
            except PublishError as exc:
                return self._uncertain(f"could not look for the post ({exc}): check the account, then confirm or retry")

    # -- failures ---------------------------------------------------------------

    def _rate_limited(self, exc: RateLimited) -> Outcome | None:
        wait = _rate_wait(exc, self.clock, self.policy)
        self.waits += 1
        if wait <= self.policy.max_rate_wait and self.waits <= self.policy.max_rate_waits:
            self._sleep(wait)
            return None
        until = self.clock.now() + dt.timedelta(seconds=wait)
        self.queue.release(self.row.id, self.owner, until, f"rate limited until {until:%Y-%m-%d %H:%M:%S} UTC", self.clock.now())
        return Outcome(self.queue.get(self.row.id), "released", str(exc))

    def _unreachable(self, exc: Unreachable) -> Outcome | None:
        self.unreachable += 1
        if self.unreachable < self.policy.unreachable_tries:
            self._sleep(self.policy.backoff)
            return None
        before = self.queue.account_stops().get(self.row.account)
        failures = before.failures + 1 if before is not None and before.stopped == "unreachable" else 1
        wait = min(self.policy.account_backoff_cap, self.policy.account_backoff * 2 ** (failures - 1))
        until = self.clock.now() + dt.timedelta(seconds=wait)
        reason = (
            f"{exc}; account {self.row.account!r} waits until {until:%Y-%m-%d %H:%M:%S} UTC before trying {exc.endpoint} again"
        )
        self.queue.stop_account(self.row.account, "unreachable", reason, self.clock.now(), endpoint=exc.endpoint, retry_at=until)
        self.queue.release(self.row.id, self.owner, None, f"not sent: {exc}", self.clock.now())
        return Outcome(self.queue.get(self.row.id), "stopped", reason)

    def _stop_auth(self, exc: AuthFailed) -> Outcome:
        reason = f"{exc}; the account's posts wait until its credentials change"
        self.queue.stop_account(
            self.row.account,
            "auth",
            str(exc),
            self.clock.now(),
            endpoint=self.publisher.account.endpoint,
            credentials_id=self.publisher.credentials_id,
        )
        self.queue.release(self.row.id, self.owner, None, f"not sent: account stopped: {exc}", self.clock.now())
        return Outcome(self.queue.get(self.row.id), "stopped", reason)

    def _transient(self, exc: Transient) -> Outcome | None:
        self.unanswered = self.unanswered or exc.maybe_sent
        if self.tries < self.policy.max_attempts:
            self._sleep(min(self.policy.backoff_cap, self.policy.backoff * 2 ** (self.tries - 1)))
            return None
        reason = f"gave up after {self.tries} attempts: {exc}"
        if not (self.unanswered or self.queue.get(self.row.id).in_flight):
            return self._fail("transient", reason)
        settled = self._settle()  # what of it arrived?
        if settled is not None:
            return settled
        row = self.queue.get(self.row.id)
        if not row.in_flight:  # looked: not there
            return self._fail("transient", reason)
        # the platform's key covers a later resend: give the row back instead of handing it to a person
        until = self.clock.now() + dt.timedelta(seconds=self.policy.backoff_cap)
        self.queue.release(row.id, self.owner, until, reason + f"; tried again after {until:%H:%M:%S} UTC", self.clock.now())
        return Outcome(self.queue.get(row.id), "released", reason)

    def _duplicate(self, exc: Duplicate) -> Outcome | None:
        earlier = self.unanswered or self.recorder.keep_mark or self.queue.get(self.row.id).attempts > 1
        if self.publisher.can_look and earlier:  # our own earlier try, whose answer was lost, may be what the platform sees
            before = len(self.queue.get(self.row.id).sent)
            self.unanswered = True
            settled = self._settle()
            if settled is not None:
                return settled
            if len(self.queue.get(self.row.id).sent) > before:
                return None  # it was ours: the thread goes on from the next part
            self.settled.pop()
            return self._fail("duplicate", f"{exc}; the account has this text from before this row was first sent")
        if earlier and not self.publisher.can_look:
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

    def _sleep(self, seconds: float) -> None:
        """Wait, the lease first renewed to cover the wait, so that no other publisher takes the row meanwhile."""
        self.queue.renew(self.owner, self.clock.now() + dt.timedelta(seconds=seconds))
        self.clock.sleep(seconds)
        self.queue.renew(self.owner, self.clock.now())


def _rate_wait(exc: RateLimited, clock: Clock, policy: Policy) -> float:
    if exc.reset_at is None:
        return policy.default_rate_wait
    return max(1.0, (exc.reset_at - clock.now()).total_seconds() + 1.0)  # one second past the reset
