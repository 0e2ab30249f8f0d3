"""`campaign schedule …`, `campaign publish`, `campaign export …`: thin wrappers over campaign.publish.service."""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from campaign.cli.common import err, out, print_problems
from campaign.errors import CampaignError, CampaignInvalid, ExitCode
from campaign.loader import load
from campaign.publish import service
from campaign.publish.accounts import environment
from campaign.publish.export import FORMATS
from campaign.publish.queue import STATES, Row, Selection
from campaign.publish.queue_url import QUEUE_URL_VAR, queue_url
from campaign.publish.when import parse_now, show

DIR_ARG = typer.Argument(Path(), help="The campaign folder (holding messages/).", show_default=True)
DIR_OPT = typer.Option(Path(), "--dir", "-d", help="The campaign folder.")
NOW_OPT = typer.Option(
    None,
    "--now",
    help="Act as if it were this time: ISO with offset (2026-02-04T08:00Z) or local ('day 1 09:00', '2026-02-04 09:00').",
)
BUILD_OPT = typer.Option(None, "--build", help="The built kit holding images/manifest.json (default: DIR/build).")

schedule_app = typer.Typer(
    help="Load the plan into the publishing queue and manage its rows.", no_args_is_help=True, rich_markup_mode=None
)
export_app = typer.Typer(
    help="Export the plan for Sprout Social, Hootsuite, other schedulers, or a calendar.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _now(directory: Path, value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    settings = load(directory).campaign.settings
    try:
        return parse_now(value, settings.launch_date, settings.timezone)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--now") from None


@schedule_app.command("plan")
def plan_cmd(directory: Path = DIR_ARG, build: Path = BUILD_OPT, now: str = NOW_OPT) -> None:
    """Load the plan (messages/plan.yaml) into the queue; re-running changes nothing.

    Editing an entry updates its rows that are not sent yet; sent rows stay as they are.
    Example: campaign schedule plan .
    """
    result = service.schedule_plan(directory, _now(directory, now), build)
    if result.warnings:
        print_problems(result.warnings)
    s = result.sync
    out(
        f"plan: {result.rows} row{'s' if result.rows != 1 else ''}; {len(s.added)} added, {len(s.updated)} updated, {len(s.unchanged)} unchanged, "
        f"{len(s.cancelled)} cancelled (left the plan), {len(s.restored)} back in the plan"
    )
    for key in s.kept:
        err(f"note: {key} was edited in the plan but is already sent or being sent; it is left as it is")


@schedule_app.command("list")
def list_cmd(
    directory: Path = DIR_ARG,
    state: list[str] = typer.Option(None, "--state", "-s", help=f"Only rows in this state ({', '.join(STATES)}); repeatable."),
    text: bool = typer.Option(False, "--text", help="Show each post's text too."),
    now: str = NOW_OPT,
) -> None:
    """Show the queue in time order (local times), with what needs a person.

    Example: campaign schedule list . --state uncertain --state failed
    """
    for s in state or []:
        if s not in STATES:
            raise typer.BadParameter(f"{s!r} is not a state; states: {', '.join(STATES)}", param_hint="--state")
    listing = service.schedule_list(directory, _now(directory, now), state or None)
    zone = listing.campaign.settings.timezone
    if not listing.rows:
        out("the queue is empty" + ("" if state else "; `campaign schedule plan` loads the plan"))
        return
    out(f"{'ID':>4}  {'TIME (' + zone + ')':<26} {'STATE':<10} {'ACCOUNT':<16} {'ENTRY':<20} DETAIL")
    for row in listing.rows:
        out(f"{row.id:>4}  {show(row.due, zone):<26} {row.state:<10} {row.account:<16} {row.entry:<20} {_detail(row)}")
        if text:
            for i, part in enumerate(row.parts):
                for line in part.text.splitlines():
                    out(f"{'':>6}{'│' if i == 0 else str(i + 1) + '│'} {line}")
    counts = {s: sum(1 for r in listing.rows if r.state == s) for s in STATES}
    out(", ".join(f"{n} {s}" for s, n in counts.items() if n))
    late = [r for r in listing.late if not state or r.state in state]
    if late:
        out(
            f"{len(late)} scheduled row{'s are' if len(late) != 1 else ' is'} held as late (more than {service.span(listing.grace)} past "
            f"{'their' if len(late) != 1 else 'its'} time: {', '.join(str(r.id) for r in late)}): "
            "`campaign schedule retry ID` (or `retry --late`) sends them at the next publish run anyway; `cancel` drops them."
        )
    for account, stop in sorted(listing.stops.items()):
        if stop.stopped == "auth":
            out(
                f"account {account} is stopped since {show(stop.since, zone)}: {stop.reason}; "
                "its posts wait until its credentials change (the next publish run tries the new ones)"
            )
        else:
            out(
                f"account {account} backs off: {stop.endpoint} could not be reached "
                f"({stop.failures} time{'s' if stop.failures != 1 else ''} since {show(stop.since, zone)}); "
                f"next try after {show(stop.retry_at, zone) if stop.retry_at else 'the next run'}"
            )
    if counts["uncertain"]:
        out(
            "uncertain rows may or may not have been posted: look at the account, then run "
            "`campaign schedule confirm ID` (it is there) or `campaign schedule retry ID` (it is not)."
        )
    if counts["failed"]:
        out(
            "failed rows: fix what the detail names, then `campaign schedule retry ID`; "
            "`campaign schedule confirm ID` if the post is on the account after all (a duplicate), `cancel ID` to drop it."
        )


def _detail(row: Row) -> str:
    if row.state == "published":
        return (row.remote_url or "") + ("" if row.in_plan else " (no longer in the plan)")
    said = [f"{len(row.parts)} parts"] if len(row.parts) > 1 else []
    if row.state == "sending":
        said.append(
            f"held by publisher {row.owner} until {row.lease_until:%Y-%m-%d %H:%M:%S} UTC (renewed while it works)"
            if row.lease_until
            else f"held by publisher {row.owner}"
        )
    if row.in_flight and row.state != "sending":
        said.append("may be on the account: the next run looks before sending")
    if row.state in ("failed", "uncertain", "cancelled"):
        said.append(f"{row.failure + ': ' if row.failure else ''}{row.reason or ''} (attempts: {row.attempts})")
    elif row.reason:
        said.append(row.reason)
    return "; ".join(said)


ROWS_ARG = typer.Argument(None, help="Row ids or keys (entry@account); or choose rows with the filters.")
ACCOUNT_FILTER = typer.Option(None, "--account", "-a", help="Only rows of this account; repeatable.")
STATE_FILTER = typer.Option(None, "--state", "-s", help="Only rows in this state; repeatable.")
MESSAGE_FILTER = typer.Option(None, "--message", "-m", help="Only rows of this message (or entry) id; repeatable.")
FROM_FILTER = typer.Option(None, "--from", help="Only rows due at or after this time (as --now takes it).")
UNTIL_FILTER = typer.Option(None, "--until", help="Only rows due before this time (as --now takes it).")
LATE_FILTER = typer.Option(False, "--late", help="Only scheduled rows held as late.")


def _selection(
    directory: Path,
    rows: list[str] | None,
    accounts: list[str] | None,
    states: list[str] | None,
    messages: list[str] | None,
    since: str | None,
    until: str | None,
    late: bool,
    now: dt.datetime,
) -> Selection:
    for s in states or []:
        if s not in STATES:
            raise typer.BadParameter(f"{s!r} is not a state; states: {', '.join(STATES)}", param_hint="--state")
    chosen = Selection(
        refs=tuple(rows or ()),
        accounts=tuple(accounts or ()),
        states=tuple(states or ()),
        messages=tuple(messages or ()),
        since=_when(directory, since, "--from"),
        until=_when(directory, until, "--until"),
        late=(now, service.grace(load(directory).campaign)) if late else None,
    )
    if not chosen.refs and not chosen.filtered:
        raise typer.BadParameter(
            "name rows by id or key, or choose them with --account, --state, --message, --from, --until or --late",
            param_hint="ROWS",
        )
    return chosen


def _when(directory: Path, value: str | None, hint: str) -> dt.datetime | None:
    if value is None:
        return None
    settings = load(directory).campaign.settings
    try:
        return parse_now(value, settings.launch_date, settings.timezone)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from None


def _change(action: str, chosen: Selection, directory: Path, moment: dt.datetime, url: str | None = None) -> None:
    result = service.schedule_change(directory, action, chosen, moment, url)
    for row in result.rows:
        out(f"{row.id} {row.key}: {row.state}")
    if result.skipped:
        err(
            f"note: left {len(result.skipped)} chosen row{'s' if len(result.skipped) != 1 else ''} as they are "
            f"({', '.join(f'{r.id} {r.state}' for r in result.skipped)}): {action} does not apply to them"
        )
    if not result.rows:
        out(f"no rows to {action}")


@schedule_app.command("cancel")
def cancel_cmd(
    rows: list[str] = ROWS_ARG,
    directory: Path = DIR_OPT,
    account: list[str] = ACCOUNT_FILTER,
    state: list[str] = STATE_FILTER,
    message: list[str] = MESSAGE_FILTER,
    since: str = FROM_FILTER,
    until: str = UNTIL_FILTER,
    late: bool = LATE_FILTER,
    now: str = NOW_OPT,
) -> None:
    """Stop rows from being sent (scheduled, failed or uncertain ones).

    Example: campaign schedule cancel 12 resurser@x-riks; campaign schedule cancel --account x-riks --state failed
    """
    moment = _now(directory, now)
    _change("cancel", _selection(directory, rows, account, state, message, since, until, late, moment), directory, moment)


@schedule_app.command("retry")
def retry_cmd(
    rows: list[str] = ROWS_ARG,
    directory: Path = DIR_OPT,
    account: list[str] = ACCOUNT_FILTER,
    state: list[str] = STATE_FILTER,
    message: list[str] = MESSAGE_FILTER,
    since: str = FROM_FILTER,
    until: str = UNTIL_FILTER,
    late: bool = LATE_FILTER,
    now: str = NOW_OPT,
) -> None:
    """Send failed, uncertain or cancelled rows, or rows held as late, at the next publish run.

    Parts already published are not re-sent; a post that may be on the account is looked for first.
    Example: campaign schedule retry 12; campaign schedule retry --late --account x-riks
    """
    moment = _now(directory, now)
    _change("retry", _selection(directory, rows, account, state, message, since, until, late, moment), directory, moment)


@schedule_app.command("confirm")
def confirm_cmd(
    rows: list[str] = ROWS_ARG,
    directory: Path = DIR_OPT,
    url: str = typer.Option(None, "--url", help="The post's address, if you found it."),
    account: list[str] = ACCOUNT_FILTER,
    state: list[str] = STATE_FILTER,
    message: list[str] = MESSAGE_FILTER,
    since: str = FROM_FILTER,
    until: str = UNTIL_FILTER,
    now: str = NOW_OPT,
) -> None:
    """Mark uncertain (or failed) rows as published after checking that the post is on the account.

    Example: campaign schedule confirm 12 --url https://x.com/kampanj/status/123
    """
    moment = _now(directory, now)
    chosen = _selection(directory, rows, account, state, message, since, until, False, moment)
    _change("confirm", chosen, directory, moment, url)


@schedule_app.command("migrate")
def migrate_cmd(
    directory: Path = DIR_ARG,
    to: str = typer.Option(
        None,
        "--to",
        help=f"The PostgreSQL queue, postgresql://user:password@host:port/db (default: ${QUEUE_URL_VAR}; "
        "a password typed here is seen by other users of the machine, so prefer the variable).",
    ),
    now: str = NOW_OPT,
) -> None:
    """Move the campaign's SQLite queue into an empty PostgreSQL database, so that several publishers can share it.

    Every row, event and stopped account is copied; a queue that has rows is
    never overwritten. The file is kept as a record and refuses to be used again.
    Stop the publishers first. Example: campaign schedule migrate . --to "$CAMPAIGN_QUEUE_URL"
    """
    target = to or queue_url(environment(directory))
    if not target:
        raise typer.BadParameter(f"name the PostgreSQL queue with --to URL or {QUEUE_URL_VAR}", param_hint="--to")
    moved = service.schedule_migrate(directory, target, _now(directory, now))
    out(
        f"moved {moved.posts} row{'s' if moved.posts != 1 else ''} ({moved.events} events, {moved.accounts} stopped "
        f"account{'s' if moved.accounts != 1 else ''}) from {moved.source} to {moved.target}"
    )
    out(
        f"from now on set {QUEUE_URL_VAR} for `campaign schedule`, `publish` and `export` (in the environment or the campaign's .env)"
    )


def publish_cmd(
    directory: Path = DIR_ARG,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print exactly what would be sent, with counts; send nothing."),
    once: bool = typer.Option(
        True, "--once/--watch", help="Send what is due and exit (default), or keep running and send posts as they fall due."
    ),
    now: str = NOW_OPT,
    interval: float = typer.Option(60.0, "--interval", help="With --watch: seconds between looks at the queue."),
    account: list[str] = typer.Option(None, "--account", "-a", help="Only these accounts; repeatable."),
) -> None:
    """Send the posts that are due (credentials from environment variables or the campaign's .env).

    Run it from cron (`campaign publish --once`) or as a service (`campaign publish --watch`).
    Example: campaign publish . --dry-run --now "day 1 09:00"
    """
    if dry_run and not once:
        raise typer.BadParameter(
            "a dry run shows one moment; use --dry-run without --watch (add --now to look ahead)", param_hint="--watch"
        )
    if dry_run:
        _dry_run(directory, _now(directory, now), account or None)
        return
    if not once and now is not None:
        raise typer.BadParameter("--watch follows the real clock; use --now with --once", param_hint="--now")
    with _stop_on_sigterm() as stop:
        if once:
            code = _run(directory, _now(directory, now), account or None, stop)
        else:
            code = _watch(directory, account or None, interval, stop)
    raise typer.Exit(code)


def _watch(directory: Path, accounts: list[str] | None, interval: float, stop: Callable[[], bool]) -> int:
    while not stop():
        try:
            _run(directory, dt.datetime.now(dt.UTC), accounts, stop)
        except CampaignInvalid as exc:  # a campaign file mid-edit must not stop the service: report, look again later
            print_problems(exc.problems)
            err(f"error: the campaign is invalid; nothing sent; trying again in {interval:g} s")
        except CampaignError as exc:
            err(f"error: {exc}; trying again in {interval:g} s")
        for _ in range(max(1, int(interval * 10))):
            if stop():
                break
            time.sleep(0.1)
    err("stopped")
    return int(ExitCode.OK)


@contextmanager
def _stop_on_sigterm() -> Iterator[Callable[[], bool]]:
    """SIGTERM (a service manager stopping us) ends the run after the row in hand, never mid-send."""
    asked: list[bool] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: asked.append(True))
    try:
        yield lambda: bool(asked)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(directory: Path, now: dt.datetime, accounts: list[str] | None, stop: Callable[[], bool]) -> int:
    report = service.publish(directory, now, only_accounts=accounts, should_stop=stop)
    for row in report.recovered:
        err(f"recovered {row.id} {row.key}: {row.state} ({row.reason})")
    for row, found in report.settled:
        out(f"checked: {row.id} {row.key}: {found}")
    for account in report.resumed:
        err(f"note: account {account} was stopped; trying it again (its credentials changed, or its backoff is over)")
    for outcome in report.outcomes:
        if outcome.state != "stopped":
            out(f"{outcome.state}: {outcome.row.id} {outcome.row.key}: {outcome.detail}")
    for _account, why in sorted(report.account_errors.items()):
        err(f"error: {why}")
    if report.late:
        out(service.late_line(report.late, service.grace(load(directory).campaign)))
    stopped = ", ".join(f"{a} ({s.stopped})" for a, s in sorted(report.stopped.items()))
    out(
        f"{report.count('published')} published, {report.count('failed')} failed, {report.count('uncertain')} uncertain, "
        f"{report.count('released')} waiting for a rate limit"
        + (f", {len(report.late)} held as late" if report.late else "")
        + (f"; stopped account{'s' if len(report.stopped) != 1 else ''}, not tried: {stopped}" if stopped else "")
    )
    bad = report.count("failed") + report.count("uncertain") + len(report.account_errors)
    return int(ExitCode.ERROR) if bad else int(ExitCode.OK)


