"""What the commands call: one function per command, no printing.

Each function loads the campaign, opens its queue and does one thing; the CLI
formats the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from campaign.errors import Problem
from campaign.loader import load
from campaign.model import Campaign
from campaign.publish.accounts import accounts, environment
from campaign.publish.model import Account
from campaign.publish.plan import resolve
from campaign.publish.publishers import Publisher, make_publisher
from campaign.publish.queue import WORK_DIR, AccountStop, Queue, Row, Selection, SyncReport, owner_token, queue_path
from campaign.publish.spec import plan_grace
from campaign.publish.worker import Clock, Policy, RunReport, run_once


def open_queue(campaign: Campaign) -> Queue:
    """The campaign's queue (created on first use)."""
    return Queue.open(queue_path(campaign.root), campaign.settings.name)


@dataclass
class PlanResult:
    sync: SyncReport
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0


def schedule_plan(root: Path, now: dt.datetime, build_dir: Path | None = None) -> PlanResult:
    """Load the plan into the queue: added, updated, unchanged; sent rows untouched."""
    loaded = load(root)
    resolved = resolve(loaded.campaign, build_dir)
    queue = open_queue(loaded.campaign)
    try:
        report = queue.sync(resolved.rows, now)
    finally:
        queue.close()
    return PlanResult(report, [*loaded.warnings, *resolved.warnings], len(resolved.rows))


def grace(campaign: Campaign) -> dt.timedelta:
    """How late a post may be and still be sent: the plan's ``late_after_minutes``."""
    return plan_grace(campaign.extra.get("plan"))


@dataclass
class Listing:
    campaign: Campaign
    rows: list[Row]
    late: list[Row] = field(default_factory=list)  # held: more than the grace period late
    stops: dict[str, AccountStop] = field(default_factory=dict)  # accounts that fail as a whole
    grace: dt.timedelta = dt.timedelta(hours=1)


def schedule_list(root: Path, now: dt.datetime, states: list[str] | None = None) -> Listing:
    """The queue's rows as they are stored; only reads (a working publisher's rows are left alone)."""
    loaded = load(root)
    late_after = grace(loaded.campaign)
    queue = open_queue(loaded.campaign)
    try:
        return Listing(loaded.campaign, queue.rows(states), queue.late(now, late_after), queue.account_stops(), late_after)
    finally:
        queue.close()


@dataclass
class Changed:
    rows: list[Row] = field(default_factory=list)
    skipped: list[Row] = field(default_factory=list)  # chosen by a filter but in a state the action does not take


def schedule_change(root: Path, action: str, chosen: Selection | list[str], now: dt.datetime, url: str | None = None) -> Changed:
    """``cancel``, ``retry`` or ``confirm`` the rows chosen by id or key, or by filters.

    A row named by id in a state the action does not take is an error; one a
    filter chose is skipped (and said).
    """
    from campaign.publish.queue import CANCELLABLE, CONFIRMABLE, RETRYABLE

    if isinstance(chosen, list):
        chosen = Selection(refs=tuple(chosen))
    allowed = {"cancel": CANCELLABLE, "retry": RETRYABLE, "confirm": CONFIRMABLE}[action]
    loaded = load(root)
    queue = open_queue(loaded.campaign)
    result = Changed()
    try:
        for row in queue.select(chosen):
            if chosen.filtered and row.state not in allowed:
                result.skipped.append(row)
            elif action == "retry" and row.state == "scheduled" and not row.late(now, grace(loaded.campaign)):
                result.skipped.append(row)  # nothing to do: it is sent at its time
            elif action == "confirm":
                result.rows.append(queue.confirm(str(row.id), now, url))
            else:
                result.rows.append(getattr(queue, action)(str(row.id), now))
        return result
    finally:
        queue.close()


def due_rows(root: Path, now: dt.datetime, only_accounts: list[str] | None = None) -> Listing:
    """What a publish run at ``now`` would send (for --dry-run), and what it would hold as late."""
    loaded = load(root)
    late_after = grace(loaded.campaign)
    queue = open_queue(loaded.campaign)
    try:
        stops = queue.account_stops()
        late = queue.late(now, late_after, only_accounts)
        held = {r.id for r in late}
        rows = [r for r in queue.due(now, only_accounts) if r.id not in held]
        return Listing(loaded.campaign, rows, late, stops, late_after)
    finally:
        queue.close()


def publish(
    root: Path,
    now: dt.datetime,
    *,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    policy: Policy = Policy(),
    only_accounts: list[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> RunReport:
    """Send every row due at ``now``; credentials from ``env`` (default: the environment and .env)."""
    loaded = load(root)
    campaign = loaded.campaign
    variables = environment(campaign.root, env)
    work = campaign.root / WORK_DIR

    def factory(account: Account) -> Publisher:
        return make_publisher(account, variables, work, campaign.settings.language)

    queue = open_queue(campaign)
    try:
        return run_once(
            queue,
            now,
            accounts(campaign),
            factory,
            owner=owner_token(),
            clock=clock,
            policy=policy,
            only_accounts=only_accounts,
            should_stop=should_stop,
            grace=grace(campaign),
        )
    finally:
        queue.close()
