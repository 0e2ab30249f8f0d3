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
from campaign.publish.export import export
from campaign.publish.export import left_out as left_out_rows
from campaign.publish.model import Account
from campaign.publish.plan import FETCHED_IMAGES, resolve
from campaign.publish.publishers import Publisher, make_publisher
from campaign.publish.queue import WORK_DIR, Queue, Row, SyncReport, owner_token, queue_path
from campaign.publish.when import show
from campaign.publish.worker import Clock, Policy, RunReport, run_once

SCHEDULER_LEAD = dt.timedelta(minutes=10)  # schedulers refuse posts in the past (Sprout: less than 10 minutes ahead)


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


@dataclass
class DryRun:
    """What a publish run at ``now`` would send, with its counts."""

    listing: Listing
    now: dt.datetime

    @property
    def per_platform(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.listing.rows:
            counts[row.platform] = counts.get(row.platform, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def posts(self) -> int:
        return sum(len(r.parts) for r in self.listing.rows)

    @property
    def images(self) -> int:
        return sum(len(p.images) for r in self.listing.rows for p in r.parts)

    def lines(self) -> list[str]:
        """Exactly what would be sent, row by row (local times), then the counts."""
        zone = self.listing.campaign.settings.timezone
        rows = self.listing.rows
        lines = [f"dry run at {show(self.now, zone)} ({zone}): nothing is sent"]
        for row in rows:
            lines.append(f"── {row.id} {row.key} · {row.platform} · due {show(row.due, zone)}")
            for i, part in enumerate(row.parts):
                if len(row.parts) > 1:
                    lines.append(f"[{i + 1}/{len(row.parts)}]{' (reply)' if i else ''}")
                lines.append(part.text)
                lines += [
                    f"[image {Path(image.path).name} {image.width}×{image.height}"
                    f"{f', fetched from {image.url}' if image.url and row.platform in FETCHED_IMAGES else ''}, alt: {image.alt}]"
                    for image in part.images
                ]
        by = ", ".join(f"{n} {p}" for p, n in self.per_platform.items())
        posts, images = self.posts, self.images
        lines.append(
            f"would send {len(rows)} row{'s' if len(rows) != 1 else ''} ({by or 'none'}): {posts} post{'s' if posts != 1 else ''}, "
            f"{images} image{'s' if images != 1 else ''}"
        )
        return lines


def dry_run(root: Path, now: dt.datetime, only_accounts: list[str] | None = None) -> DryRun:
    """What ``publish`` at ``now`` would send; nothing is sent or changed."""
    return DryRun(due_rows(root, now, only_accounts), now)


@dataclass
class Exported:
    """The plan exported for a scheduler: the files written, and what was left out."""

    written: list[Path]
    left_out: int  # posts due before ``cutoff``, which a scheduler would refuse
    cutoff: dt.datetime
    timezone: str
    cannot: list[tuple[str, str]] = field(default_factory=list)  # (row key, why) of rows the format cannot carry

    @property
    def note(self) -> str | None:
        """What the user must hear about posts left out for being due too soon, or None."""
        if not self.left_out:
            return None
        return f"note: left out {self.left_out} post(s) due before {show(self.cutoff, self.timezone)}"

    @property
    def notes(self) -> list[str]:
        """Every row left out, and why."""
        return ([self.note] if self.note else []) + [f"note: left out {key}: {why}" for key, why in self.cannot]


def export_plan(
    root: Path,
    fmt: str,
    now: dt.datetime,
    *,
    build_dir: Path | None = None,
    out_dir: Path | None = None,
    only_accounts: list[str] | None = None,
) -> Exported:
    """Write the plan as ``fmt`` (see export.FORMATS) into ``out_dir`` (default: build/export)."""
    campaign = load(root).campaign
    rows = [r for r in resolve(campaign, build_dir, images=fmt != "ics").rows if not only_accounts or r.account in only_accounts]
    cutoff = now + SCHEDULER_LEAD
    left_out = 0
    if fmt != "ics":  # a calendar shows the past too
        ahead = [r for r in rows if r.due >= cutoff]
        left_out, rows = len(rows) - len(ahead), ahead
    cannot = [(row.key, why) for row, why in left_out_rows(fmt, campaign, rows, build_dir)]
    files = export(fmt, campaign, rows, now, build_dir)
    target = out_dir or root / "build" / "export"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        (target / name).write_text(content, encoding="utf-8", newline="")
        written.append(target / name)
    return Exported(written, left_out, cutoff, campaign.settings.timezone, cannot)


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
