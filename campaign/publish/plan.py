"""The plan as rows: each entry × account, with its time (UTC), text and images.

``resolve`` turns the checked ``plan`` section into ``Planned`` rows: times
parsed in the campaign's zone, unscheduled entries placed by the spread,
messages composed for each account's platform, images resolved to files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from PIL import Image as PILImage

from campaign.compose.platforms import PLATFORMS
from campaign.errors import CampaignError, Problem
from campaign.model import Area, Campaign
from campaign.publish.accounts import accounts as campaign_accounts
from campaign.publish.model import Account, Image, Part, Planned
from campaign.publish.spec import all_entries, entry_id, plan_spread
from campaign.publish.spread import Spread, place
from campaign.publish.text import compose_parts
from campaign.publish.when import parse_when
from campaign.registry import area

# Which rendered card size each platform gets, best first (names from the images manifest).
CARD_SIZES = {  # when no size names the platform
    "x": ("x", "og"),
    "bluesky": ("bluesky", "x", "og"),
    "mastodon": ("x", "og"),
    "threads": ("x", "og"),
    "linkedin": ("og", "x"),
    "facebook": ("og", "x"),
    "instagram": ("portrait", "square"),
}
CARD_KINDS = ("figure", "message", "demand")
MIME = {"PNG": "image/png", "JPEG": "image/jpeg"}
# ../shared/PLATFORMS.md, "Images"; Threads' alt_text and LinkedIn's altText as their API references give them.
ALT_LIMITS = {"x": 1_000, "mastodon": 1_500, "bluesky": 2_000, "threads": 1_000, "linkedin": 4_086}
BLUESKY_IMAGE_BYTES = 1_000_000  # 2 MB since April 2026, 1 MB before: stay under 1 MB
# Threads and Instagram have no upload: they fetch the image from its public address (the kit under base_url).
FETCHED_IMAGES = ("threads", "instagram")
JPEG_ONLY = ("instagram",)  # Instagram content publishing: "JPEG is the only image format supported"


class PlanError(CampaignError):
    """The plan cannot be turned into rows (a card missing from the build, no room in the spread)."""


@dataclass
class Resolved:
    rows: list[Planned]
    warnings: list[Problem] = field(default_factory=list)


def resolve(campaign: Campaign, build_dir: Path | None = None, *, images: bool = True) -> Resolved:
    """Every row the plan asks for, sorted by time then key (``images=False``: without images, no build needed)."""
    data = campaign.extra.get("plan")
    if not data:
        return Resolved([])
    entries = all_entries(campaign, data)
    accounts = campaign_accounts(campaign)
    times = _times(campaign, entries, accounts, plan_spread(data))
    manifest = _Manifest(build_dir or campaign.root / "build", campaign.root)
    rows: list[Planned] = []
    for entry, due in zip(entries, times, strict=False):
        message = campaign.message(entry["message"])
        where = area(entry["area"] or "")
        for account_id in entry["accounts"]:
            account = accounts[account_id]
            try:
                texts, link = compose_parts(
                    campaign, message, account.platform, where, _local_day(campaign, due), account.max_characters
                )
            except CampaignError as exc:
                raise PlanError(f"plan entry {entry_id(entry)!r} for {account_id}: {exc}") from None
            attached = (
                tuple(_image(campaign, manifest, spec, account.platform, where) for spec in entry["images"]) if images else ()
            )
            parts = tuple(Part(text, tuple(facets), attached if i == 0 else ()) for i, (text, facets) in enumerate(texts))
            rows.append(
                Planned(
                    f"{entry_id(entry)}@{account_id}", entry_id(entry), message.id, account_id, account.platform, due, parts, link
                )
            )
    rows.sort(key=lambda r: (r.due, r.key))
    return Resolved(rows, _cap_warnings(campaign, data, rows) + _repeated_parts(campaign, rows))


def _repeated_parts(campaign: Campaign, rows: list[Planned]) -> list[Problem]:
    """Two rows of one account that share the text of a part: X refuses the second, leaving half a thread.

    On X it is an error (PlanError: the plan cannot be sent as it stands); on
    the other platforms, which take a repeated post, a warning.
    """
    seen: dict[tuple[str, str], str] = {}
    problems = []
    source = campaign.sources.get("plan", "messages/")
    for row in rows:
        for n, part in enumerate(row.parts, 1):
            first = seen.setdefault((row.account, part.text), f"{row.key} part {n}")
            if first != f"{row.key} part {n}" and row.platform == "x":
                raise PlanError(
                    f"{row.key} part {n} has the same text as {first} on account {row.account!r}; X refuses a repeated "
                    "post (the thread would stop half-way): make the texts differ"
                )
            if first != f"{row.key} part {n}":
                problems.append(
                    Problem(
                        source,
                        0,
                        0,
                        "plan",
                        f"{row.key} part {n} has the same text as {first} on account {row.account!r}; "
                        "platforms refuse or hide a repeated post (X: half a thread): make the texts differ",
                        "warning",
                    )
                )
    return problems


def _local_day(campaign: Campaign, moment: dt.datetime) -> dt.date:
    return moment.astimezone(Spread.zone_of(campaign.settings.timezone)).date()


def _times(
    campaign: Campaign, entries: list[dict[str, Any]], accounts: dict[str, Account], spread: dict[str, Any] | None
) -> list[dt.datetime]:
    zone, launch = campaign.settings.timezone, campaign.settings.launch_date
    fixed = [parse_when(e["at"], launch, zone) if e["at"] is not None else None for e in entries]
    pending = [i for i, t in enumerate(fixed) if t is None]
    if not pending:
        return [t for t in fixed if t is not None]
    assert spread is not None  # the cross-check demands a spread when an entry has no time
    rule = Spread.from_section(spread, launch, zone)
    taken = [
        (t, tuple(e["accounts"]), tuple(accounts[a].platform for a in e["accounts"]))
        for t, e in zip(fixed, entries, strict=False)
        if t is not None
    ]
    wanted = [(tuple(entries[i]["accounts"]), tuple(accounts[a].platform for a in entries[i]["accounts"])) for i in pending]
    placed = place(rule, taken, wanted)
    if any(p is None for p in placed):
        stuck = [entry_id(entries[i]) for i, p in zip(pending, placed, strict=False) if p is None]
        raise PlanError(
            f"the spread has no room for {len(stuck)} entr{'y' if len(stuck) == 1 else 'ies'} ({', '.join(stuck)}): "
            "add days or hours, lower min_gap_minutes, or raise daily_caps"
        )
    for i, moment in zip(pending, placed, strict=False):
        fixed[i] = moment
    return [t for t in fixed if t is not None]


def _cap_warnings(campaign: Campaign, data: Any, rows: list[Planned]) -> list[Problem]:
    """Warn when fixed times alone put more posts on a platform's day than its cap."""
    spread = plan_spread(data)
    caps = (spread or {}).get("daily_caps") or {"x": 17}
    counts: dict[tuple[str, str, dt.date], int] = {}
    for row in rows:
        day = _local_day(campaign, row.due)
        counts[(row.platform, row.account, day)] = counts.get((row.platform, row.account, day), 0) + 1
    source = campaign.sources.get("plan", "messages/")
    return [
        Problem(
            source,
            0,
            0,
            "plan",
            f"{n} posts for account {account!r} on {day.isoformat()}; {platform} allows about {caps[platform]} a day",
            "warning",
        )
        for (platform, account, day), n in sorted(counts.items())
        if platform in caps and n > caps[platform]
    ]


