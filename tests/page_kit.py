"""The activist page built from real parts, for the page tests.

A copy of the default campaign with the politicians of ``tests/tagged.py``
(resolved by the real registry), its posts from the real composer
(``compose_all``), its share images from the real images stage, and the page
from the real site stage, for a few of the registry's areas. Hostile or odd
text goes into the copy's YAML (``edit``) and through the same build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from campaign.compose.core import Post, compose_all
from campaign.images import stage as images_stage
from campaign.kit import IMAGES, ImageFile, Kit
from campaign.loader import load
from campaign.model import NATIONAL, Area, Campaign
from campaign.registry import kommun
from campaign.site.stage import build_site
from tests.tagged import tagged_copy

REPO = Path(__file__).resolve().parents[1]

# The country and five kommuner of the registry: Stockholm has its own figures, Uppsala and
# Stockholm their tagged chairs (tests/tagged.py), the other three test the picker's matching.
AREAS: tuple[Area, ...] = (NATIONAL, *(kommun(code) for code in ("0180", "0380", "1480", "2023", "2321")))
NOW = dt.datetime(2026, 1, 20, 9, 0, tzinfo=dt.UTC)  # before the launch: the kit is for the launch date
# The sizes the page's tests look at (the preview, the link card, Instagram's): the images stage draws
# just these, as `campaign images --size` does, at half the cost of all five.
PAGE_SIZES = ("x", "og", "square")
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)'


@dataclass(frozen=True)
class Page:
    """A built page: its folder, and the campaign, posts and images it was built from."""

    out: Path
    campaign: Campaign
    posts: list[Post]
    images: list[ImageFile]

    def post(self, message: str, platform: str, code: str = "") -> Post:
        """The composer's post of ``message`` on ``platform`` for the area with ``code`` (the country by default)."""
        for post in self.posts:
            if (post.message_id, post.platform, post.area.code) == (message, platform, code):
                return post
        raise LookupError(f"no post of {message!r} on {platform} for area {code or 'national'!r}")


def sample_campaign(target: Path) -> Path:
    """A writable copy of the default campaign in ``target``, with the tagged politicians."""
    return tagged_copy(REPO, target)


def edit(root: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the YAML file ``messages/<name>`` of the campaign in ``root`` as data, and write it back."""
    path = root / "messages" / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_page(root: Path, out: Path, areas: Sequence[Area] = AREAS, *, images: bool = True) -> Page:
    """Load the campaign in ``root``, compose its posts for ``areas``, draw its cards, and build the page into ``out``.

    Each stage is the build's own; only the areas (and the image sizes) are fewer than a build's.
    """
    campaign = load(root).campaign
    kit = Kit(campaign, NOW)
    posts = compose_all(campaign, areas, on=kit.date)
    out.mkdir(parents=True, exist_ok=True)
    rows = draw_cards(root, out) if images else []
    build_site(campaign, posts, rows, out, areas, now=kit.now)
    return Page(out, campaign, posts, rows)


def draw_cards(root: Path, out: Path) -> list[ImageFile]:
    """Every card of the campaign in ``root``, in PAGE_SIZES, into ``out/images`` with its manifest."""
    return list(images_stage.render_images(root, out / IMAGES, sizes=PAGE_SIZES).images)


def hostile_bank(root: Path) -> Path:
    """Write hostile text into the campaign's own YAML: HTML in two messages (``hostile``, shown first from the
    page's HTML, and ``hostile-kort``, folded and built by page.js from the area's data), their titles, a figure
    and a link; template syntax in data, which is shown as written and never run."""

    def messages(data: dict[str, Any]) -> None:
        for ident, kind, title in (("hostile", "long", "<b>Fet</b> rubrik"), ("hostile-kort", "short", "<i>Kort</i> rubrik")):
            text = HOSTILE + " {{ figure.statement }}"
            data["messages"].append(
                {"id": ident, "kind": kind, "title": title, "figures": ["resursbrist"], "link": "rapport", "text": text}
            )

    def figures(data: dict[str, Any]) -> None:
        data["figures"][0]["statement"] = "anger {{ 7*7 }} {% raw %}</textarea><script>alert(4)</script>"

    def links(data: dict[str, Any]) -> None:
        data["links"][0]["title"] = "<i>Rapporten</i> {{ campaign.name }}"

    edit(root, "messages.yaml", messages)
    edit(root, "figures.yaml", figures)
    edit(root, "links.yaml", links)
    (root / "messages" / "page.yaml").write_text("page:\n  featured: hostile\n", encoding="utf-8")
    return root
