"""`campaign build`: load and validate everything, then compose, render, write.

Nothing is written before the whole campaign has validated, and the kit is
written into a staging folder beside the output that replaces it only at the
end: an invalid campaign or a crash leaves the previous build untouched.

This module only orchestrates: what the stages share (the kit, the staged
folder, the output checks) is ``campaign.kit``, and each stage hands its typed
result to the next one here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign import manifest
from campaign.check import check_campaign
from campaign.compose import stage as posts_stage
from campaign.compose.core import Post
from campaign.compose.tally import total
from campaign.errors import CampaignInvalid, Problem
from campaign.images import stage as images_stage
from campaign.kit import (
    Background,
    ImageFile,
    Kit,
    Progress,
    Timings,
    build_time,
    check_output,
    default_jobs,
    run_work,
    staged,
    to_jsonable,
    write_json,
)
from campaign.loader import load
from campaign.locate import place
from campaign.manifest import Kept
from campaign.registry import stage as registry_stage
from campaign.site import stage as site_stage


@dataclass(frozen=True)
class Built:
    """What a build made: the kit's warnings and notes, and the posts and images it wrote."""

    kit: Kit
    posts: Sequence[Post]
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
    jobs: int | None = None,
    reuse_outputs: bool = False,
) -> Built:
    """Build the whole kit for the campaign in ``root`` into ``out``; its posts tag who holds the roles on ``on``
    (default: ``kit.kit_date``). Every problem comes with its file and line.

    With ``record`` what made the kit is written down (campaign/manifest.py)
    for ``build_if_changed``. ``jobs`` worker processes share the work
    (default: ``default_jobs()``; 1: all of it in this process); the kit is the
    same byte for byte whatever their number. With ``reuse_outputs`` (and
    ``record``), each output whose key is unchanged since the last recorded
    build (a message's posts, the posts files, a group of areas' pages and
    data, a QR code) is taken from it instead of being made again.
    """
    timings = Timings()
    with timings.stage("load"):
        before = manifest.snapshot(Path(root)) if record else {}
        reuse = manifest.reuse(Path(root), Path(out)) if record and reuse_outputs else None  # before forget: the last build's
        loaded = load(root)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    kit = Kit(
        loaded.campaign,
        build_time(now),
        warnings=list(loaded.warnings),
        progress=progress,
        on=on,
        jobs=jobs,
        timings=timings,
        reuse=reuse,
    )
    check_output(out, loaded.campaign.root)
    manifest.forget(Path(root), Path(out))  # the kit is replaced: the last build's record no longer holds
    try:
        with staged(out) as staging:
            with timings.stage("check"):
                check_campaign(kit)  # the whole-campaign checks: errors stop the build before anything is written
                write_campaign_json(kit, staging)
                registry_stage.write(kit, staging)
            with timings.stage("posts+images"):
                said = (len(kit.warnings), len(kit.notes))  # where the posts' warnings and note go: before the images'
                posts, images = posts_and_images(kit, staging)
            with timings.stage("posts files+page setup"):
                # The posts files and what the build says of its posts are made (in a worker) while what all
                # pages share is made here: only the worker reads every post.
                with Background(lambda _: write_posts_files(kit, staging, posts), kit.jobs) as writing:
                    site = site_stage.work(kit, staging, posts, images)
                    outputs, problems, note = writing.result()
                kit.warnings[said[0] : said[0]] = problems
                kit.notes.insert(said[1], note)
                if reuse is not None:
                    reuse.outputs.update(outputs)
            with timings.stage("page"):
                run_work([site], kit.jobs, kit.progress, reuse, staging)
    except CampaignInvalid as exc:
        raise CampaignInvalid(place(kit.campaign, [*exc.problems, *kit.warnings])) from None
    kit.warnings = place(kit.campaign, kit.warnings)
    if record:
        theme = kit.campaign.settings.theme
        with timings.stage("record"):
            manifest.record(
                Path(root),
                Path(out),
                before,
                now=kit.now,
                timezone=kit.campaign.settings.timezone,
                theme_files=(theme.logo, theme.font_regular, theme.font_bold),
                notes=kit.notes,
                warnings=kit.warnings,
                outputs=reuse.outputs if reuse is not None else None,
            )
    timings.save()
    return Built(kit, posts, images)


def posts_and_images(kit: Kit, staging: Path) -> tuple[Sequence[Post], list[ImageFile]]:
    """Compose the posts (here) while the cards are drawn (in a worker process, which has its own to draw with).

    They need nothing from each other. Warnings and notes come in the order a
    serial build gives them: the posts', then the images'.
    """

    def draw(progress: Progress | None) -> tuple[list[ImageFile], list[str], list[Problem]]:
        cards = dataclasses.replace(kit, warnings=[], notes=[], progress=progress)  # its own, merged below
        return images_stage.write(cards, staging), cards.notes, cards.warnings

    with Background(draw, kit.jobs, kit.progress) as drawing:
        report = kit.progress

        def progress(task: str, done: int, total: int) -> None:
            drawing.poll()  # the cards' progress, as it comes
            if report is not None:
                report(task, done, total)

        posts = posts_stage.compose_posts(dataclasses.replace(kit, progress=progress) if report else kit)
        images, notes, warnings = drawing.result()
    kit.notes.extend(notes)
    kit.warnings.extend(warnings)
    return posts, images


def write_posts_files(kit: Kit, staging: Path, posts: Sequence[Post]) -> tuple[dict[str, Any], list[Problem], str]:
    """The posts stage's files, and its warnings and note (``posts_stage.report_of``); what ``Reuse`` recorded
    of the files (made in a worker, it comes back with the result)."""
    pieces = posts_stage.message_files(kit.campaign, posts, kit)
    problems, note = posts_stage.report_of(kit.campaign, total(p.tally for p in pieces))
    run_work([posts_stage.files(kit, staging, pieces)], 1, None, kit.reuse, staging)
    return (kit.reuse.outputs if kit.reuse is not None else {}), problems, note


def build_if_changed(
    root: Path,
    out: Path,
    *,
    now: dt.datetime | None = None,
    on: dt.date | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> Built | Kept:
    """``build``, unless nothing that makes the kit changed since the last one: then the kit is kept as it is.

    The check comes before the campaign is loaded or validated; a kept kit
    comes back as a ``Kept`` with what its build said (notes and warnings).
    Otherwise it is built, each output whose key is unchanged taken from the
    last build (``reuse_outputs``). A kit for another date (``on``) is always
    built in full, and not recorded.
    """
    if on is not None:
        return build(root, out, now=now, on=on, progress=progress, jobs=jobs)
    when = build_time(now)
    kept = manifest.unchanged(Path(root), Path(out), when)
    if kept is not None:
        return kept
    return build(root, out, now=when, progress=progress, record=True, jobs=jobs, reuse_outputs=True)


def write_campaign_json(kit: Kit, staging: Path) -> None:
    """The resolved campaign as one machine-readable file."""
    data = to_jsonable(kit.campaign, kit.campaign.root)
    data.pop("root", None)
    write_json(staging / "campaign.json", data)
    kit.notes.append(f"campaign.json: {len(kit.campaign.messages)} messages, {len(kit.campaign.figures)} figures")
