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
from campaign.publish.queue import WORK_DIR, Queue, Row, SyncReport, owner_token, queue_path
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


@dataclass
class Listing:
    campaign: Campaign
    rows: list[Row]


def schedule_list(root: Path, now: dt.datetime, states: list[str] | None = None) -> Listing:
    """The queue's rows; rows held by a publisher that died are first shown for what they are (uncertain or scheduled)."""
    loaded = load(root)
    queue = open_queue(loaded.campaign)
    try:
        queue.recover(now)
        return Listing(loaded.campaign, queue.rows(states))
    finally:
        queue.close()


def schedule_change(root: Path, action: str, refs: list[str], now: dt.datetime, url: str | None = None) -> list[Row]:
    """``cancel``, ``retry`` or ``confirm`` the rows named by id or key."""
    loaded = load(root)
    queue = open_queue(loaded.campaign)
    try:
        if action == "confirm":
            return [queue.confirm(ref, now, url) for ref in refs]
        return [getattr(queue, action)(ref, now) for ref in refs]
    finally:
        queue.close()


def due_rows(root: Path, now: dt.datetime, only_accounts: list[str] | None = None) -> Listing:
    """What a publish run at ``now`` would send (for --dry-run)."""
    loaded = load(root)
    queue = open_queue(loaded.campaign)
    try:
        return Listing(loaded.campaign, queue.due(now, only_accounts))
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
        )
    finally:
        queue.close()
