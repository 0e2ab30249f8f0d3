"""`campaign validate`, `campaign build`, `campaign init`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from campaign.cli.common import err, out, print_problems
from campaign.cli.plain import build_and_report
from campaign.kit import MAX_JOBS
from campaign.scaffold import scaffold

DIR_ARG = typer.Argument(Path(), help="The campaign folder (holding messages/ and assets/).", show_default=True)


ON_OPTION = typer.Option(
    None,
    "--on",
    metavar="YYYY-MM-DD",
    help="Tag who holds the roles on this date (default: the launch date, or today once the campaign has launched).",
)


def on_date(value: str | None) -> dt.date | None:
    """The --on date, checked."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}", param_hint="--on") from None


def validate(directory: Path = DIR_ARG, on: str | None = ON_OPTION) -> None:
    """Check a campaign as `campaign build` would, writing nothing: every post composed, every card's
    text fitted; every problem with its file:line:column.

    Example: campaign validate .   (exit code 0 when clean, 2 when invalid)
    """
    from campaign.check import validate as check  # why here: only this command checks without building

    checked = check(directory, on=on_date(on))
    if checked.warnings:
        print_problems(checked.warnings)
    c = checked.kit.campaign
    counts = ", ".join(
        _counted(len(items), noun)
        for items, noun in ((c.messages, "message"), (c.figures, "figure"), (c.links, "link"), (c.hashtags, "hashtag"))
    )
    out(
        f"ok: {c.settings.name}: {counts}, {_counted(len(c.demands), 'demand')}; "
        f"{_counted(len(checked.posts), 'post')} composed for {checked.kit.date.isoformat()}"
    )


def _counted(n: int, noun: str) -> str:
    """``1 figure``, ``2 figures``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def build_cmd(
    directory: Path = DIR_ARG,
    out_dir: Path | None = typer.Option(
        None, "--out", "-o", help="Where to write the kit (replaced as a whole). Default: DIR/build, where `schedule` looks."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Build everything even when nothing changed since the last build."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars (they show only on a terminal, never in CI)."),
    on: str | None = ON_OPTION,
    jobs: int | None = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        help=f"Worker processes to build with (default: the CPUs available, at most {MAX_JOBS}; 1: no worker processes).",
    ),
) -> None:
    """Build the whole kit (posts, images, page) into DIR/build/.

    When nothing that makes the kit changed since the last build (the campaign's
    files, this program, the day), the kit is kept as it is and the last build's
    notes and warnings are shown again.

    Example: campaign build . --out build
    """
    build_and_report(directory, out_dir, fresh=fresh, quiet=quiet, jobs=jobs, on=on_date(on))


def init(directory: Path = typer.Argument(..., help="Folder to create the new campaign in.")) -> None:
    """Create a new, valid campaign with comments that explain each field.

    Example: campaign init my-campaign && campaign validate my-campaign
    """
    written = scaffold(directory)
    for path in written:
        out(f"created {path}")
    err(f"next: edit {directory}/messages/*.yaml, then `campaign validate {directory}`")


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command("build")(build_cmd)
    app.command()(init)
