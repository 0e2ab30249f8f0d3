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
from campaign.publish.errors import QueueError
from campaign.publish.export import export
from campaign.publish.export import left_out as left_out_rows
from campaign.publish.migrate import copy_queue
from campaign.publish.model import Account
from campaign.publish.plan import FETCHED_IMAGES, resolve
from campaign.publish.publishers import Publisher, make_publisher
from campaign.publish.queue import (
    CANCELLABLE,
    CONFIRMABLE,
    RETRYABLE,
    WORK_DIR,
    AccountStop,
    Queue,
    Row,
    Selection,
    SyncReport,
    owner_token,
    queue_path,
    sqlite_rows,
)
from campaign.publish.queue_url import QUEUE_URL_VAR, check, queue_url
from campaign.publish.spec import plan_grace
from campaign.publish.when import show
from campaign.publish.worker import Clock, Policy, RunReport, run_once

SCHEDULER_LEAD = dt.timedelta(minutes=10)  # schedulers refuse posts in the past (Sprout: less than 10 minutes ahead)


def open_queue(campaign: Campaign, env: Mapping[str, str] | None = None) -> Queue:
    """The campaign's queue: the PostgreSQL database ``CAMPAIGN_QUEUE_URL`` names, else the SQLite file (made on first use).

    The variable comes from the environment or the campaign's .env, like
    credentials. With it set, a SQLite queue that still has rows is refused
    rather than left behind: publishing from both would send its posts twice.
    """
    url = queue_url(environment(campaign.root, env))
    local = queue_path(campaign.root)
    if url is None:
        return Queue.open(local, campaign.settings.name)
    left = sqlite_rows(local)
    if left:
        raise QueueError(
            f"{QUEUE_URL_VAR} names a PostgreSQL queue, but this campaign's own queue {local} has {left} "
            f'row{"s" if left != 1 else ""}: move it there first with `campaign schedule migrate --to "${QUEUE_URL_VAR}"` '
            f"(or unset {QUEUE_URL_VAR} to keep using the file)"
        )
    return Queue.open(url, campaign.settings.name)


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
        if self.listing.late:
            lines.append(late_line(self.listing.late, self.listing.grace))
        lines += [f"account {a} is stopped ({s.stopped}): {s.reason}" for a, s in sorted(self.listing.stops.items())]
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
    late: int = 0  # of those, the posts `campaign publish` holds as late too
    grace: dt.timedelta = dt.timedelta(hours=1)
    cannot: list[tuple[str, str]] = field(default_factory=list)  # (row key, why) of rows the format cannot carry

    @property
    def note(self) -> str | None:
        """What the user must hear about posts left out for being due too soon, or None."""
        if not self.left_out:
            return None
        note = f"note: left out {self.left_out} post(s) due before {show(self.cutoff, self.timezone)}"
        if self.late:
            note += (
                f"; {self.late} of them more than {span(self.grace)} late, which `campaign publish` holds as late too "
                "(`campaign schedule retry --late` sends them anyway)"
            )
        return note

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
    late_after = grace(campaign)
    left_out = late = 0
    if fmt != "ics":  # a calendar shows the past too
        ahead = [r for r in rows if r.due >= cutoff]
        late = sum(1 for r in rows if r.due < now - late_after)  # the rule `publish` holds rows by
        left_out, rows = len(rows) - len(ahead), ahead
    cannot = [(row.key, why) for row, why in left_out_rows(fmt, campaign, rows, build_dir)]
    files = export(fmt, campaign, rows, now, build_dir)
    target = out_dir or root / "build" / "export"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        (target / name).write_text(content, encoding="utf-8", newline="")
        written.append(target / name)
    return Exported(written, left_out, cutoff, campaign.settings.timezone, late, late_after, cannot)


def span(duration: dt.timedelta) -> str:
    """A grace period as people say it: '1 h', '90 min'."""
    minutes = int(duration.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 and minutes >= 60 else f"{minutes} min"


def late_line(late: list[Row], late_after: dt.timedelta) -> str:
    """What ``publish`` and its dry run say about rows held as late."""
    ids = ", ".join(str(r.id) for r in late[:20]) + (", …" if len(late) > 20 else "")
    return (
        f"held as late: {len(late)} row{'s' if len(late) != 1 else ''} more than {span(late_after)} past "
        f"{'their' if len(late) != 1 else 'its'} time ({ids}); not sent. `campaign schedule retry --late` sends them anyway, "
        "`campaign schedule cancel --late` drops them"
    )


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

    queue = open_queue(campaign, env)
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


@dataclass
class Moved:
    source: Path
    target: str  # the URL without its password
    posts: int
    events: int
    accounts: int


def schedule_migrate(root: Path, to: str, now: dt.datetime) -> Moved:
    """Copy the campaign's SQLite queue into the (empty) PostgreSQL queue at ``to``; the file is then marked as moved."""
    check(to, "--to")
    loaded = load(root)
    local = queue_path(loaded.campaign.root)
    if not local.is_file():
        raise QueueError(
            f"there is no queue to move: {local} does not exist (with {QUEUE_URL_VAR} set, "
            "`campaign schedule plan` loads the plan straight into PostgreSQL)"
        )
    source = Queue.open(local, loaded.campaign.settings.name)
    try:
        target = Queue.open(to, loaded.campaign.settings.name)
        try:
            copied = copy_queue(source, target, now)
            return Moved(local, target.where, copied.posts, copied.events, copied.accounts)
        finally:
            target.close()
    finally:
        source.close()
