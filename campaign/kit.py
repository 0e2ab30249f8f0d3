"""What the build's stages share: the kit being built, the staged output
folder and its checks, deterministic JSON, and the stages' typed results.

``campaign.build`` orchestrates the stages; the stages (``*/stage.py``) import
this module, never ``campaign.build``: arrows only go down, cli → build →
stages → kit → model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem
from campaign.model import Campaign

MARKER = ".campaign-build"  # marks a folder as ours, so that we only ever replace our own output
IMAGES = "images"  # the images stage's folder in the kit

Progress = Callable[[str, int, int], None]  # (task, done, total), for a progress bar


class OutputRefused(CampaignError):
    """The output folder is not one we may replace."""


@dataclass
class Kit:
    """What every stage reads (the campaign, the build's time) and adds to (warnings, notes)."""

    campaign: Campaign
    now: dt.datetime
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line summaries for the user
    progress: Progress | None = None
    on: dt.date | None = None  # the date the kit's posts are for (--on); None: see ``date``

    @property
    def today(self) -> dt.date:
        """The build's date in the campaign's time zone."""
        return self.now.astimezone(zoneinfo.ZoneInfo(self.campaign.settings.timezone)).date()

    @property
    def date(self) -> dt.date:
        """The date the kit's posts are for, on which politicians' roles are matched: see ``kit_date``."""
        return self.on if self.on is not None else kit_date(self.campaign, self.now)


def kit_date(campaign: Campaign, now: dt.datetime) -> dt.date:
    """The date a kit's posts go out: the launch date, or the build's own date once the campaign has launched.

    A kit is built before the launch and used from it: tags follow the roles held
    then, not on the build machine's day. Built after the launch, it is used from
    that day. Scheduled posts follow their own times instead (``publish.plan``).
    """
    today = now.astimezone(zoneinfo.ZoneInfo(campaign.settings.timezone)).date()
    return max(campaign.settings.launch_date, today)


@dataclass(frozen=True)
class ImageFile:
    """One rendered share image: a row of images/manifest.json."""

    file: str  # relative to the images folder
    card: str  # "figure", "message" or "demand"
    id: str  # the figure's, message's or demand's id
    area_level: str
    area_code: str
    area_name: str
    size: str
    platforms: tuple[str, ...]
    width: int
    height: int
    bytes: int
    alt: str
    sha256: str
    jpeg: str | None = None  # the JPEG beside an Instagram-sized card (Instagram takes no PNG)

    @property
    def path(self) -> str:
        """Relative to the kit's folder."""
        return f"{IMAGES}/{self.file}"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ImageFile:
        return cls(**{**row, "platforms": tuple(row["platforms"])})

    def row(self) -> dict[str, Any]:
        """The manifest row (JSON data)."""
        row = {**dataclasses.asdict(self), "platforms": list(self.platforms)}
        if row["jpeg"] is None:
            del row["jpeg"]
        return row


def build_time(now: dt.datetime | None = None) -> dt.datetime:
    """The build's "now": given, or SOURCE_DATE_EPOCH, or the clock; always aware UTC."""
    if now is not None:
        return now.astimezone(dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def refuse_campaign_folder(out: Path, root: Path, example: str) -> None:
    """An output folder may never be, or hold, the campaign itself."""
    if out == root or root.is_relative_to(out):
        raise OutputRefused(f"--out {out} would replace the campaign folder itself; choose another folder such as {example}")


def refuse_foreign(out: Path, ours: bool, message: str) -> None:
    """Replace only an empty folder, or one that is ``ours``."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not ours)):
        raise OutputRefused(f"--out {out} {message}")


def check_output(out: Path, root: Path) -> None:
    """Refuse a kit output folder that holds the campaign or something not ours."""
    out = out.resolve()
    refuse_campaign_folder(out, root, "build/")
    refuse_foreign(out, (out / MARKER).exists(), "exists and was not made by `campaign build`; refusing to replace it")


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
