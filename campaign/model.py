"""The resolved campaign: typed, validated, immutable data every stage reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

FigureKind = Literal["share", "count"]
MessageKind = Literal["long", "short"]


@dataclass(frozen=True)
class Theme:
    background: str
    foreground: str
    accent: str
    accent_text: str
    logo: Path | None
    font_regular: Path | None
    font_bold: Path | None


@dataclass(frozen=True)
class Utm:
    enabled: bool
    campaign: str
    medium: str
    source: dict[str, str]  # platform → utm_source (defaults to the platform id)


@dataclass(frozen=True)
class Settings:
    name: str
    organisation: str
    language: str  # "sv" or "en"
    timezone: str  # IANA zone, e.g. "Europe/Stockholm"
    launch_date: dt.date
    base_url: str | None  # where the built page will live, for Open Graph
    handle: str | None  # the organisation's own handle, used as "via"
    theme: Theme
    utm: Utm
    tag: tuple[str, ...]  # default tag rules (resolved by the registry)


@dataclass(frozen=True)
class LocalValue:
    """A figure's value for one län or kommun, with its own source when it has one."""

    value: float
    source: str | None = None
    fieldwork: str | None = None
    sample_size: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Figure:
    id: str
    kind: FigureKind
    value: float  # percent (0-100) for a share; the number for a count
    statement: str  # one line: what the figure means
    source: str
    fieldwork_start: dt.date
    fieldwork_end: dt.date
    published: dt.date | None
    sample_size: int | None
    link: str | None  # id of the link to the source
    words: str | None = None  # how the source itself says the share ("mer än sex av tio"), if not exact
    regions: dict[str, LocalValue] = field(default_factory=dict)  # län code → value
    municipalities: dict[str, LocalValue] = field(default_factory=dict)  # kommun code → value
    example: bool = False  # true for synthetic data that only shows the format


@dataclass(frozen=True)
class Link:
    id: str
    url: str
    title: str
    utm: bool = True


@dataclass(frozen=True)
class Hashtag:
    tag: str  # without "#"
    required: bool = False


@dataclass(frozen=True)
class Message:
    id: str
    kind: MessageKind
    variants: tuple[str, ...]  # Jinja2 templates; alternative phrasings rotate
    figures: tuple[str, ...]  # figure ids, the first is `figure`
    link: str | None
    hashtags: tuple[str, ...]  # extra tags for this message, before the campaign's
    tag: tuple[str, ...] | None  # tag rules; None means the campaign default
    image: bool = True
    title: str | None = None  # the topic in a few words ("Resurser"), the page's heading for it


@dataclass(frozen=True)
class Demand:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Campaign:
    """Everything a campaign folder says, validated. ``extra`` holds sections
    owned by later stages (politicians, layouts, plan, accounts) as checked data."""

    root: Path
    settings: Settings
    figures: tuple[Figure, ...]
    messages: tuple[Message, ...]
    links: tuple[Link, ...]
    hashtags: tuple[Hashtag, ...]
    demands: tuple[Demand, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # section → file it came from

    def figure(self, figure_id: str) -> Figure:
        """The figure with this id; KeyError when there is none."""
        return _by_id(self.figures, figure_id, "figure")

    def link(self, link_id: str) -> Link:
        """The link with this id; KeyError when there is none."""
        return _by_id(self.links, link_id, "link")

    def message(self, message_id: str) -> Message:
        """The message with this id; KeyError when there is none."""
        return _by_id(self.messages, message_id, "message")


def _by_id(items: tuple[Any, ...], ident: str, what: str) -> Any:
    # A KeyError, not next()'s StopIteration, which would silently end a generator that asked.
    for item in items:
        if item.id == ident:
            return item
    raise KeyError(f"no {what} with id {ident!r}")


AreaLevel = Literal["national", "lan", "kommun"]


@dataclass(frozen=True)
class Area:
    """Where a post is for: the whole country, one län or one kommun."""

    level: AreaLevel
    code: str  # "" for national, "03" for a län, "0380" for a kommun
    name: str  # "Sverige", "Uppsala län", "Uppsala"
    lan_code: str = ""
    lan_name: str = ""
    slug: str = ""


NATIONAL = Area("national", "", "Sverige", slug="")


@dataclass(frozen=True)
class Mention:
    """A politician to tag (or, where the platform has no text mentions, to name).

    Produced by the registry's tag rules for one area and one platform; the
    composer writes ``@handle`` where ``handle`` is set and the name otherwise.
    """

    politician_id: str
    name: str
    role: str  # e.g. "ordförande i socialnämnden"
    handle: str | None  # as the platform writes it, without "@": "anna_s", "anna.example.com", "anna@mastodon.example"
    did: str | None = None  # Bluesky DID for the mention facet, when the registry has it
