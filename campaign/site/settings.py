"""The campaign's `page:` section: optional settings for the activist page.

page:
  intro: Välj ett budskap, kopiera det och dela det i dag!   # under the campaign's name
  platforms: [x, bluesky, mastodon, facebook]                 # which tabs, in this order
  tip: Fråga dem hur de tänker agera.                         # the tip's request (default: what they will do)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campaign.compose.platforms import PLATFORM_IDS
from campaign.model import Campaign
from campaign.schema import Field, ListOf, Obj, Str

SECTION = "page"

PAGE = Obj(
    {
        "intro": Field(Str(max_len=400), help="the text under the campaign's name on the page"),
        "platforms": Field(ListOf(Str(choices=PLATFORM_IDS, multiline=False), min_items=1), help="the platforms shown, in order"),
        "tip": Field(
            Str(max_len=400, pattern=r"[^{}]+", pattern_help="text without { or }"),
            help="what the tip asks activists to ask the politicians they tag (default: what they will do)",
        ),
    },
    name="the page settings (intro, platforms, tip)",
)


@dataclass(frozen=True)
class PageSettings:
    intro: str | None  # None: the UI's own intro in the campaign's language
    platforms: tuple[str, ...]  # shown in this order
    tip: str | None = None  # the campaign's own request in the tip; None: "Fråga dem vad de tänker göra."


def cross_check(campaign: Campaign, checked: Any, add: Callable[..., None]) -> None:
    """A platform named twice is a mistake worth saying."""
    seen: set[str] = set()
    for i, platform in enumerate(checked.get("platforms") or ()):
        if platform in seen:
            add((SECTION, "platforms", i), f"platform {platform!r} is listed twice")
        seen.add(platform)


def page_settings(campaign: Campaign) -> PageSettings:
    """The page settings, with defaults for everything the campaign leaves out."""
    data = campaign.extra.get(SECTION) or {}
    platforms = tuple(dict.fromkeys(data.get("platforms") or PLATFORM_IDS))
    return PageSettings(data.get("intro"), platforms, data.get("tip"))
