"""What the page shows, as plain data: one ``AreaView`` per area.

The page reads posts through ``page_posts``: the composer's posts from
``kit.results["posts"]`` when the composer stage ran, and until then a simple
stand-in rendered from the campaign's templates. Everything after that reads
only the plain views defined here, so the templates, the data files and the
tests see one shape whatever produced the posts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS
from campaign.model import NATIONAL, Area, Campaign, Message
from campaign.templating import FigureView, context, figure_view, render

# Platform order, names, limits and counting rules all come from the composer's one table.
PLATFORM_ORDER = PLATFORM_IDS
SHARE_BY_LINK = {"linkedin", "facebook"}  # these share a URL; their text is ignored (PLATFORMS.md)


@dataclass(frozen=True)
class MentionView:
    """A politician to tag in an area, with the handle on each platform."""

    name: str
    role: str
    handles: dict[str, str] = field(default_factory=dict)  # platform → handle as written


@dataclass(frozen=True)
class PostView:
    """One message on one platform for one area: its parts (a thread has several)."""

    platform: str
    parts: tuple[str, ...]
    limit: int
    link: str | None  # the post's link, shared by LinkedIn and Facebook


@dataclass(frozen=True)
class ImageView:
    file: str  # relative to build/images/
    size: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class CardView:
    """One message for one area, on every platform."""

    message: Message
    posts: tuple[PostView, ...]
    images: tuple[ImageView, ...]

    @property
    def id(self) -> str:
        return self.message.id

    @property
    def preview(self) -> ImageView | None:
        """The image shown on the card: X's 16:9 where there is one (page.js picks the same)."""
        for wanted in (lambda i: (i.width, i.height) == (1200, 675), lambda i: i.width == 1200, lambda i: True):
            for image in self.images:
                if wanted(image):
                    return image
        return None


@dataclass(frozen=True)
class AreaView:
    area: Area
    cards: tuple[CardView, ...]
    figures: tuple[FigureView, ...]
    mentions: tuple[MentionView, ...]

    @property
    def key(self) -> str:
        """The area's file name in data/areas/: its slug, "national" for the country."""
        return self.area.slug or "national"


@dataclass
class SourcePost:
    """The stand-in's post, shaped like the composer's (message_id, platform, area, parts)."""

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


def stand_in_posts(campaign: Campaign, areas: Sequence[Area]) -> list[SourcePost]:
    """Posts rendered straight from the templates (body, link, hashtags; no fitting), for every platform.

    Used when the build ran without the composer stage and by tests that need
    posts of a known shape; ``campaign build`` always has the composer's posts.
    """
    tags = " ".join(f"#{h.tag}" for h in campaign.hashtags)
    posts = []
    for area in areas:
        for message in campaign.messages:
            ctx = context(campaign, area, message.figures, message.link)
            body = render(message.variants[0], ctx)
            url = campaign.link(message.link).url if message.link else None
            text = "\n\n".join(part for part in (body, url, tags) if part)
            for platform in PLATFORM_ORDER:
                posts.append(SourcePost(message.id, platform, area, (SourcePart(text, PLATFORMS[platform].limit),), url))
    return posts


def page_posts(results: dict[str, Any], campaign: Campaign, areas: Sequence[Area]) -> list[Any]:
    """The posts the page shows: the composer's, or the stand-in when it did not run."""
    posts = results.get("posts")
    if posts:
        return list(posts)
    return stand_in_posts(campaign, areas)


_SWEDISH = str.maketrans({"å": "z\x01", "ä": "z\x02", "ö": "z\x03", "æ": "z\x02", "ø": "z\x03", "é": "e", "è": "e", "ü": "y", "-": " "})


def swedish_key(name: str) -> str:
    """Sort key in Swedish alphabetical order: å, ä, ö after z ("Åre" after "Uppsala")."""
    return name.lower().translate(_SWEDISH)


def _area_key(area: Area) -> tuple[str, str]:
    return (area.level, area.code)


