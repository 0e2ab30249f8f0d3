"""`campaign registry …`: kommuner, län and the politicians a campaign tags."""

from __future__ import annotations

import datetime as dt
import sys
import zoneinfo
from pathlib import Path

import typer

from campaign.cli.common import err, out, print_problems
from campaign.errors import ExitCode
from campaign.kit import build_time
from campaign.loader import load
from campaign.model import PLATFORMS, Area, Campaign
from campaign.registry import geography as area_data
from campaign.registry.csvio import export_csv, import_csv
from campaign.registry.handles import MENTION_PLATFORMS, PLATFORM_NAMES
from campaign.registry.politicians import Politician, by_kommun, politicians
from campaign.registry.report import RegistryReport, registry_report
from campaign.registry.rules import CHAIR_RULE

app = typer.Typer(
    name="registry",
    help='Sweden\'s kommuner and län, and the politicians posts tag. Example: campaign registry find "malung salen"',
    no_args_is_help=True,
    rich_markup_mode=None,
)

DIR_ARG = typer.Argument(Path(), help="The campaign folder (holding messages/).", show_default=True)
ON_OPTION = typer.Option(
    None, "--on", metavar="YYYY-MM-DD", help="The date to check roles against (default: today, or SOURCE_DATE_EPOCH)."
)


def _on(value: str | None, campaign: Campaign) -> dt.date:
    if value is None:
        return build_time().astimezone(zoneinfo.ZoneInfo(campaign.settings.timezone)).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}", param_hint="--on") from None


def _describe(a: Area) -> str:
    if a.level == "lan":
        return f"{a.name}: län {a.code}, {len(area_data.kommuner(a.code))} kommuner; slug {a.slug}"
    return f"{a.name}: kommun {a.code} in {a.lan_name} ({a.lan_code}); slug {a.slug}"


@app.command()
def find(
    name: str = typer.Argument(..., help="A name or code, in any case, with or without diacritics."),
    lan: bool = typer.Option(False, "--lan", help="Look for a län instead of a kommun."),
    any_level: bool = typer.Option(False, "--any", help="Look among both kommuner and län."),
) -> None:
    """Find a kommun (or län) by name or code.

    Example: campaign registry find "malung salen"   (or: find 2023, find --lan skåne)
    """
    level = "any" if any_level else "lan" if lan else "kommun"
    out(_describe(area_data.find(name, level)))  # type: ignore[arg-type]


@app.command("list")
def list_cmd(
    lan: bool = typer.Option(False, "--lan", help="List the 21 län instead of the kommuner."),
    within: str | None = typer.Option(None, "--in", metavar="LÄN", help="Only the kommuner in this län (name or code)."),
) -> None:
    """List the 290 kommuner (code, name, län) or, with --lan, the 21 län.

    Example: campaign registry list --in "Dalarnas län"
    """
    if lan:
        for a in area_data.all_lan():
            out(f"{a.code}  {a.name:<22} {len(area_data.kommuner(a.code)):>2} kommuner")
        return
    lan_code = area_data.find(within, "lan").code if within else None
    for a in area_data.kommuner(lan_code):
        out(f"{a.code}  {a.name:<17} {a.lan_name}")


def _person_lines(person: Politician, only: str | None) -> list[str]:
    party = f" ({person.party})" if person.party else ""
    lines = [f"{person.id}: {person.name}{party}" + (" [example]" if person.example else "")]
    for role in person.roles:
        if only and role.kommun != only:
            continue
        span = f", {role.start or '…'} – {role.end or '…'}" if role.start or role.end else ""
        lines.append(f"  {role.label}, {area_data.kommun(role.kommun).name} ({role.kommun}){span}")
    ordered = [person.handles[p] for p in PLATFORMS if p in person.handles]
    handles = [f"{h.platform} {h.handle}" + (f" ({h.id})" if h.id else "") for h in ordered]
    lines.append("  " + ("; ".join(handles) if handles else "no handles"))
    if person.verified:
        lines.append(f"  verified {person.verified}" + (f" against {person.source}" if person.source else ""))
    return lines


