"""What the page shows, as plain data: one ``AreaView`` per area.

The page reads the composer's ``Post`` objects (message_id, platform, area,
parts with text and limit, link, mentions) and the images stage's
``ImageFile`` rows, as the build hands them over. Everything after that reads
only the plain views defined here, so the templates and the data files see one
shape.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from campaign.compose.core import Post
from campaign.compose.platforms import PLATFORMS
from campaign.compose.records import quick_init
from campaign.kit import ImageFile
from campaign.model import NATIONAL, Area, Campaign, Message
from campaign.templating import FigureView, figure_view

# Platform order, names, limits and counting rules all come from the composer's one table (PLATFORM_IDS, PLATFORMS).
SHARE_BY_LINK = {"linkedin", "facebook"}  # these share a URL; their text is ignored (PLATFORMS.md)


@dataclass(frozen=True)
class MentionView:
    """A politician to tag in an area, with the handle on each platform."""

    name: str
    role: str
    handles: dict[str, str] = field(default_factory=dict)  # platform → handle as written


@quick_init
@dataclass(frozen=True)
class PostView:
    """One message on one platform for one area: its parts (a thread has several)."""

    platform: str
    parts: tuple[str, ...]
    limit: int
    link: str | None  # the post's link, shared by LinkedIn and Facebook


@quick_init
@dataclass(frozen=True)
class ImageView:
    file: str  # relative to build/images/
    size: str
    width: int
    height: int
    alt: str


@quick_init
@dataclass(frozen=True)
class CardView:
    """One message for one area, on every platform."""

    message: Message
    posts: tuple[PostView, ...]
    images: tuple[ImageView, ...]
    title: str = ""  # the topic as a heading ("Hot och våld"): the message's title, else its opening words

    @property
    def id(self) -> str:
        return self.message.id

    @property
    def topic(self) -> str:
        """The title inside a sentence ("om hot och våld"): lower-case first letter, unless it is an acronym (LVU)."""
        return topic(self.title)

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
    featured: str = ""  # the id of the card the page shows first, ready to share

    @property
    def first(self) -> CardView | None:
        """The recommended card: ``featured``, else the first long message, else the first card."""
        for wanted in (lambda c: c.id == self.featured, lambda c: c.message.kind == "long", lambda c: True):
            for card in self.cards:
                if wanted(card):
                    return card
        return None

    @property
    def rest(self) -> tuple[CardView, ...]:
        """Every card but the recommended one, in the bank's order."""
        first = self.first
        return tuple(c for c in self.cards if c is not first)

    @property
    def key(self) -> str:
        """The area's file name in data/areas/: its slug, "national" for the country."""
        return self.area.slug or "national"


def topic(title: str) -> str:
    """A title inside a sentence: "Hot och våld" → "hot och våld", "LVU-ärenden" stays."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


_WORDS_IN_TITLE = 5


def fallback_title(text: str) -> str:
    """A message without a title is headed by its opening words ("Varannan socialsekreterare i landet anger …")."""
    sentence = text.split("\n", maxsplit=1)[0].split(". ", maxsplit=1)[0].strip().rstrip(".")
    words = sentence.split()
    return " ".join(words[:_WORDS_IN_TITLE]) + (" …" if len(words) > _WORDS_IN_TITLE else "")


_SWEDISH = str.maketrans(
    {"å": "z\x01", "ä": "z\x02", "ö": "z\x03", "æ": "z\x02", "ø": "z\x03", "é": "e", "è": "e", "ü": "y", "-": " "}
)


def swedish_key(name: str) -> str:
    """Sort key in Swedish alphabetical order: å, ä, ö after z ("Åre" after "Uppsala")."""
    return name.lower().translate(_SWEDISH)


def _area_key(area: Area) -> tuple[str, str]:
    return (area.level, area.code)


def _mentions(tags: Iterable[Tag]) -> tuple[MentionView, ...]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for name, role, platform, handle in tags:
        handles = found.setdefault((name, role), {})
        if handle:
            handles[platform] = handle
    return tuple(MentionView(name, role, dict(sorted(h.items()))) for (name, role), h in sorted(found.items()))


def _post_view(post: Post) -> PostView:
    parts = post.parts
    if len(parts) == 1:  # most posts: one part
        return PostView(post.platform, (parts[0].text,), parts[0].limit, post.link)
    return PostView(post.platform, tuple(p.text for p in parts), max((p.limit for p in parts), default=0), post.link)


class ImageIndex:
    """The images stage's rows indexed once by area and by what they show.

    Looking a message's images up for every area by scanning the whole list
    costs messages × areas × images; with the index each lookup touches only
    the rows of that area and that message (and its figures).
    """

    def __init__(self, images: Sequence[ImageFile]) -> None:
        self.rows = tuple(images)
        self._by_area: dict[tuple[str, str], dict[tuple[str, str], list[ImageFile]]] = {}
        for image in self.rows:
            self._by_area.setdefault((image.area_level, image.area_code), {}).setdefault((image.card, image.id), []).append(image)
        self._views: dict[tuple[str, str, str], tuple[ImageView, ...]] = {}

    def rows_for(self, message: Message) -> tuple[ImageFile, ...]:
        """Every row of the message's images and its figures', in every area (what its column is made from)."""
        figures = set(message.figures)
        return tuple(
            i for i in self.rows if (i.card == "message" and i.id == message.id) or (i.card == "figure" and i.id in figures)
        )

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
            local.sort(key=lambda i: (i.card, i.id, i.file))
            found = tuple(ImageView(i.file, _size_label(i), i.width, i.height, i.alt) for i in local)
            self._views[key] = found
        return found


def images_for(images: Sequence[ImageFile] | ImageIndex, message: Message, area: Area) -> tuple[ImageView, ...]:
    """The message's share images for ``area``: its own, else its län's, else the national ones."""
    index = images if isinstance(images, ImageIndex) else ImageIndex(images)
    for level, code in ((area.level, area.code), ("lan", area.lan_code), ("national", "")):
        local = index.at(message, level, code or "")
        if local:
            return local
    return ()


def _size_label(image: ImageFile) -> str:
    """Which platforms a size is for ("X, Mastodon, Threads"), else the size's own name."""
    names = [PLATFORMS[p].name for p in image.platforms if p in PLATFORMS]
    return ", ".join(names) or image.size