def _mention(value: Any) -> tuple[str, str, str | None]:
    """(name, role, handle) from a composer Mention or a plain mapping."""
    get = value.get if isinstance(value, dict) else (lambda k, d=None: getattr(value, k, d))
    return str(get("name", "")), str(get("role", "") or ""), get("handle")


def _mentions(posts: Iterable[Any]) -> tuple[MentionView, ...]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for post in posts:
        for mention in getattr(post, "mentions", ()) or ():
            name, role, handle = _mention(mention)
            handles = found.setdefault((name, role), {})
            if handle:
                handles[post.platform] = handle
    return tuple(MentionView(name, role, dict(sorted(h.items()))) for (name, role), h in sorted(found.items()))


def _post_view(post: Any) -> PostView:
    parts = tuple(getattr(p, "text", p) for p in post.parts)
    limits = [getattr(p, "limit", 0) for p in post.parts]
    link = getattr(post, "link", None)
    if link is not None and not isinstance(link, str):
        link = getattr(link, "url", None)
    return PostView(post.platform, parts, max(limits) if limits else 0, link)


def _belongs(image: dict[str, Any], message: Message) -> bool:
    """A card of the message itself, or of one of its figures (images stage manifest rows)."""
    card, ident = image.get("card"), image.get("id")
    return (card == "message" and ident == message.id) or (card == "figure" and ident in message.figures)


def images_for(images: Sequence[dict[str, Any]], message: Message, area: Area) -> tuple[ImageView, ...]:
    """The message's share images for ``area``: its own, else its län's, else the national ones."""
    mine = [i for i in images if _belongs(i, message)]
    for level, code in ((area.level, area.code), ("lan", area.lan_code), ("national", "")):
        local = [i for i in mine if i.get("area_level", "national") == level and (i.get("area_code") or "") == code]
        if local:
            return tuple(
                ImageView(str(i["file"]), _size_label(i), int(i.get("width") or 0), int(i.get("height") or 0), str(i.get("alt") or ""))
                for i in sorted(local, key=lambda i: (str(i.get("card")), str(i.get("id")), str(i["file"])))
            )
    return ()


def _size_label(image: dict[str, Any]) -> str:
    """Which platforms a size is for ("X, Mastodon, Threads"), else the size's own name."""
    names = [PLATFORMS[p].name for p in image.get("platforms") or () if p in PLATFORMS]
    return ", ".join(names) or str(image.get("size") or "")


def area_views(
    campaign: Campaign, posts: Sequence[Any], images: Sequence[dict[str, Any]], areas: Sequence[Area],
    platforms: Sequence[str] = PLATFORM_ORDER,
) -> list[AreaView]:
    """One view per area that has posts, national first, then kommuner in Swedish order.

    Only ``platforms`` show, in that order (the campaign's `page: platforms:`).
    """
    by_area: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for post in posts:
        if post.platform in platforms:
            by_area[_area_key(post.area)].append(post)
    wanted = [NATIONAL] + sorted((a for a in areas if a.level == "kommun"), key=lambda a: (swedish_key(a.name), a.code))
    return [_area_view(campaign, area, by_area[_area_key(area)], images, platforms) for area in wanted if by_area.get(_area_key(area))]


def _area_view(campaign: Campaign, area: Area, posts: list[Any], images: Sequence[dict[str, Any]], order: Sequence[str]) -> AreaView:
    by_message: dict[str, dict[str, Any]] = defaultdict(dict)
    for post in posts:
        by_message[post.message_id].setdefault(post.platform, post)
    cards = []
    for message in campaign.messages:
        platforms = by_message.get(message.id, {})
        shown = [p for p in order if p in platforms]
        cards.append(CardView(message, tuple(_post_view(platforms[p]) for p in shown), images_for(images, message, area)))
    used = {f for m in campaign.messages for f in m.figures}
    figures = tuple(figure_view(f, area) for f in campaign.figures if f.id in used)
    return AreaView(area, tuple(c for c in cards if c.posts), figures, _mentions(posts))