@app.command("politicians")
def politicians_cmd(
    directory: Path = DIR_ARG,
    kommun: str | None = typer.Option(None, "--kommun", "-k", help="Only politicians with a role in this kommun (name or code)."),
) -> None:
    """List the campaign's politicians with their roles and handles.

    Example: campaign registry politicians . --kommun Uppsala
    """
    campaign = load(directory).campaign
    code = area_data.find(kommun).code if kommun else None
    people = politicians(campaign) if code is None else by_kommun(politicians(campaign), code)
    for person in people:
        for line in _person_lines(person, code):
            out(line)
    where = f" with a role in {area_data.kommun(code).name}" if code else ""
    err(f"{len(people)} politician{'s' if len(people) != 1 else ''}{where}")


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="The CSV file (UTF-8, with or without BOM; ',' or ';' between cells)."),
    directory: Path = DIR_ARG,
) -> None:
    """Replace the campaign's politicians with a CSV file, if every row is valid.

    Every problem is listed as file:line:column (column 1 = A); with any error,
    nothing is written. Example: campaign registry import politicians.csv .
    """
    imported = import_csv(directory, file)
    if imported.warnings:
        print_problems(imported.warnings)
    target = imported.target
    if target is not None and target.is_relative_to(directory.resolve()):
        target = target.relative_to(directory.resolve())
    n = len(imported.politicians)
    out(f"imported {n} politician{'s' if n != 1 else ''} into {target}")


@app.command("export")
def export_cmd(
    directory: Path = DIR_ARG,
    output: Path | None = typer.Option(None, "--out", "-o", help="Write to this file instead of standard output."),
    excel: bool = typer.Option(False, "--excel", help="For Swedish Excel: ';' between cells and a UTF-8 byte-order mark."),
) -> None:
    """Write the campaign's politicians as CSV, one row per role.

    Example: campaign registry export . --excel --out politicians.csv
    """
    campaign = load(directory).campaign
    text = export_csv(politicians(campaign), delimiter=";" if excel else ",", bom=excel)
    if output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        output.write_text(text, encoding="utf-8", newline="")
        err(f"wrote {output}")


def _coverage_lines(report: RegistryReport) -> list[str]:
    cov = report.coverage
    assert cov is not None
    lines = [
        f"politicians: {report.people} ({report.examples} example{'s' if report.examples != 1 else ''}), "
        f"with roles in {report.kommuner_with_roles} kommuner on {report.on}",
        f"coverage of '{cov.rule}': registered in {cov.registered} of {cov.kommuner} kommuner",
    ]
    for platform in PLATFORMS:
        how = "tagged" if platform in MENTION_PLATFORMS else "named "
        lines.append(f"  {PLATFORM_NAMES[platform]:<10} {how} in {cov.tagged[platform]:>3} of {cov.kommuner}")
    for u in report.untaggable:
        lines.append(f"named instead of tagged: {u.politician.id} ({', '.join(u.roles)}) on {', '.join(u.platforms)}")
    return lines


@app.command()
def check(
    directory: Path = DIR_ARG,
    on: str | None = ON_OPTION,
    rule: str | None = typer.Option(
        None, "--rule", help=f"The tag rule to measure coverage by (default: the campaign's tag rules, or '{CHAIR_RULE}')."
    ),
    strict: bool = typer.Option(False, "--strict", help="Exit with code 2 when there are warnings (for CI)."),
) -> None:
    """Check the politicians: every problem, then coverage per platform.

    Warns about roles that have ended and entries not verified for a year (as of
    --on), and real politicians who would be named for lack of a handle.
    Example: campaign registry check . --on 2026-02-04
    """
    loaded = load(directory)
    campaign = loaded.campaign
    report = registry_report(campaign, on=_on(on, campaign), rule=rule or (None if campaign.settings.tag else CHAIR_RULE))
    problems = sorted(loaded.warnings + report.problems)
    if problems:
        print_problems(problems)
    for line in _coverage_lines(report):
        out(line)
    if strict and problems:
        raise typer.Exit(int(ExitCode.INVALID))


def register(root: typer.Typer) -> None:
    """Add `campaign registry …` to the app."""
    root.add_typer(app, name="registry")
