"""Build stage: every post (message × platform × national/län/kommun) into build/posts/.

Writes ``posts.json``, ``posts.csv`` (one row per thread part) and one
readable ``<platform>.md`` per platform; puts the list of ``Post`` in
``kit.results["posts"]`` and a summary of what was dropped in ``kit.notes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from campaign.compose import output
from campaign.compose.core import compose_all
from campaign.compose.platforms import PLATFORM_IDS
from campaign.model import NATIONAL, Area

if TYPE_CHECKING:
    from campaign.build import Kit


def all_areas() -> list[Area]:
    """National, the 21 län and the 290 kommuner from the registry; only national before it exists."""
    try:
        from campaign.registry import areas
    except ImportError:
        return [NATIONAL]
    return list(areas())


def write(kit: Kit, staging: Path) -> None:
    """Compose every post and write the posts folder of the kit."""
    areas = all_areas()
    if kit.progress:
        kit.progress("posts", 0, 1)
    posts = compose_all(kit.campaign, areas)
    if kit.progress:
        kit.progress("posts", 1, 1)
    kit.results["posts"] = posts
    folder = staging / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "posts.json", output.to_json(posts))
    _write(folder / "posts.csv", output.to_csv(posts))
    for platform_id in PLATFORM_IDS:
        _write(folder / f"{platform_id}.md", output.to_markdown(platform_id, posts, kit.campaign.settings.name))
    kit.notes.append(output.summary(posts))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
