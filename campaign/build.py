"""`campaign build`: load and validate everything, then compose, render, write.

Nothing is written before the whole campaign has validated, and the kit is
written into a staging folder beside the output that replaces it only at the
end: an invalid campaign or a crash leaves the previous build untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem
from campaign.loader import Loaded, load
from campaign.manifest import Kept
from campaign.model import Campaign

MARKER = ".campaign-build"  # marks a folder as ours, so that we only ever replace our own output


class OutputRefused(CampaignError):
    """The output folder is not one we may replace."""


@dataclass
class Kit:
    """What the stages share: the campaign and each stage's results."""

    campaign: Campaign
    now: dt.datetime
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line summaries for the user
    results: dict[str, Any] = field(default_factory=dict)  # stage name → its result (posts, images, …)
    progress: Callable[[str, int, int], None] | None = None  # (task, done, total), for a progress bar
    kept: bool = False  # nothing had changed since the last build: the kit was kept, ``results`` is empty


Stage = Callable[[Kit, Path], None]


def build_time(now: dt.datetime | None = None) -> dt.datetime:
    """The build's "now": given, or SOURCE_DATE_EPOCH, or the clock; always aware UTC."""
    if now is not None:
        return now.astimezone(dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def stages() -> list[tuple[str, Stage]]:
    """The build's stages in order; each writes its part of the kit."""
    from campaign.compose.stage import write as write_posts
    from campaign.images.stage import write as write_images
    from campaign.registry.stage import write as check_registry
    from campaign.site.stage import write as write_site

    return [
        ("campaign", write_campaign_json),
        ("registry", check_registry),
        ("posts", write_posts),
        ("images", write_images),
        ("site", write_site),
    ]


def build(
    root: Path,
    out: Path,
    *,
    now: dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    record: bool = False,
) -> Kit:
    """Build the whole kit for the campaign in ``root`` into ``out``.

    With ``record`` what made the kit is written down (campaign/manifest.py)
    for ``build_if_changed``.
    """
    from campaign import manifest

    before = manifest.snapshot(Path(root)) if record else {}
    loaded: Loaded = load(root)
    kit = Kit(loaded.campaign, build_time(now), warnings=list(loaded.warnings), progress=progress)
    check_output(out, loaded.campaign.root)
    manifest.forget(Path(root), Path(out))  # the kit is replaced: the last build's record no longer holds
    with staged(out) as staging:
        for _name, stage in stages():
            stage(kit, staging)
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
    return kit


def build_if_changed(
    root: Path, out: Path, *, now: dt.datetime | None = None, progress: Callable[[str, int, int], None] | None = None
) -> Kit | Kept:
    """``build``, unless nothing that makes the kit changed since the last one: then the kit is kept as it is.

    The check comes before the campaign is loaded or validated; a kept kit
    comes back as a ``Kept`` with what its build said (notes and warnings).
    """
    from campaign import manifest

    when = build_time(now)
    kept = manifest.unchanged(Path(root), Path(out), when)
    if kept is not None:
        return kept
    return build(root, out, now=when, progress=progress, record=True)


def check_output(out: Path, root: Path) -> None:
    """Refuse an output folder that holds the campaign or something not ours."""
    out = out.resolve()
    if out == root or root.is_relative_to(out):
        raise OutputRefused(f"--out {out} would replace the campaign folder itself; choose another folder such as build/")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise OutputRefused(f"--out {out} exists and was not made by `campaign build`; refusing to replace it")


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success swap it in for ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        (staging / MARKER).write_text("made by campaign build; replaced on every build\n", encoding="utf-8")
        _swap(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "previous")
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def to_jsonable(value: Any, root: Path) -> Any:
    """Plain JSON data from the model: dates as ISO text, paths relative to the campaign."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name), root) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, root) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return value.relative_to(root).as_posix() if value.is_relative_to(root) else value.name
    return value


def write_json(path: Path, data: Any) -> None:
    """Deterministic JSON: sorted keys, UTF-8, a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_campaign_json(kit: Kit, staging: Path) -> None:
    """The resolved campaign as one machine-readable file."""
    data = to_jsonable(kit.campaign, kit.campaign.root)
    data.pop("root", None)
    write_json(staging / "campaign.json", data)
    kit.notes.append(f"campaign.json: {len(kit.campaign.messages)} messages, {len(kit.campaign.figures)} figures")