def _dry_run(directory: Path, now: dt.datetime, accounts: list[str] | None) -> None:
    for line in service.dry_run(directory, now, accounts).lines():
        out(line)


def _export(
    fmt: str, directory: Path, out_dir: Path | None, build: Path | None, now: str | None, account: list[str] | None
) -> None:
    exported = service.export_plan(directory, fmt, _now(directory, now), build_dir=build, out_dir=out_dir, only_accounts=account)
    for note in exported.notes:
        err(note)
    for path in exported.written:
        out(f"wrote {path}")


def _export_command(fmt: str, about: str) -> None:
    def command(
        directory: Path = DIR_ARG,
        out_dir: Path = typer.Option(None, "--out", "-o", help="Folder to write into (default: DIR/build/export)."),
        build: Path = BUILD_OPT,
        now: str = NOW_OPT,
        account: list[str] = typer.Option(None, "--account", "-a", help="Only these accounts; repeatable."),
    ) -> None:
        _export(fmt, directory, out_dir, build, now, account or None)

    command.__doc__ = about
    export_app.command(fmt)(command)


_export_command(
    "sprout", "Sprout Social bulk-scheduling CSV, one file per account.\n\nExample: campaign export sprout . --out exports"
)
_export_command(
    "hootsuite", "Hootsuite bulk-composer CSV, one file per account (profile).\n\nExample: campaign export hootsuite ."
)
_export_command(
    "generic", "CSV with text, link, imageUrls, postAtSpecificTime, one file per account.\n\nExample: campaign export generic ."
)
_export_command(
    "ics", "An iCalendar file of the plan (plan.ics), one event per entry.\n\nExample: campaign export ics . --out exports"
)
assert set(FORMATS) == {"sprout", "hootsuite", "generic", "ics"}


def register(app: typer.Typer) -> None:
    """Add `schedule`, `publish` and `export` to the app."""
    app.add_typer(schedule_app, name="schedule")
    app.command("publish")(publish_cmd)
    app.add_typer(export_app, name="export")


__all__ = ["CampaignError", "register"]