AreaKey = tuple[str, str]  # (level, code)
Tag = tuple[str, str, str, str]  # a politician a post tags: (name, role, platform, handle)


@dataclass(frozen=True)
class Column:
    """One message's part of every area's view: its card in each area where it has posts on the page's
    platforms, and who its posts tag there (in post order). ``views_of`` puts the columns together; a build
    keeps each column by its message's key, so an edit works out again only the edited message's."""

    message_id: str
    cards: dict[AreaKey, CardView]
    tags: dict[AreaKey, tuple[Tag, ...]]


def message_column(message: Message, posts: Iterable[Post], images: ImageIndex, platforms: Sequence[str]) -> Column:
    """``message``'s column from its posts (every area's) and the images stage's index."""
    by_area: dict[AreaKey, dict[str, Post]] = defaultdict(dict)
    areas: dict[AreaKey, Area] = {}
    tags: dict[AreaKey, list[Tag]] = defaultdict(list)
    for post in posts:
        if post.platform not in platforms:
            continue
        key = _area_key(post.area)
        areas.setdefault(key, post.area)
        by_area[key].setdefault(post.platform, post)
        tags[key].extend((m.name, m.role or "", post.platform, m.handle or "") for m in post.mentions)
    cards = {}
    for key, shown in by_area.items():
        views = tuple(_post_view(shown[p]) for p in platforms if p in shown)
        title = message.title or (fallback_title(views[0].parts[0]) if views and views[0].parts else message.id)
        cards[key] = CardView(message, views, images_for(images, message, areas[key]), title)
    return Column(message.id, cards, {key: tuple(found) for key, found in tags.items()})


def views_of(campaign: Campaign, columns: Sequence[Column], areas: Sequence[Area], featured: str = "") -> list[AreaView]:
    """One view per area that has posts, national first, then kommuner in Swedish order, from the messages'
    columns (in the campaign's order; each holds only the page's platforms)."""
    wanted = [NATIONAL, *sorted((a for a in areas if a.level == "kommun"), key=lambda a: (swedish_key(a.name), a.code))]
    used = {f for m in campaign.messages for f in m.figures}
    shown = [f for f in campaign.figures if f.id in used]
    views = []
    for area in wanted:
        key = _area_key(area)
        cards = tuple(c for column in columns if (c := column.cards.get(key)) is not None and c.posts)
        if not any(key in column.cards for column in columns):
            continue
        tags = [tag for column in columns for tag in column.tags.get(key, ())]
        figures = tuple(figure_view(f, area) for f in shown)
        views.append(AreaView(area, cards, figures, _mentions(tags), featured))
    return views


def page_view(view: AreaView, shells: dict[tuple[object, ...], CardView] | None = None) -> AreaView:
    """What an area's page (area.html) shows of its view: the recommended card whole, the others as shells.

    A shell keeps what the page writes of it (id, kind, title, its platforms, which order the page's
    panels), not its texts or images: page.js fills those in from the area's data file. The page's
    content key is this, so an edit to another message's text leaves the page as it is.
    ``shells``: shells made so far, so that areas whose shell of a message is the same share one (its content
    key is then worked out once for them).
    """
    first = view.first
    made = {} if shells is None else shells
    return dataclasses.replace(view, cards=tuple(c if c is first else _shell(c, made) for c in view.cards))


def _shell(card: CardView, made: dict[tuple[object, ...], CardView]) -> CardView:
    platforms = tuple(p.platform for p in card.posts)
    what = (card.message.id, card.message.kind, card.message.title, card.title, platforms)
    found = made.get(what)
    if found is None:
        message = Message(id=card.message.id, kind=card.message.kind, variants=(), title=card.message.title)
        found = made[what] = CardView(message, tuple(PostView(p, (), 0, None) for p in platforms), (), card.title)
    return found


def kit_view(view: AreaView) -> AreaView:
    """What a printable kit (kit.html) shows of an area's view: its figures and politicians, none of its cards
    (the kit writes every message's own phrasings, ``kit_messages``)."""
    return dataclasses.replace(view, cards=())
