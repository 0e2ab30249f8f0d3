"""The campaign's `page:` section: optional settings for the activist page.

page:
  intro: Välj ett budskap, kopiera det och dela det i dag!   # under the campaign's name
  platforms: [x, bluesky, mastodon, facebook]                 # which tabs, in this order
  featured: resurser                                          # the message shown first, ready to share
  question: Vad gör ni för socialtjänsten i {kommun}?         # what to ask the politicians after sharing
  contact: kampanj@example.org, 08-123 45 67                   # printed on the kit
  tip: Fråga dem hur de tänker agera.                         # the tip's request (default: what they will do)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campaign.compose.platforms import PLATFORM_IDS
from campaign.model import Campaign
from campaign.schema import ID, Field, ListOf, Obj, Str

SECTION = "page"

PAGE = Obj(
    {
        "intro": Field(Str(max_len=400), help="the text under the campaign's name on the page"),
        "platforms": Field(ListOf(Str(choices=PLATFORM_IDS, multiline=False), min_items=1), help="the platforms shown, in order"),
        "featured": Field(ID, help="the id of the message the page shows first (default: the first long message)"),
        "contact": Field(
            Str(max_len=200, multiline=False),
            help="who to contact, printed on the kit (e-mail, phone; default: the organisation)",
        ),
        "question": Field(
            Str(max_len=280, multiline=False),
            help="the question to ask the tagged politicians after sharing; {kommun} is the municipality's name",
        ),
        "tip": Field(
            Str(max_len=400, pattern=r"[^{}]+", pattern_help="text without { or }"),
            help="what the tip asks activists to ask the politicians they tag (default: what they will do)",
        ),
    },
    name="the page settings (intro, platforms, featured, question, contact, tip)",
)


@dataclass(frozen=True)
class PageSettings:
    intro: str | None  # None: the UI's own intro in the campaign's language
    platforms: tuple[str, ...]  # shown in this order
    featured: str = ""  # "": the first long message
    question: str | None = None  # None: the UI's own question in the campaign's language
    contact: str | None = None  # None: the organisation's name
    tip: str | None = None  # the campaign's own request in the tip; None: "Fråga dem vad de tänker göra."


def cross_check(campaign: Campaign, checked: Any, add: Callable[..., None]) -> None:
    """A platform named twice, or a featured message the bank does not have, is a mistake worth saying."""
    featured = checked.get("featured")
    ids = [m.id for m in campaign.messages]
    if featured and featured not in ids:
        add((SECTION, "featured"), f"no message has the id {featured!r}; expected one of {', '.join(ids)}")
    question = checked.get("question") or ""
    if question and "{" in question.replace("{kommun}", ""):
        add((SECTION, "question"), "the question may use {kommun} (the municipality's name) and no other placeholder")
    seen: set[str] = set()
    for i, platform in enumerate(checked.get("platforms") or ()):
        if platform in seen:
            add((SECTION, "platforms", i), f"platform {platform!r} is listed twice")
        seen.add(platform)


def page_settings(campaign: Campaign) -> PageSettings:
    """The page settings, with defaults for everything the campaign leaves out."""
    data = campaign.extra.get(SECTION) or {}
    platforms = tuple(dict.fromkeys(data.get("platforms") or PLATFORM_IDS))
    return PageSettings(
        data.get("intro"), platforms, data.get("featured") or "", data.get("question"), data.get("contact"), data.get("tip")
    )
