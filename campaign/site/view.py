"""What the page shows, as plain data: one ``AreaView`` per area.

The page reads posts through ``page_posts``: the composer's ``Post`` objects
from ``kit.results["posts"]`` (message_id, platform, area, parts with text and
limit, link, mentions). Everything after that reads only the plain views
defined here, so the templates and the data files see one shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS
from campaign.model import NATIONAL, Area, Campaign, Mention, Message
from campaign.templating import FigureView, figure_view

# Platform order, names, limits and counting rules all come from the composer's one table (PLATFORM_IDS, PLATFORMS).
SHARE_BY_LINK = {"linkedin", "facebook"}  # these share a URL; their text is ignored (PLATFORMS.md)


class PartLike(Protocol):
    text: str
    limit: int


class PostLike(Protocol):
    """What the page reads of a post: the composer's ``Post`` (and the tests' stand-ins) have this shape."""

    message_id: str
    platform: str
    area: Area
    parts: tuple[PartLike, ...]
    link: str | None
    mentions: tuple[Mention, ...]


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


def page_posts(results: dict[str, Any], campaign: Campaign, areas: Sequence[Area]) -> list[PostLike]:
    """The posts the page shows: the composer stage's, or composed here when it did not run."""
    posts = results.get("posts")
    if posts is not None:
        return list(posts)
    from campaign.compose.core import compose_all

    return compose_all(campaign, [a for a in areas if a.level in ("national", "kommun")])


_SWEDISH = str.maketrans(
    {"å": "z\x01", "ä": "z\x02", "ö": "z\x03", "æ": "z\x02", "ø": "z\x03", "é": "e", "è": "e", "ü": "y", "-": " "}
)


def swedish_key(name: str) -> str:
    """Sort key in Swedish alphabetical order: å, ä, ö after z ("Åre" after "Uppsala")."""
    return name.lower().translate(_SWEDISH)


def _area_key(area: Area) -> tuple[str, str]:
    return (area.level, area.code)


def _mentions(posts: Iterable[PostLike]) -> tuple[MentionView, ...]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for post in posts:
        for mention in post.mentions:
            handles = found.setdefault((mention.name, mention.role or ""), {})
            if mention.handle:
                handles[post.platform] = mention.handle
    return tuple(MentionView(name, role, dict(sorted(h.items()))) for (name, role), h in sorted(found.items()))


def _post_view(post: PostLike) -> PostView:
    limits = [p.limit for p in post.parts]
    return PostView(post.platform, tuple(p.text for p in post.parts), max(limits) if limits else 0, post.link)


def _belongs(image: dict[str, Any], message: Message) -> bool:
    """A card of the message itself, or of one of its figures (images stage manifest rows)."""
    card, ident = image.get("card"), image.get("id")
    return (card == "message" and ident == message.id) or (card == "figure" and ident in message.figures)


class ImageIndex:
    """The images stage's rows indexed once by area and by what they show.

    Looking a message's images up for every area by scanning the whole list
    costs messages × areas × images; with the index each lookup touches only
    the rows of that area and that message (and its figures).
    """

    def __init__(self, images: Sequence[dict[str, Any]]) -> None:
        self.rows = tuple(images)
        self._by_area: dict[tuple[str, str], dict[tuple[str, str], list[dict[str, Any]]]] = {}
        for image in self.rows:
            place = (str(image.get("area_level", "national")), str(image.get("area_code") or ""))
            what = (str(image.get("card")), str(image.get("id")))
            self._by_area.setdefault(place, {}).setdefault(what, []).append(image)
        self._views: dict[tuple[str, str, str], tuple[ImageView, ...]] = {}

    def has_area(self, level: str, code: str) -> bool:
        """Whether any image is drawn for exactly this area."""
        return (level, code) in self._by_area

    def at(self, message: Message, level: str, code: str) -> tuple[ImageView, ...]:
        """The message's images (its own and its figures') drawn for exactly this area, in a stable order."""
        key = (message.id, level, code)
        found = self._views.get(key)
        if found is None:
            rows = self._by_area.get((level, code), {})
            local = list(rows.get(("message", message.id), ()))
            for figure in dict.fromkeys(message.figures):
                local.extend(rows.get(("figure", figure), ()))
            local.sort(key=lambda i: (str(i.get("card")), str(i.get("id")), str(i["file"])))
            found = tuple(
                ImageView(
                    str(i["file"]), _size_label(i), int(i.get("width") or 0), int(i.get("height") or 0), str(i.get("alt") or "")
                )
                for i in local
            )
            self._views[key] = found
        return found


def images_for(images: Sequence[dict[str, Any]] | ImageIndex, message: Message, area: Area) -> tuple[ImageView, ...]:
    """The message's share images for ``area``: its own, else its län's, else the national ones."""
    index = images if isinstance(images, ImageIndex) else ImageIndex(images)
    for level, code in ((area.level, area.code), ("lan", area.lan_code), ("national", "")):
        local = index.at(message, level, code or "")
        if local:
            return local
    return ()


def _size_label(image: dict[str, Any]) -> str:
    """Which platforms a size is for ("X, Mastodon, Threads"), else the size's own name."""
    names = [PLATFORMS[p].name for p in image.get("platforms") or () if p in PLATFORMS]
    return ", ".join(names) or str(image.get("size") or "")


def area_views(
    campaign: Campaign,
    posts: Sequence[PostLike],
    images: Sequence[dict[str, Any]] | ImageIndex,
    areas: Sequence[Area],
    platforms: Sequence[str] = PLATFORM_IDS,
) -> list[AreaView]:
    """One view per area that has posts, national first, then kommuner in Swedish order.

    Only ``platforms`` show, in that order (the campaign's `page: platforms:`).
    """
    by_area: dict[tuple[str, str], list[PostLike]] = defaultdict(list)
    for post in posts:
        if post.platform in platforms:
            by_area[_area_key(post.area)].append(post)
    index = images if isinstance(images, ImageIndex) else ImageIndex(images)
    wanted = [NATIONAL, *sorted((a for a in areas if a.level == "kommun"), key=lambda a: (swedish_key(a.name), a.code))]
    return [
        _area_view(campaign, area, by_area[_area_key(area)], index, platforms) for area in wanted if by_area.get(_area_key(area))
    ]


def _area_view(
    campaign: Campaign,
    area: Area,
    posts: list[PostLike],
    images: ImageIndex,
    order: Sequence[str],
) -> AreaView:
    by_message: dict[str, dict[str, PostLike]] = defaultdict(dict)
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