class _Manifest:
    """The images manifest of the build (``{"images": [...]}``), read when a card is first asked for."""

    def __init__(self, build_dir: Path, root: Path) -> None:
        self.build_dir = build_dir
        self.root_hint = root  # for the message: which `campaign build` command makes this manifest
        self._items: list[dict[str, Any]] | None = None

    def items(self) -> list[dict[str, Any]]:
        if self._items is None:
            path = self.build_dir / "images" / "manifest.json"
            if not path.is_file():
                raise PlanError(
                    f"the plan names share cards but {path} is missing; run `campaign build {self.root_hint} --out {self.build_dir}` "
                    "first (or point --build at the kit you built)"
                )
            data = json.loads(path.read_text(encoding="utf-8"))
            self._items = data["images"] if isinstance(data, dict) else data
        return self._items

    def find(self, card: str, platform: str, area: Area) -> tuple[Path, dict[str, Any]]:
        """The card's image for ``platform``: the area's own card if there is one, else the national one.

        ``card`` is a figure, message or demand id, or ``kind:id`` where ids of two kinds coincide
        (a figure is chosen before a message, a message before a demand).
        """
        kind, _, ident = card.rpartition(":")
        matches = [m for m in self.items() if m.get("id") == ident and (not kind or m.get("card") == kind)]
        if not kind and matches:
            first = min(matches, key=lambda m: CARD_KINDS.index(m["card"]) if m.get("card") in CARD_KINDS else len(CARD_KINDS))
            matches = [m for m in matches if m.get("card") == first.get("card")]
        for wanted in ([area.code] if area.code else []) + [""]:
            here = [m for m in matches if str(m.get("area_code") or "") == wanted]
            for item in here:
                if platform in (item.get("platforms") or []):
                    return self._path(item), item
            for size in CARD_SIZES.get(platform, ("og",)):
                for item in here:
                    if item.get("size") == size:
                        return self._path(item), item
            if here:
                return self._path(here[0]), here[0]
        raise PlanError(
            f"no share card {card!r} in {self.build_dir / 'images' / 'manifest.json'}; check the id, or run `campaign build` again"
        )

    def _path(self, item: dict[str, Any]) -> Path:
        target = (self.build_dir / "images" / item["file"]).resolve()
        if not target.is_file():
            raise PlanError(
                f"{item['file']} is in the images manifest but not in {self.build_dir / 'images'}; run `campaign build` again"
            )
        return target


