"""The page stage's pieces (site/stage.py ``Pieces``): HTML rendered once and pasted wherever it recurs.

A piece must be exactly what its macro renders for the page that holds it. A kit's row is rendered once for
all the areas whose texts differ only by their name, then given each area's name: whatever the name and the
texts (a name inside a word, a text that says "{area}" itself, markup), the row is the one rendered for that
area's own texts, and no area's name ever shows in another's row. A kit is its frame with its rows put in:
the kit rendered whole, byte for byte.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.loader import load
from campaign.model import NATIONAL, Campaign, Link, Message
from campaign.registry import kommun
from campaign.site import render as r
from campaign.site import stage
from campaign.site.kit import campaign_strings
from campaign.site.stage import Pieces
from campaign.site.view import AreaView, CardView, PostView
from tests.page_kit import REPO, build_page, hostile_bank, sample_campaign

NAMES = st.sampled_from(["Ale", "Alebo", "Malung-Sälen", "Håbo", "A & B", '<b>"O\'Neil"</b>', "{area}", "Ö"])
WORDS = st.sampled_from(["Ale", "Alebo", "Ale.", "i", "kommun", "{area}", "<em>", "&amp;", "Håbo", "Ö", "\n", "-"])
TEXTS = st.lists(WORDS, max_size=8).map(" ".join)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load(REPO).campaign


def pieces_of(campaign: Campaign) -> Pieces:
    return Pieces(r.environment(), {"t": campaign_strings(campaign)}, campaign)


def direct(pieces: Pieces, root: str, message: Message, variants: tuple[str, ...], link: Link | None) -> str:
    """The row as the macro renders it for these texts, without any piece kept."""
    return str(pieces._macro(root, None, "kit_row")(message, variants, link))


@settings(max_examples=150, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=4), texts=st.lists(TEXTS, min_size=1, max_size=3), title=TEXTS)
def test_a_kit_row_is_the_row_rendered_for_its_own_area(
    campaign: Campaign, names: list[str], texts: list[str], title: str
) -> None:
    pieces = pieces_of(campaign)
    message = dataclasses.replace(campaign.messages[0], title=title or None)
    link = campaign.links[0]
    for name in names:  # one Pieces for every area, as one page stage has
        variants = tuple(t.replace("Ale", name) for t in texts)  # the area's own texts, its name where "Ale" was
        assert str(pieces.kit_row("../../", name, message, variants, link)) == direct(pieces, "../../", message, variants, link)


def test_areas_sharing_a_text_but_their_name_share_one_row(campaign: Campaign) -> None:
    pieces = pieces_of(campaign)
    message, link = campaign.messages[0], campaign.links[0]
    for name in ("Ale", "Håbo", "Malung-Sälen"):
        row = str(pieces.kit_row("../../", name, message, (f"Hur ska {name} se till att det räcker?",), link))
        assert f"Hur ska {name} se till" in row
    rows = [key for key in pieces._made if key[2] == "kit_row"]
    assert len(rows) == 1, rows  # rendered once, with {area}, for all three


def test_a_card_piece_is_kept_by_the_page_it_is_on(campaign: Campaign) -> None:
    """The same card on pages at different places links to each page's own printable kit."""
    pieces = pieces_of(campaign)
    card = CardView(campaign.messages[0], (PostView("x", (), 0, None),), (), "Rubrik")
    below = str(pieces.at("../../", None)("card_shell", card, 3))
    top = str(pieces.at("", None)("card_shell", card, 3))
    beside = str(pieces.at("../../", "kit.html")("card_shell", card, 3))
    assert f'href="../../kit.html#kit-{card.id}"' in below
    assert f'href="kit.html#kit-{card.id}"' in top
    assert f'href="kit.html#kit-{card.id}"' in beside
    assert str(pieces.at("../../", None)("card_shell", card, 3)) == below  # kept, and still its own


def test_a_kit_from_its_frame_is_the_kit_rendered_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kommun kit is its frame (the kit rendered with a mark in each row's place) with its rows put in: the
    same bytes as the kit rendered whole, for hostile text and messages whose kinds take turns (the bank's
    long ones, its short ones, then a long and a short one more)."""
    root = hostile_bank(sample_campaign(tmp_path / "campaign"))
    areas = (NATIONAL, kommun("0380"), kommun("0180"))
    framed = build_page(root, tmp_path / "framed", areas, images=False).out
    monkeypatch.setattr(stage, "_kit_frame", lambda *args: None)  # no frame: each kit rendered whole
    whole = build_page(root, tmp_path / "whole", areas, images=False).out
    kits = sorted(p.relative_to(whole) for p in whole.rglob("kit.html"))
    assert len(kits) == 3
    for kit in kits:
        assert (framed / kit).read_bytes() == (whole / kit).read_bytes(), kit


def test_a_frame_puts_each_row_where_its_mark_was_and_refuses_a_repeated_mark(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = stage._Kits(campaign, "", None, pieces_of(campaign), {})
    view = AreaView(kommun("0380"), (), (), ())
    count = len(campaign.messages)

    def marks_reversed(*args: Any) -> str:
        return "<p>" + "|".join(reversed(args[7])) + "</p>"

    monkeypatch.setattr(stage, "_kit_html", marks_reversed)
    frame = stage._kit_frame(None, {}, view, book, stage.QrCodes(None, ""))  # type: ignore[arg-type]
    assert frame is not None
    rows = [f"row {i}" for i in range(count)]
    assert stage._unframe(frame, rows) == "<p>" + "|".join(reversed(rows)) + "</p>"
    monkeypatch.setattr(stage, "_kit_html", lambda *args: "".join(args[7]) * 2)
    assert stage._kit_frame(None, {}, view, book, stage.QrCodes(None, "")) is None  # type: ignore[arg-type]
