"""The resolved campaign: typed, validated, immutable data every stage reads, and the
format of the core sections (each dataclass carries its fields' specs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from campaign.schema import (
    HEX_COLOUR,
    ID,
    KOMMUN_CODE,
    LAN_CODE,
    Bool,
    CampaignFile,
    Date,
    Either,
    Field,
    ListOf,
    MapOf,
    Num,
    Obj,
    Record,
    Spec,
    Str,
    TimeZone,
    Url,
    derived,
    spec,
)
from campaign.sv import MONTHS
from campaign.sv import slug as make_slug
from campaign.tagrule import TAG_RULES

FigureKind = Literal["share", "count"]
MessageKind = Literal["long", "short"]

PLATFORMS = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")  # the seven, defined once

# The format of the core sections, described once: each dataclass below is a section's (or a
# part's) model, and each attribute's ``spec(...)`` says how it is written, checked and
# defaulted. ``Record(cls, ...)`` turns a class into the spec the loader checks the YAML with, so
# adding a key is one new attribute here. Sections owned by later stages: campaign.extensions.

LINE_200 = Str(max_len=200, multiline=False)  # names and titles: shown on one line of a page or card
LINE_300 = Str(max_len=300, multiline=False)
TEMPLATE = Str(max_len=5_000)
HASHTAG_TEXT = Str(
    max_len=100,
    pattern=r"#?\w*[^\W\d_]\w*",
    pattern_help="a hashtag of letters, digits and '_' (not only digits), such as 'socialtjänst'",
)


def _without_hash(tag: str) -> str:
    return tag.lstrip("#")


@dataclass(frozen=True)
class Theme:
    background: str = spec(HEX_COLOUR, default="#14213d", help="card and page background")
    foreground: str = spec(HEX_COLOUR, default="#ffffff", help="text on the background")
    accent: str = spec(HEX_COLOUR, default="#fca311", help="the big figure, buttons")
    accent_text: str = spec(HEX_COLOUR, default="#14213d", help="text on accent-coloured areas")
    logo: Path | None = spec(CampaignFile(), help="logo image (PNG), relative to the campaign folder")
    font_regular: Path | None = spec(CampaignFile(), help="a TTF/OTF font file; defaults to the bundled font")
    font_bold: Path | None = spec(CampaignFile(), help="the bold TTF/OTF font file")


THEME = Record(Theme, "a theme mapping")


@dataclass(frozen=True)
class Utm:
    enabled: bool = spec(Bool(), default=True)
    # None in the file means the campaign's name as a slug (filled in by Settings)
    campaign: str = spec(Str(max_len=100, pattern=r"[A-Za-z0-9._-]+", pattern_help="letters, digits, '.', '_' or '-'"))
    medium: str = spec(Str(max_len=100), default="social")
    source: dict[str, str] = spec(  # platform → utm_source (defaults to the platform id)
        MapOf(Str(choices=PLATFORMS), Str(max_len=100)), default=dict
    )


UTM = Record(Utm, "a utm mapping")


def _slug(name: str) -> str:
    return make_slug(name, fallback="campaign")  # the project's one slug rule, as the registry's slugs


def _utm(checked: dict[str, Any]) -> Utm:
    utm: Utm = checked["utm"]
    return utm if utm.campaign else dataclasses.replace(utm, campaign=_slug(checked["name"]))


@dataclass(frozen=True, kw_only=True)
class Settings:
    name: str = spec(LINE_200, required=True, help="the campaign's name")
    organisation: str = spec(LINE_200, required=True)
    language: str = spec(Str(choices=("sv", "en")), default="sv")  # the kit's own words
    timezone: str = spec(TimeZone(), default="Europe/Stockholm")  # IANA zone: times shown in it, stored in UTC
    launch_date: dt.date = spec(Date(), required=True)
    base_url: str | None = spec(Url())  # where the built page will live, for Open Graph
    handle: str | None = spec(Str(max_len=100, multiline=False))  # the organisation's own handle, used as "via"
    theme: Theme = spec(THEME, default=Theme)
    utm: Utm = spec(UTM, default=Utm, derive=_utm)
    tag: tuple[str, ...] = spec(  # default tag rules (resolved by the registry)
        TAG_RULES, default=list, help="whom to tag by default: 'body: title, title' rules"
    )


SETTINGS = Record(Settings, "the campaign settings mapping")


@dataclass(frozen=True)
class LocalValue:
    """A figure's value for one län or kommun, with its own source when it has one."""

    value: float = spec(Num(minimum=0), required=True, convert=float)
    source: str | None = spec(Str(max_len=300))
    fieldwork: str | None = spec(Str(max_len=100))
    sample_size: int | None = spec(Num(minimum=1, integer=True))
    note: str | None = spec(Str(max_len=300), help="the statement for this level, if it differs")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


