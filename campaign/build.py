"""`campaign build`: load and validate everything, then compose, render, write.

Nothing is written before the whole campaign has validated, and the kit is
written into a staging folder beside the output that replaces it only at the
end: an invalid campaign or a crash leaves the previous build untouched.

This module only orchestrates: what the stages share (the kit, the staged
folder, the output checks) is ``campaign.kit``, and each stage hands its typed
result to the next one here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from campaign import manifest
from campaign.check import check_campaign
from campaign.compose import stage as posts_stage
from campaign.compose.core import Post
from campaign.errors import CampaignInvalid, Problem
from campaign.images import stage as images_stage
from campaign.kit import ImageFile, Kit, Progress, build_time, check_output, staged, to_jsonable, write_json
from campaign.loader import load
from campaign.locate import place
from campaign.manifest import Kept
from campaign.registry import stage as registry_stage
from campaign.site import stage as site_stage


@dataclass(frozen=True)
class Built:
    """What a build made: the kit's warnings and notes, and the posts and images it wrote."""

    kit: Kit
    posts: list[Post]
    images: list[ImageFile]

    @property
    def warnings(self) -> list[Problem]:
        return self.kit.warnings

    @property
    def notes(self) -> list[str]:
        return self.kit.notes

    @property
    def now(self) -> dt.datetime:
        return self.kit.now


def build(
    root: Path,
    out: Path,
    *,
    now: dt.datetime | None = None,
    on: dt.date | None = None,
    progress: Progress | None = None,
    record: bool = False,
) -> Built:
    """Build the whole kit for the campaign in ``root`` into ``out``; its posts tag who holds the roles on ``on``
    (default: ``kit.kit_date``). Every problem comes with its file and line.

    With ``record`` what made the kit is written down (campaign/manifest.py)
    for ``build_if_changed``.
    """
    before = manifest.snapshot(Path(root)) if record else {}
    loaded = load(root)
    kit = Kit(loaded.campaign, build_time(now), warnings=list(loaded.warnings), progress=progress, on=on)
    check_output(out, loaded.campaign.root)
    manifest.forget(Path(root), Path(out))  # the kit is replaced: the last build's record no longer holds
    try:
        with staged(out) as staging:
            check_campaign(kit)  # the whole-campaign checks: errors stop the build before anything is written
            write_campaign_json(kit, staging)
            registry_stage.write(kit, staging)
            posts = posts_stage.write(kit, staging)
            images = images_stage.write(kit, staging)
            site_stage.write(kit, staging, posts, images)
    except CampaignInvalid as exc:
        raise CampaignInvalid(place(kit.campaign, [*exc.problems, *kit.warnings])) from None
    kit.warnings = place(kit.campaign, kit.warnings)
    if record:
        theme = kit.campaign.settings.theme
        manifest.record(
            Path(root),
            Path(out),
            before,
            now=kit.now,
            timezone=kit.campaign.settings.timezone,
            theme_files=(theme.logo, theme.font_regular, theme.font_bold),
            notes=kit.notes,
            warnings=kit.warnings,
        )
    return Built(kit, posts, images)


def build_if_changed(
    root: Path, out: Path, *, now: dt.datetime | None = None, on: dt.date | None = None, progress: Progress | None = None
) -> Built | Kept:
    """``build``, unless nothing that makes the kit changed since the last one: then the kit is kept as it is.

    The check comes before the campaign is loaded or validated; a kept kit
    comes back as a ``Kept`` with what its build said (notes and warnings).
    A kit for another date (``on``) is always built, and not recorded.
    """
    if on is not None:
        return build(root, out, now=now, on=on, progress=progress)
    when = build_time(now)
    kept = manifest.unchanged(Path(root), Path(out), when)
    if kept is not None:
        return kept
    return build(root, out, now=when, progress=progress, record=True)


def write_campaign_json(kit: Kit, staging: Path) -> None:
    """The resolved campaign as one machine-readable file."""
    data = to_jsonable(kit.campaign, kit.campaign.root)
    data.pop("root", None)
    write_json(staging / "campaign.json", data)
    kit.notes.append(f"campaign.json: {len(kit.campaign.messages)} messages, {len(kit.campaign.figures)} figures")