def _image(campaign: Campaign, manifest: _Manifest, spec: dict[str, Any], platform: str, area: Area) -> Image:
    if spec["file"] is not None:
        image = image_file((campaign.root / spec["file"]).resolve(), spec["alt"])
    else:
        path, item = manifest.find(spec["card"], platform, area)
        if platform in JPEG_ONLY and item.get("jpeg"):
            path = manifest._path({**item, "file": item["jpeg"]})
        image = image_file(path, spec["alt"] or item.get("alt") or "")
    image = replace(image, url=public_url(campaign, Path(image.path), manifest.build_dir))
    if platform in JPEG_ONLY and image.mime != "image/jpeg":
        raise PlanError(
            f"{Path(image.path).name} is {image.mime.split('/')[1].upper()}; Instagram takes only JPEG images "
            "(use a share card: the build writes a JPEG of each Instagram-sized card)"
        )
    if platform in FETCHED_IMAGES and image.url is None:
        raise PlanError(
            f"{PLATFORMS[platform].name} fetches each image from its public address, and {Path(image.path).name} has none: "
            + (
                "set campaign.base_url to where the kit is published"
                if not campaign.settings.base_url
                else "use a share card of the built kit (a file: image is not published with it)"
            )
        )
    limit = ALT_LIMITS.get(platform)
    if limit and len(image.alt) > limit:
        raise PlanError(f"alt text of {Path(image.path).name} is {len(image.alt)} characters; {platform} takes at most {limit}")
    if platform == "bluesky" and image.bytes > BLUESKY_IMAGE_BYTES:
        raise PlanError(f"{Path(image.path).name} is {image.bytes} bytes; Bluesky takes images up to {BLUESKY_IMAGE_BYTES}")
    return image


def public_url(campaign: Campaign, path: Path, build_dir: Path) -> str | None:
    """The image's address once the kit is online at base_url, or None (no base_url, or not part of the kit)."""
    base = campaign.settings.base_url
    root = build_dir.resolve()
    if not base or not path.resolve().is_relative_to(root):
        return None
    return urljoin(base if base.endswith("/") else base + "/", path.resolve().relative_to(root).as_posix())


def image_file(path: Path, alt: str) -> Image:
    """An image file's facts as the queue stores them (size, type, content hash)."""
    data = path.read_bytes()
    with PILImage.open(path) as img:
        width, height, kind = img.width, img.height, img.format or ""
    if kind not in MIME:
        raise PlanError(f"{path}: expected a PNG or JPEG image, got {kind or 'an unknown format'}")
    return Image(str(path), alt, width, height, MIME[kind], hashlib.sha256(data).hexdigest(), len(data))
