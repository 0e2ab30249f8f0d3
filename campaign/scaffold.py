"""`campaign init`: write a new, valid, commented campaign."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from campaign.errors import CampaignError


class ScaffoldRefused(CampaignError):
    """The target folder already holds something."""


def scaffold(target: Path) -> list[Path]:
    """Create a campaign in ``target`` (which must be new or empty); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldRefused(f"{target} exists and is not empty; choose a new folder")
    template = resources.files("campaign") / "scaffold_template"
    written: list[Path] = []
    for item in sorted(template.joinpath("messages").iterdir(), key=lambda t: t.name):
        written.append(_copy(item, target / "messages" / item.name))
    # Stored without its dot: a packaged dotfile is easily left out of a wheel.
    written.append(_copy(template / "gitignore", target / ".gitignore"))
    (target / "assets").mkdir(exist_ok=True)
    return written


def _copy(item: Traversable, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(item.read_bytes())
    return dest
