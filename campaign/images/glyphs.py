"""Characters a card's font cannot draw are refused where they are written.

The bundled Inter (and most text fonts) has no emoji: drawn on a card, "💪"
becomes an empty box. Rather than a card with a hole in it, validation names
the character, the card and the line of the text it comes from. Posts may
keep emoji (the platforms draw them): a short message can say
``image: false`` to keep its emoji and have no card.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import regex
from PIL import ImageFont

from campaign.errors import Problem
from campaign.images.cards import Card, plan
from campaign.images.layouts import merged_layouts
from campaign.images.render import text_of
from campaign.images.theme import font_paths
from campaign.locate import at, find_text, section_document
from campaign.model import Campaign

_SECTIONS = {"figure": "figures", "message": "messages", "demand": "demands"}
_PROBE = "\U0010fffd"  # a plane-16 private-use character no text font has (Inter has some at U+E000): what the font draws for a missing one


@lru_cache(maxsize=16)
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, 40)


def _shape(font: ImageFont.FreeTypeFont, ch: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(ch)
    return mask.size, bytes(mask)


@lru_cache(maxsize=65_536)
def lacks(path: str, ch: str) -> bool:
    """Whether the font at ``path`` has no glyph for the character ``ch`` (it would draw its empty box)."""
    if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc") or 0xFE00 <= ord(ch) <= 0xFE0F:
        return False  # spaces, joiners and variation selectors draw nothing of their own
    font = _font(path)
    return _shape(font, ch) == _shape(font, _PROBE)


_DRAWABLE: dict[str, set[str]] = {}  # font path → the characters it was found to have


def undrawable(text: str, path: str) -> list[str]:
    """The graphemes of ``text`` (emoji sequences whole) holding a character the font lacks, each once."""
    known = _DRAWABLE.setdefault(path, set())
    new = set(text) - known  # most texts hold only characters met before: nothing to look at
    if not new:
        return []
    if not any(lacks(path, ch) for ch in new):
        known |= new
        return []
    found: list[str] = []
    for grapheme in regex.findall(r"\X", text):
        if grapheme not in found and any(lacks(path, ch) for ch in grapheme):
            found.append(grapheme)
    return found


def describe(grapheme: str) -> str:
    """``'💪' (U+1F4AA FLEXED BICEPS)``."""
    first = grapheme[0]
    name = unicodedata.name(first, "unnamed character")
    return f"{grapheme!r} (U+{ord(first):04X} {name})"


def glyph_problems(campaign: Campaign, cards: list[Card] | None = None) -> list[Problem]:
    """An error for each character on some card that the card's font cannot draw, at the text it comes from."""
    layouts = merged_layouts(campaign.extra.get("layouts"))
    fonts = {k: str(v) for k, v in font_paths(campaign.settings.theme).items()}
    seen: dict[tuple[str, str, str], Card] = {}  # (kind, id, grapheme)
    for card in plan(campaign) if cards is None else cards:
        for shape in layouts[card.kind].values():
            for element in shape["elements"]:
                if element["type"] not in ("text", "label") or "text" not in element:
                    continue
                for grapheme in undrawable(text_of(element, card.values), fonts[element["font"]]):
                    seen.setdefault((card.kind, card.ident, grapheme), card)
    return [_problem(campaign, card, grapheme, fonts) for (_, _, grapheme), card in seen.items()]


def _problem(campaign: Campaign, card: Card, grapheme: str, fonts: dict[str, str]) -> Problem:
    section = _SECTIONS[card.kind]
    ids = [item.id for item in getattr(campaign, section)]
    names = sorted({Path(p).name for p in fonts.values()})
    hint = "remove it from the text"
    if card.kind == "message":
        hint += ", or give the message `image: false` (its posts keep the character, it gets no card)"
    message = (
        f"the {card.kind} card {card.name} would show {describe(grapheme)} as an empty box: "
        f"the card font ({', '.join(names)}) has no glyph for it; {hint}"
    )
    for name, under in ((section, (section, ids.index(card.ident))), ("campaign", ("campaign",)), ("hashtags", ("hashtags",))):
        doc = section_document(campaign, name)
        if doc is None or (name == section and card.ident not in ids):
            continue
        path = find_text(doc, under, grapheme)
        if path is not None:
            return doc.at(path, message)
    path = (section, ids.index(card.ident)) if card.ident in ids else (section,)
    return at(campaign, section, path, message)
