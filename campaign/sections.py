"""The schema of the core sections of a campaign: settings, figures, messages,
links, hashtags and demands. Sections owned by later stages are declared in
``campaign.extensions``."""

from __future__ import annotations

import zoneinfo
from typing import Any

from campaign.registry.handles import PLATFORMS as HANDLE_PLATFORMS
from campaign.registry.rules import TAG_RULES
from campaign.schema import (
    HEX_COLOUR,
    ID,
    INVALID,
    KOMMUN_CODE,
    LAN_CODE,
    Bool,
    Ctx,
    Date,
    Either,
    Field,
    ListOf,
    MapOf,
    Num,
    Obj,
    Str,
    Url,
    default_dict,
    default_list,
    suggest,
)
from campaign.yamlfile import Path_

PLATFORMS = HANDLE_PLATFORMS  # the seven platforms, defined once

LINE_200 = Str(max_len=200, multiline=False)  # names and titles: shown on one line of a page or card
LINE_300 = Str(max_len=300, multiline=False)

PATH = Str(max_len=300, pattern=r"[^\x00]+", pattern_help="a file path inside the campaign folder")

THEME = Obj(
    {
        "background": Field(HEX_COLOUR, default="#14213d", help="card and page background"),
        "foreground": Field(HEX_COLOUR, default="#ffffff", help="text on the background"),
        "accent": Field(HEX_COLOUR, default="#fca311", help="the big figure, buttons"),
        "accent_text": Field(HEX_COLOUR, default="#14213d", help="text on accent-coloured areas"),
        "logo": Field(PATH, help="logo image (PNG), relative to the campaign folder"),
        "font_regular": Field(PATH, help="a TTF/OTF font file; defaults to the bundled font"),
        "font_bold": Field(PATH, help="the bold TTF/OTF font file"),
    },
    name="a theme mapping",
)

UTM = Obj(
    {
        "enabled": Field(Bool(), default=True),
        "campaign": Field(Str(max_len=100, pattern=r"[A-Za-z0-9._-]+", pattern_help="letters, digits, '.', '_' or '-'")),
        "medium": Field(Str(max_len=100), default="social"),
        "source": Field(MapOf(Str(choices=PLATFORMS), Str(max_len=100)), default=default_dict),
    },
    name="a utm mapping",
)


class TimeZone(Str):
    """An IANA time zone name that this Python knows, such as Europe/Stockholm."""

    def __init__(self) -> None:
        super().__init__(max_len=64, multiline=False, pattern_help="an IANA time zone such as 'Europe/Stockholm'")

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        text = super().check(value, path, ctx)
        if text is INVALID:
            return INVALID
        try:
            zoneinfo.ZoneInfo(text)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = suggest(text, sorted(zoneinfo.available_timezones()))
            return ctx.error(path, f"unknown time zone {text!r}{hint}; expected an IANA name such as 'Europe/Stockholm'")
        return text


SETTINGS = Obj(
    {
        "name": Field(LINE_200, required=True, help="the campaign's name"),
        "organisation": Field(LINE_200, required=True),
        "language": Field(Str(choices=("sv", "en")), default="sv"),
        "timezone": Field(TimeZone(), default="Europe/Stockholm"),
        "launch_date": Field(Date(), required=True),
        "base_url": Field(Url()),
        "handle": Field(Str(max_len=100, multiline=False)),
        "theme": Field(THEME, default=default_dict),
        "utm": Field(UTM, default=default_dict),
        "tag": Field(TAG_RULES, default=default_list, help="whom to tag by default: 'body: title, title' rules"),
    },
    name="the campaign settings mapping",
)

LOCAL_DETAIL = Obj(
    {
        "value": Field(Num(minimum=0), required=True),
        "source": Field(Str(max_len=300)),
        "fieldwork": Field(Str(max_len=100)),
        "sample_size": Field(Num(minimum=1, integer=True)),
        "note": Field(Str(max_len=300), help="the statement for this level, if it differs"),
    },
    name="a local value (a number, or a mapping with value and source)",
)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


