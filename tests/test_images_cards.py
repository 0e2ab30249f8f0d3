"""Which cards a campaign gets, and their words: areas, counts, language, alt text limits."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.images.cards import MAX_ALT, clip, plan, select
from campaign.loader import load
from campaign.registry import find
from tests.test_images_support import CAMPAIGN, FIGURES, make

NBSP = "\u00a0"


def test_one_card_per_figure_and_area_with_its_own_value(tmp_path: Path) -> None:
    campaign = load(make(tmp_path)).campaign
    cards = plan(campaign)
    assert [(c.name, c.folder) for c in cards] == [
        ("figure-resursbrist", "sverige"),
        ("figure-resursbrist", "lan-03"),
        ("figure-resursbrist", "kommun-0180"),
        ("figure-bemanning", "sverige"),
        ("message-kort-resurser", "sverige"),
        ("demand-sakerhetskommission", "sverige"),
    ]
    kommun = cards[2].values
    assert (kommun["place"], kommun["big"], kommun["value"]) == ("Stockholm", "Drygt sex av tio", f"62{NBSP}%")
    assert kommun["source_line"] == f"Källa: Akademikerförbundet SSR:s enkät i Stockholms stad, hösten{NBSP}2008 (217 svarande)"
    assert cards[1].values["place"] == "Uppsala län"
    assert cards[3].values["big"] == "Mer än sex av tio"  # the source's own words
    assert cards[3].values["source_line"] == f"Källa: Vision, Socialchefsrapporten 2022, 26{NBSP}september{NBSP}2022"


def test_an_area_gets_its_most_local_card(tmp_path: Path) -> None:
    campaign = load(make(tmp_path)).campaign
    enkoping = find("Enköping")  # in Uppsala län, no value of its own
    cards = select(campaign, areas=(enkoping,))
    figure_cards = {(c.ident, c.area.level, c.area.code) for c in cards if c.kind == "figure"}
    assert figure_cards == {("resursbrist", "lan", "03"), ("bemanning", "national", "")}
    assert {c.kind for c in cards} == {"figure", "message", "demand"}
    assert [c.kind for c in select(campaign, figures=("bemanning",))] == ["figure"]


def test_a_count_is_written_with_digit_groups(tmp_path: Path) -> None:
    figures = (
        FIGURES
        + """\
  - id: anmalningar
    kind: count
    value: 12473
    statement: hot mot socialsekreterare polisanmäldes förra året
    source: Brå
    fieldwork: 2025-12-31
"""
    )
    root = make(tmp_path)
    (root / "messages" / "figures.yaml").write_text(figures, encoding="utf-8")
    card = next(c for c in plan(load(root).campaign) if c.ident == "anmalningar")
    assert card.values["big"] == f"12{NBSP}473"
    assert card.alt.startswith(f"Sverige: 12{NBSP}473 hot mot socialsekreterare polisanmäldes förra året. Källa: Brå, 31")


def test_an_english_campaign_gets_english_labels(tmp_path: Path) -> None:
    root = make(tmp_path, campaign=CAMPAIGN.replace("launch_date:", "language: en\n  launch_date:"))
    cards = plan(load(root).campaign)
    assert cards[0].values["big"] == f"50{NBSP}%"
    assert cards[0].values["place"] == "Sweden"
    assert cards[0].values["source_line"].startswith("Source: Novus")
    assert cards[0].alt.startswith(f"Sweden: 50{NBSP}% socialsekreterare anger brist")
    assert cards[-1].values["kicker"] == "We demand"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("abc åäö–" + NBSP), max_size=3000))
def test_alt_text_is_never_longer_than_the_platforms_allow(text: str) -> None:
    clipped = clip(text)
    assert len(clipped) <= MAX_ALT
    if len(text) <= MAX_ALT:
        assert clipped == text
