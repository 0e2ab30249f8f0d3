"""`campaign posts` (ready-to-paste posts) and `campaign count` (length as a platform counts it)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from campaign.cli.common import out
from campaign.compose import output
from campaign.compose.length import Count, count
from campaign.compose.platforms import PLATFORM_IDS
from campaign.compose.query import select
from campaign.kit import build_time, kit_date
from campaign.loader import load
from campaign.model import Campaign

DIR_ARG = typer.Argument(Path(), help="The campaign folder (holding messages/ and assets/).", show_default=True)
PLATFORM_HELP = "Platform: " + ", ".join(PLATFORM_IDS) + "."


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def posts(
    directory: Path = DIR_ARG,
    kommun: list[str] = typer.Option([], "--kommun", "-k", help="A municipality by name or code (repeatable)."),
    lan: list[str] = typer.Option(
        [], "--lan", "-l", help="A county (län) by name or code, for the län's own posts (repeatable)."
    ),
    platform: list[str] = typer.Option([], "--platform", "-p", help=PLATFORM_HELP + " Repeatable; default all."),
    message: list[str] = typer.Option([], "--message", "-m", help="A message id (repeatable); default all."),
    every: bool = typer.Option(
        False, "--all", help="Every area: national, each län and each kommun (what the kit's posts.json holds)."
    ),
    fmt: Format = typer.Option(
        Format.text,
        "--format",
        "-f",
        help="text, json, csv or markdown (a readable file per platform, as the kit's posts/<platform>.md).",
    ),
    on: str = typer.Option(
        None, "--on", help="Tag who holds the roles on this date (YYYY-MM-DD); default: the launch date, or today after it."
    ),
    instance_limit: int = typer.Option(None, "--instance-limit", min=1, help="Your Mastodon instance's limit (default 500)."),
) -> None:
    """Print ready-to-paste posts, each within its platform's limit.

    Without --kommun or --lan the national posts are printed. The kit's
    posts.csv and posts/<platform>.md hold the national and län posts; a
    kommun's are one command away, exactly as the kit would hold them.

    Example: campaign posts . --kommun Uppsala --platform x --format csv
    """
    campaign = load(directory).campaign
    if every and (kommun or lan):
        raise typer.BadParameter("--all already takes every area; leave out --kommun and --lan", param_hint="--all")
    found = select(
        campaign,
        kommuner=kommun,
        lan=lan,
        platforms=platform,
        messages=message,
        on=_date(on, campaign),
        instance_limit=instance_limit,
        every=every,
    )
    if fmt is Format.markdown:
        typer.echo(output.to_markdown_files(found, campaign.settings.name), nl=False)
        return
    render = {Format.text: output.to_text, Format.json: output.to_json, Format.csv: output.to_csv}[fmt]
    typer.echo(render(found), nl=False)


def _date(value: str | None, campaign: Campaign) -> dt.date:
    """The --on date, or the date a kit built now is for (the build's: SOURCE_DATE_EPOCH honoured)."""
    if value is None:
        return kit_date(campaign, build_time())
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}", param_hint="--on") from None


def count_cmd(
    text: str = typer.Argument("-", help="The text; '-' (the default) reads standard input, without its final newline."),
    platform: str = typer.Option(..., "--platform", "-p", help=PLATFORM_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    instance_limit: int = typer.Option(None, "--instance-limit", min=1, help="A Mastodon instance's own limit (default 500)."),
) -> None:
    """Count a text as the platform does; exit code 1 when it does not fit.

    Example: campaign count --platform x "Varannan socialsekreterare … https://example.org"
    """
    if text == "-":
        text = sys.stdin.read()
        text = text[:-1] if text.endswith("\n") else text
    result = count(platform, text, instance_limit=instance_limit)
    if as_json:
        out(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True))
    else:
        out(describe(result))
    if not result.fits:
        raise typer.Exit(1)


def describe(result: Count) -> str:
    """``x: 108 of 280 weighted characters: fits`` (or how far over)."""
    line = f"{result.platform}: {result.length} of {result.limit} {result.unit}"
    if result.byte_limit is not None:
        line += f", {result.bytes} of {result.byte_limit} bytes"
    if result.max_hashtags is not None:
        line += f", {result.hashtags} of {result.max_hashtags} hashtags"
    problems = result.problems()
    return line + (": does not fit (" + ", ".join(problems) + ")" if problems else ": fits")


def register(app: typer.Typer) -> None:
    """Add `posts` and `count`."""
    app.command()(posts)
    app.command("count")(count_cmd)