LOCAL = Either(
    [(_is_number, Num(minimum=0)), (lambda v: isinstance(v, dict), LOCAL_DETAIL)],
    expected_text="a number, or a mapping with value and source",
)

FIELDWORK = Either(
    [
        (lambda v: not isinstance(v, dict), Date()),
        (lambda v: isinstance(v, dict), Obj({"start": Field(Date(), required=True), "end": Field(Date(), required=True)})),
    ],
    expected_text="a date, or a mapping with start and end dates",
)

FIGURE = Obj(
    {
        "id": Field(ID, required=True),
        "kind": Field(Str(choices=("share", "count")), required=True, help="share: a percentage; count: a number"),
        "value": Field(Num(minimum=0), required=True),
        "statement": Field(LINE_300, required=True, help="one line: what the figure means"),
        "source": Field(LINE_300, required=True),
        "fieldwork": Field(FIELDWORK, required=True, help="when the survey was made: a date or start/end"),
        "published": Field(Date()),
        "words": Field(
            Str(max_len=100, multiline=False), help="the share in words as the source says it, e.g. 'mer än sex av tio'"
        ),
        "sample_size": Field(Num(minimum=1, integer=True)),
        "link": Field(ID),
        "regions": Field(MapOf(LAN_CODE, LOCAL), default=default_dict),
        "municipalities": Field(MapOf(KOMMUN_CODE, LOCAL), default=default_dict),
        "example": Field(Bool(), default=False),
    },
    name="a figure mapping",
)

TEMPLATE = Str(max_len=5_000)

MESSAGE = Obj(
    {
        "id": Field(ID, required=True),
        "kind": Field(Str(choices=("long", "short")), required=True),
        "title": Field(Str(max_len=60, multiline=False), help="the topic in a few words, the page's heading for the message"),
        "text": Field(TEMPLATE, help="the message (a Jinja2 template)"),
        "variants": Field(ListOf(TEMPLATE, min_items=1, max_items=50), help="alternative phrasings, rotated"),
        "figures": Field(ListOf(ID), default=default_list),
        "link": Field(ID),
        "hashtags": Field(ListOf(Str(max_len=100)), default=default_list),
        "tag": Field(TAG_RULES, help="this message's own tag rules instead of the campaign's ([] tags nobody)"),
        "image": Field(Bool(), default=True),
    },
    name="a message mapping",
)

LINK = Obj(
    {
        "id": Field(ID, required=True),
        "url": Field(Url(), required=True),
        "title": Field(LINE_300, required=True),
        "utm": Field(Bool(), default=True),
    },
    name="a link mapping",
)

HASHTAG_TEXT = Str(
    max_len=100,
    pattern=r"#?\w*[^\W\d_]\w*",
    pattern_help="a hashtag of letters, digits and '_' (not only digits), such as 'socialtjänst'",
)

HASHTAG = Obj(
    {"tag": Field(HASHTAG_TEXT, required=True), "required": Field(Bool(), default=False)},
    name="a hashtag (text, or a mapping with tag and required)",
    shorthand=lambda v: {"tag": v} if isinstance(v, str) else None,
)

DEMAND = Obj(
    {
        "id": Field(ID, required=True),
        "title": Field(LINE_200, required=True),
        "text": Field(Str(max_len=2_000), required=True),
    },
    name="a demand mapping",
)

CORE_SECTIONS: dict[str, Any] = {
    "campaign": SETTINGS,
    "figures": ListOf(FIGURE),
    "messages": ListOf(MESSAGE, min_items=1),
    "links": ListOf(LINK),
    "hashtags": ListOf(HASHTAG),
    "demands": ListOf(DEMAND),
}
REQUIRED_SECTIONS = ("campaign", "messages")