LOCAL = Either(
    [
        (_is_number, Num(minimum=0)),
        (lambda v: isinstance(v, dict), Record(LocalValue, "a local value (a number, or a mapping with value and source)")),
    ],
    expected_text="a number, or a mapping with value and source",
)


def _locals(values: dict[str, Any]) -> dict[str, LocalValue]:
    """Area code → value; a bare number is a value without its own source."""
    return {code: v if isinstance(v, LocalValue) else LocalValue(float(v)) for code, v in values.items()}


_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")

FIELDWORK = Either(
    [
        (lambda v: isinstance(v, dict), Obj({"start": Field(Date(), required=True), "end": Field(Date(), required=True)})),
        (lambda v: isinstance(v, str) and not re.fullmatch(r"\d{4}-\d\d-\d\d", v), Str(max_len=100, multiline=False)),
        (lambda v: True, Date()),
    ],
    expected_text="a date, a month (2022-09), a mapping with start and end dates, or the period in words (hösten 2008)",
)


def _fieldwork(checked: dict[str, Any]) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(start, end, the period as the source words it): a month "2022-09" is its first to its last day;
    a period in words ("hösten 2008") has no dates."""
    fieldwork = checked["fieldwork"]
    if isinstance(fieldwork, dict):
        return fieldwork["start"], fieldwork["end"], None
    if isinstance(fieldwork, str):
        month = _MONTH.fullmatch(fieldwork)
        if month is None:
            return None, None, fieldwork
        year, number = int(month.group(1)), int(month.group(2))
        last = (dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)).day
        return dt.date(year, number, 1), dt.date(year, number, last), f"{MONTHS[number - 1]} {year}"
    return fieldwork, fieldwork, None


@dataclass(frozen=True)
class Figure:
    # keys of the format that are no attribute: `fieldwork` becomes fieldwork_start and fieldwork_end
    FORMAT_ONLY: ClassVar[dict[str, Field]] = {
        "fieldwork": Field(FIELDWORK, required=True, help="when the survey was made: a date, a month, start/end, or in words")
    }

    id: str = spec(ID, required=True)
    kind: FigureKind = spec(Str(choices=("share", "count")), required=True, help="share: a percentage; count: a number")
    value: float = spec(Num(minimum=0), required=True, convert=float)  # percent (0-100) for a share; the number for a count
    statement: str = spec(LINE_300, required=True, help="one line: what the figure means")
    source: str = spec(LINE_300, required=True)
    fieldwork_start: dt.date | None = derived(lambda checked: _fieldwork(checked)[0])  # None: the period is in words
    fieldwork_end: dt.date | None = derived(lambda checked: _fieldwork(checked)[1])
    fieldwork_text: str | None = derived(lambda checked: _fieldwork(checked)[2])  # "september 2022", "hösten 2008"
    published: dt.date | None = spec(Date())
    sample_size: int | None = spec(Num(minimum=1, integer=True))
    link: str | None = spec(ID)  # id of the link to the source
    words: str | None = spec(  # how the source itself says the share ("mer än sex av tio"), if not exact
        Str(max_len=100, multiline=False), help="the share in words as the source says it, e.g. 'mer än sex av tio'"
    )
    regions: dict[str, LocalValue] = spec(MapOf(LAN_CODE, LOCAL), default=dict, convert=_locals)  # län code → value
    municipalities: dict[str, LocalValue] = spec(MapOf(KOMMUN_CODE, LOCAL), default=dict, convert=_locals)  # kommun code → value
    example: bool = spec(Bool(), default=False)  # true for synthetic data that only shows the format
    population: str | None = spec(  # who answered: cards, alt text and figure.sentence put it before the statement
        Str(max_len=100, multiline=False), help="who answered, e.g. 'socialchefer' (the statement then goes on without it)"
    )
    note: str | None = spec(  # a remark on the figure, shown with its source (how it was asked, whom it covers)
        Str(max_len=300, multiline=False), help="a remark shown with the source, e.g. 'ökning från 2020'"
    )


FIGURE = Record(Figure, "a figure mapping")


@dataclass(frozen=True)
class Link:
    id: str = spec(ID, required=True)
    url: str = spec(Url(), required=True)
    title: str = spec(LINE_300, required=True)
    utm: bool = spec(Bool(), default=True)


LINK = Record(Link, "a link mapping")


@dataclass(frozen=True)
class Hashtag:
    tag: str = spec(HASHTAG_TEXT, required=True, convert=_without_hash)  # without "#"
    required: bool = spec(Bool(), default=False)


HASHTAG = Record(
    Hashtag,
    "a hashtag (text, or a mapping with tag and required)",
    shorthand=lambda v: {"tag": v} if isinstance(v, str) else None,
)


def _variants(checked: dict[str, Any]) -> tuple[str, ...]:
    return tuple(checked["variants"] or ()) or ((checked["text"],) if checked["text"] else ())


@dataclass(frozen=True)
class Message:
    # keys of the format that are no attribute: `text` becomes the one variant
    FORMAT_ONLY: ClassVar[dict[str, Field]] = {"text": Field(TEMPLATE, help="the message (a Jinja2 template)")}

    id: str = spec(ID, required=True)
    kind: MessageKind = spec(Str(choices=("long", "short")), required=True)
    variants: tuple[str, ...] = spec(  # Jinja2 templates; alternative phrasings rotate
        ListOf(TEMPLATE, min_items=1, max_items=50), help="alternative phrasings, rotated", derive=_variants
    )
    figures: tuple[str, ...] = spec(ListOf(ID), default=list)  # figure ids, the first is `figure`
    link: str | None = spec(ID)
    hashtags: tuple[str, ...] = spec(  # extra tags for this message, before the campaign's
        ListOf(Str(max_len=100)), default=list, convert=lambda tags: tuple(t.lstrip("#") for t in tags)
    )
    tag: tuple[str, ...] | None = spec(  # tag rules; None means the campaign default
        TAG_RULES, help="this message's own tag rules instead of the campaign's ([] tags nobody)"
    )
    image: bool = spec(Bool(), default=True)
    title: str | None = spec(  # the topic in a few words ("Hot och våld"): the page's heading for the message
        Str(max_len=60, multiline=False), help="the topic in a few words, the page's heading for the message"
    )


MESSAGE = Record(Message, "a message mapping")


@dataclass(frozen=True)
class Demand:
    id: str = spec(ID, required=True)
    title: str = spec(LINE_200, required=True)
    text: str = spec(Str(max_len=2_000), required=True)


DEMAND = Record(Demand, "a demand mapping")

CORE_SECTIONS: dict[str, Spec] = {
    "campaign": SETTINGS,
    "figures": ListOf(FIGURE),
    "messages": ListOf(MESSAGE, min_items=1),
    "links": ListOf(LINK),
    "hashtags": ListOf(HASHTAG),
    "demands": ListOf(DEMAND),
}
REQUIRED_SECTIONS = ("campaign", "messages")


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
