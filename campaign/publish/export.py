"""The plan for schedulers people already use: Sprout Social, Hootsuite, a generic CSV, iCalendar.

Each export returns file name → content, so the command decides where files
go and tests compare whole outputs. CSV files are one per account (the text
differs per platform, and Hootsuite takes one file per profile). Schedulers
import single posts: a thread's parts are joined with a blank line. A row a
format cannot carry (an Instagram post without an image address, or any
Instagram post in Hootsuite's image-less CSV) is left out, and ``left_out``
says why, so the command can tell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

from campaign.errors import CampaignError
from campaign.model import Campaign
from campaign.publish.model import Planned

MAX_ROWS = 350  # both Sprout Social and Hootsuite import at most 350 posts at a time
FORMATS = ("sprout", "hootsuite", "generic", "ics")
IMAGE_REQUIRED = ("instagram",)  # a post there is an image with a caption


class ExportError(CampaignError):
    """The plan does not fit the scheduler's import rules."""


def export(fmt: str, campaign: Campaign, rows: list[Planned], now: dt.datetime, build_dir: Path | None = None) -> dict[str, str]:
    """File name → content for ``fmt`` (one of FORMATS); rows ``left_out`` names are not in it."""
    if fmt == "ics":
        return {"plan.ics": ics(campaign, rows, now)}
    writer: Callable[[Campaign, list[Planned], Path], str] = {"sprout": sprout, "hootsuite": hootsuite, "generic": generic}[fmt]
    build = build_dir or campaign.root / "build"
    skipped = {row.key for row, _why in left_out(fmt, campaign, rows, build)}
    by_account: dict[str, list[Planned]] = {}
    for row in rows:
        if row.key not in skipped:
            by_account.setdefault(row.account, []).append(row)
    out = {}
    for account, account_rows in sorted(by_account.items()):
        if len(account_rows) > MAX_ROWS:
            raise ExportError(
                f"{len(account_rows)} posts for {account}; {fmt} imports at most {MAX_ROWS} at a time: export part of the plan"
            )
        out[f"{fmt}-{account}.csv"] = writer(campaign, account_rows, build)
    return out


def left_out(fmt: str, campaign: Campaign, rows: list[Planned], build_dir: Path | None = None) -> list[tuple[Planned, str]]:
    """The rows ``fmt`` cannot carry, each with why: Instagram takes no post without an image."""
    if fmt == "ics":
        return []
    build = build_dir or campaign.root / "build"
    out: list[tuple[Planned, str]] = []
    for row in rows:
        if row.platform not in IMAGE_REQUIRED:
            continue
        if fmt == "hootsuite":
            out.append(
                (
                    row,
                    "Hootsuite's bulk CSV has no image column, and Instagram takes no post without an image: "
                    "export it with sprout or generic, or add the image in Hootsuite's review step",
                )
            )
        elif not _image_urls(campaign, row, build):
            out.append(
                (
                    row,
                    "Instagram takes no post without an image, and this row has none with a public address"
                    + ("" if campaign.settings.base_url else ": set campaign.base_url to where the kit is published"),
                )
            )
    return out


def _local(campaign: Campaign, row: Planned) -> dt.datetime:
    return row.due.astimezone(zoneinfo.ZoneInfo(campaign.settings.timezone))


def _text(row: Planned) -> str:
    return "\n\n".join(part.text for part in row.parts)


def _image_urls(campaign: Campaign, row: Planned, build_dir: Path) -> list[str]:
    """Public URLs of the row's images: the built page's images/ folder under base_url."""
    base = campaign.settings.base_url
    if not base:
        return []
    urls = []
    for image in (i for part in row.parts for i in part.images):
        if image.url:
            urls.append(image.url)
            continue
        path = Path(image.path)
        inside = path.is_relative_to(build_dir.resolve())
        urls.append(
            urljoin(
                base if base.endswith("/") else base + "/",
                path.relative_to(build_dir.resolve()).as_posix() if inside else "images/" + path.name,
            )
        )
    return urls


def _csv(header: list[str] | None, records: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue()


def sprout(campaign: Campaign, rows: list[Planned], build_dir: Path) -> str:
    """Sprout Social bulk scheduling: date (mm/dd/yyyy), time_24hr, message_text, link, image_url."""
    records = []
    previous: dt.datetime | None = None
    for row in rows:
        when = _local(campaign, row)
        if previous is not None and when - previous < dt.timedelta(minutes=10):
            raise ExportError(f"Sprout Social needs posts at least 10 minutes apart; {row.key} is at {when:%Y-%m-%d %H:%M}")
        previous = when
        urls = _image_urls(campaign, row, build_dir)
        records.append([when.strftime("%m/%d/%Y"), when.strftime("%H:%M"), _text(row), row.link or "", urls[0] if urls else ""])
    return _csv(["date", "time_24hr", "message_text", "link", "image_url"], records)


def hootsuite(campaign: Campaign, rows: list[Planned], build_dir: Path) -> str:
    """Hootsuite bulk composer: 'mm/dd/yyyy hh:mm' (minutes ending in 0 or 5), message, link; no header."""
    records = []
    for row in rows:
        when = _local(campaign, row)
        if when.minute % 5:
            raise ExportError(f"Hootsuite takes times ending in 0 or 5 minutes; {row.key} is at {when:%H:%M}")
        records.append([when.strftime("%m/%d/%Y %H:%M"), _text(row), row.link or ""])
    return _csv(None, records)


def generic(campaign: Campaign, rows: list[Planned], build_dir: Path) -> str:
    """The generic set several tools read: text, link, imageUrls, postAtSpecificTime (local)."""
    records = [
        [
            _text(row),
            row.link or "",
            ",".join(_image_urls(campaign, row, build_dir)),
            _local(campaign, row).strftime("%Y-%m-%d %H:%M:%S"),
        ]
        for row in rows
    ]
    return _csv(["text", "link", "imageUrls", "postAtSpecificTime"], records)


def ics(campaign: Campaign, rows: list[Planned], now: dt.datetime) -> str:
    """An iCalendar file with one 15-minute event per plan entry (its accounts in the summary)."""
    entries: dict[str, list[Planned]] = {}
    for row in rows:
        entries.setdefault(row.entry, []).append(row)
    slug = campaign.settings.utm.campaign  # already an ASCII slug of the campaign's name
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//campaign//{_escape(campaign.settings.name)}//SV",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(campaign.settings.name)}",
        f"X-WR-TIMEZONE:{campaign.settings.timezone}",
    ]
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for entry, group in sorted(entries.items(), key=lambda kv: (kv[1][0].due, kv[0])):
        first = group[0]
        accounts = ", ".join(r.account for r in group)
        description = "\n\n".join(f"[{r.account}]\n{_text(r)}" for r in group)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry}@{slug}.campaign",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{first.due.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            "DURATION:PT15M",
            f"SUMMARY:{_escape(f'{first.message} ({accounts})')}",
            f"DESCRIPTION:{_escape(description)}",
            *([f"URL:{first.link}"] if first.link else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with CRLF and a space, never splitting a character."""
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return "\r\n ".join(out)
