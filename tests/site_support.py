"""Helpers for the site tests: a few of the registry's municipalities,
posts of a known shape with tagged politicians, and small share images.

(The posts are still shaped by hand here, not composed: moving the page tests
onto the composer's posts is left to do.)"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS
from campaign.kit import ImageFile
from campaign.loader import load
from campaign.model import NATIONAL, Area, Campaign, Mention
from campaign.registry import kommun
from campaign.templating import context, render

REPO = Path(__file__).resolve().parents[1]

AREAS = (NATIONAL, *(kommun(code) for code in ("0180", "0380", "1480", "2023", "2321")))  # the registry's own

# Uppsala's social committee chair, with handles that reach no real account.
UPPSALA_CHAIR = {
    "x": "AnnaExempel",
    "bluesky": "anna.example.com",
    "mastodon": "anna@mastodon.example",
    "threads": "anna.exempel",
    "instagram": "anna.exempel",
}


@dataclass
class SourcePost:
    """A post shaped like the composer's (message_id, platform, area, parts, link, mentions)."""

    message_id: str
    platform: str
    area: Area
    parts: tuple[Any, ...]
    link: str | None = None
    mentions: tuple[Any, ...] = ()


@dataclass
class SourcePart:
    text: str
    limit: int


def stand_in_posts(campaign: Campaign, areas: tuple[Area, ...] | list[Area]) -> list[SourcePost]:
    """Posts of a known shape, straight from the templates: body, link and hashtags on every platform.

    The page tests use these rather than the composer's, so that they pin the
    page's behaviour (mentions, threads, hostile text) independently of fitting.
    """
    tags = " ".join(f"#{h.tag}" for h in campaign.hashtags)
    posts = []
    for area in areas:
        for message in campaign.messages:
            body = render(message.variants[0], context(campaign, area, message.figures, message.link))
            url = campaign.link(message.link).url if message.link else None
            text = "\n\n".join(part for part in (body, url, tags) if part)
            for platform in PLATFORM_IDS:
                posts.append(SourcePost(message.id, platform, area, (SourcePart(text, PLATFORMS[platform].limit),), url))
    return posts


def mentions_for(area: Area, platform: str) -> tuple[Mention, ...]:
    if area.code != "0380":
        return ()
    handle = UPPSALA_CHAIR.get(platform)
    return (Mention("anna-exempel", "Anna Exempel", "ordförande i socialnämnden", handle),)


def composer_posts(campaign: Campaign, areas: tuple[Area, ...] = AREAS) -> list[SourcePost]:
    """Posts shaped like the composer's, with the mentions written into the text."""
    posts = []
    for post in stand_in_posts(campaign, areas):
        mentions = mentions_for(post.area, post.platform)
        if mentions:
            tags = " ".join(f"@{m.handle}" if m.handle else m.name for m in mentions)
            parts = tuple(replace(p, text=f"{p.text}\n{tags}") for p in post.parts)
            post = replace(post, parts=parts, mentions=mentions)
        if post.message_id == "kort-lag" and post.platform == "mastodon":  # one thread, as the composer makes them
            text = post.parts[0].text
            post = replace(
                post, parts=(replace(post.parts[0], text="1/2 " + text[:60]), replace(post.parts[0], text="2/2 " + text[60:]))
            )
        posts.append(post)
    return posts


def write_images(out: Path, campaign: Campaign) -> list[ImageFile]:
    """One small PNG per figure and size, national and Stockholm's own, as manifest rows of the images stage."""
    from PIL import Image

    images = []
    (out / "images").mkdir(parents=True, exist_ok=True)
    for figure in campaign.figures:
        for level, code in (("national", ""), ("kommun", "0180")):
            if level == "kommun" and code not in figure.municipalities:
                continue
            for size, (w, h), platforms in (
                ("x", (1200, 675), ["x", "mastodon", "threads"]),
                ("og", (1200, 630), ["facebook", "linkedin", "opengraph"]),
            ):
                name = f"{figure.id}-{code or 'sverige'}-{size}.png"
                colour = (29, 43, 83) if level == "national" else (120, 40, 60)
                Image.new("RGB", (w // 10, h // 10), colour).save(out / "images" / name)
                images.append(
                    ImageFile(
                        file=name,
                        card="figure",
                        id=figure.id,
                        area_level=level,
                        area_code=code,
                        area_name="Stockholm" if code else "Sverige",
                        size=size,
                        width=w,
                        height=h,
                        bytes=(out / "images" / name).stat().st_size,
                        alt=f"{figure.statement} ({level} {code})",
                        sha256="0" * 64,
                        platforms=tuple(platforms),
                    )
                )
    return images


def copy_campaign(tmp: Path) -> Path:
    """A writable copy of the default campaign."""
    root = tmp / "campaign"
    shutil.copytree(REPO / "messages", root / "messages")
    shutil.copytree(REPO / "assets", root / "assets")
    return root


def build_sample(out: Path, root: Path = REPO) -> Campaign:
    """Build the site for the default campaign with the stand-ins into ``out``."""
    from campaign.site.stage import build_site

    campaign = load(root).campaign
    out.mkdir(parents=True, exist_ok=True)
    images = write_images(out, campaign)
    build_site(campaign, composer_posts(campaign), images, out, AREAS)
    return campaign
