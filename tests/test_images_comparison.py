"""The comparison card: a län's or kommun's own share beside the national one.

A share with a local value gets the ``comparison`` layout: the local value
and the national one as two labelled bars, both in the alt text. Areas
without their own value keep the national (or their län's) card.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from campaign.images.cards import plan, select
from campaign.images.layouts import default_layouts
from campaign.images.pipeline import Planned, plan_images
from campaign.images.render import _box, check_fit, render_png
from campaign.images.sizes import SIZES
from campaign.loader import load
from campaign.registry import all_lan, find, kommuner
from tests.test_images_support import CAMPAIGN, FIGURES, make

NBSP = "\u00a0"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("comparison") / "campaign")


@pytest.fixture(scope="module")
def planned(root: Path) -> dict[str, Planned]:
    campaign = load(root).campaign
    return {p.file: p for p in plan_images(campaign, plan(campaign))}


def comparison_boxes(p: Planned) -> list[tuple[float, tuple[int, int, int, int]]]:
    """(least share of pixels that must differ, pixel box) of each of the comparison's elements.

    A bar's track fills its box; a label or number inks a part of its box.
    """
    out = []
    for element in p.job.shape["elements"]:
        text = element.get("text") or ""
        box = _box(element["box"], p.job.width, p.job.height)
        if element["type"] == "rect" and element.get("opacity", 1) < 1:
            out.append((0.5, box))  # the national card may have ink there too (its big words)
        elif element["type"] == "text" and ("national" in text or text in ("{{ value }}", "{{ place }}")):
            out.append((0.03, box))
    return out


def test_local_shares_get_the_comparison_layout_and_the_rest_keep_theirs(planned: dict[str, Planned]) -> None:
    layouts = {(p.card.folder, p.card.name): p.card.layout_kind for p in planned.values()}
    assert layouts == {
        ("sverige", "figure-resursbrist"): "figure",
        ("lan-03", "figure-resursbrist"): "comparison",
        ("kommun-0180", "figure-resursbrist"): "comparison",
        ("sverige", "figure-bemanning"): "figure",
        ("sverige", "message-kort-resurser"): "message",
        ("sverige", "demand-sakerhetskommission"): "demand",
    }
    stockholm = planned["kommun-0180/figure-resursbrist-x.png"].card.values
    assert (stockholm["value"], stockholm["national"], stockholm["national_value"]) == (f"62{NBSP}%", "Sverige", f"50{NBSP}%")
    assert (stockholm["share"], stockholm["national_share"]) == ("62", "50")


def test_the_alt_text_says_the_comparison_in_words(planned: dict[str, Planned]) -> None:
    stockholm = planned["kommun-0180/figure-resursbrist-og.png"].card.alt
    assert f"I Stockholm 62{NBSP}%, i hela landet 50{NBSP}%." in stockholm
    assert stockholm.startswith(f"Stockholm: Drygt sex av tio (62{NBSP}%) socialsekreterare säger att")
    # Stockholm's value has its own source, so the national value's is named too.
    assert "Källa: Akademikerförbundet SSR:s enkät i Stockholms stad" in stockholm
    assert "Sverige: Novus för Akademikerförbundet SSR, socialsekreterarundersökningen 2019" in stockholm
    uppsala = planned["lan-03/figure-resursbrist-og.png"].card.alt
    assert f"I Uppsala län 47{NBSP}%, i hela landet 50{NBSP}%." in uppsala
    assert "Sverige: Novus" not in uppsala  # the same survey's breakdown: one source
    national = planned["sverige/figure-resursbrist-og.png"].card.alt
    assert "i hela landet" not in national


def test_an_area_without_its_own_value_keeps_its_card(root: Path) -> None:
    campaign = load(root).campaign
    cards = select(campaign, areas=(find("Enköping"), find("Umeå")))  # Uppsala län's value; none at all
    figures = {(c.ident, c.folder, c.layout_kind) for c in cards if c.kind == "figure"}
    assert figures == {
        ("resursbrist", "lan-03", "comparison"),  # Enköping shows its län's card, which compares the län
        ("resursbrist", "sverige", "figure"),
        ("bemanning", "sverige", "figure"),
    }


def test_a_count_is_not_compared(tmp_path: Path) -> None:
    figures = FIGURES + "  - id: anmalningar\n    kind: count\n    value: 12473\n    statement: hot polisanmäldes\n"
    figures += '    source: Brå\n    fieldwork: 2025-12-31\n    municipalities: {"0380": 120}\n'
    root = make(tmp_path)
    (root / "messages" / "figures.yaml").write_text(figures, encoding="utf-8")
    card = next(c for c in plan(load(root).campaign) if c.ident == "anmalningar" and c.area.code == "0380")
    assert card.layout_kind == "figure" and "national_value" not in card.values  # a kommun's count is always smaller


def test_an_english_campaign_compares_in_english(tmp_path: Path) -> None:
    root = make(tmp_path, campaign=CAMPAIGN.replace("launch_date:", "language: en\n  launch_date:"))
    card = next(c for c in plan(load(root).campaign) if c.area.code == "03")
    assert card.values["national"] == "Sweden"
    assert f"In Uppsala län 47{NBSP}%, in the whole country 50{NBSP}%." in card.alt


@pytest.mark.parametrize("size", list(SIZES))
def test_the_comparison_region_differs_from_the_national_card(planned: dict[str, Planned], size: str) -> None:
    local = planned[f"kommun-0180/figure-resursbrist-{size}.png"]
    national = planned[f"sverige/figure-resursbrist-{size}.png"]
    mine = Image.open(io.BytesIO(render_png(local.job))).convert("RGB")
    theirs = Image.open(io.BytesIO(render_png(national.job))).convert("RGB")
    boxes = comparison_boxes(local)
    assert len(boxes) == 6  # two tracks, two labels, two numbers
    for least, (x, y, w, h) in boxes:
        region = (x, y, x + w, y + h)
        diff = ImageChops.difference(mine.crop(region), theirs.crop(region)).convert("L").point(lambda v: 255 if v > 24 else 0)
        assert diff.histogram()[255] > least * w * h, (size, region)


def bar_length(image: Image.Image, box: tuple[int, int, int, int], colour: str) -> int:
    """How many pixels of the box's middle row are the bar's colour."""
    x, y, w, h = box
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    row = [image.getpixel((x + i, y + h // 2)) for i in range(w)]
    return sum(1 for px in row if max(abs(a - b) for a, b in zip(px, target, strict=True)) < 24)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", list(SIZES))
def test_each_bar_is_as_long_as_its_share(planned: dict[str, Planned], size: str) -> None:
    p = planned[f"kommun-0180/figure-resursbrist-{size}.png"]
    bars = [e for e in p.job.shape["elements"] if e["type"] == "bar"]
    assert {e["value"] for e in bars} == {"share", "national_share"}
    for share in ("62", "31", "100", "0"):
        job = dataclasses.replace(p.job, values={**p.job.values, "share": share})
        image = Image.open(io.BytesIO(render_png(job))).convert("RGB")
        for element in bars:
            box = _box(element["box"], job.width, job.height)
            expected = float(job.values[element["value"]]) / 100 * box[2]
            assert abs(bar_length(image, box, job.colours[element["fill"]]) - expected) <= 2, (element["value"], share)


def test_a_comparison_card_is_byte_identical_in_another_process(planned: dict[str, Planned], root: Path) -> None:
    files = [f for f in planned if f.startswith("kommun-0180/")]
    here = {f: render_png(planned[f].job) for f in files}
    script = (
        "import hashlib, sys\n"
        "from campaign.loader import load\nfrom campaign.images.cards import plan\n"
        "from campaign.images.pipeline import plan_images\nfrom campaign.images.render import render_png\n"
        "c = load(sys.argv[1]).campaign\n"
        "for p in plan_images(c, plan(c)):\n"
        "    if p.file.startswith('kommun-0180/'): print(p.file, hashlib.sha256(render_png(p.job)).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(root)], check=True, capture_output=True, text=True, cwd=REPO)
    there = dict(line.split() for line in out.stdout.splitlines())
    import hashlib

    assert there == {f: hashlib.sha256(data).hexdigest() for f, data in here.items()}


def test_every_place_name_fits_the_comparison_at_every_size(planned: dict[str, Planned]) -> None:
    """Any of the 290 kommuner and 21 län, with a three-digit value: fitted (wrapped at spaces or shrunk), never refused."""
    for size in SIZES:
        p = planned[f"kommun-0180/figure-resursbrist-{size}.png"]
        for area in [*kommuner(), *all_lan()]:
            values = {**p.job.values, "place": area.name, "value": f"100{NBSP}%"}
            assert check_fit(dataclasses.replace(p.job, values=values)) is None, (size, area.name)


def test_bars_are_checked_like_text_colours(root: Path) -> None:
    from campaign.images.layouts import contrast_problems

    layouts = default_layouts()
    theme = load(root).campaign.settings.theme
    assert contrast_problems(layouts, theme) == []
    pale = dataclasses.replace(theme, foreground="#2a3a63")  # a bar in it would vanish on the navy background
    problems = [m for _path, m in contrast_problems({"comparison": layouts["comparison"]}, pale)]
    assert any(m.startswith("bar fill foreground #2a3a63 on background #1d2b53") for m in problems), problems


def test_layout_mistakes_with_bars_and_comparison_words_are_named() -> None:
    from campaign.images.layouts import layout_problems

    bar = {"type": "bar", "box": [5, 5, 50, 5], "value": None}
    national = {"type": "text", "box": [5, 20, 50, 5], "text": "{{ national_value }}", "min_size": None, "size": 5}
    data = {
        "figure": {"landscape": {"elements": [dict(bar, value="share"), national]}},
        "comparison": {"square": {"elements": [bar]}},
    }
    assert layout_problems(data) == [
        (
            ("figure", "landscape", "elements", 0, "type"),
            "a bar shows a local value beside the national one: only comparison layouts have it, not figure",
        ),
        (
            ("figure", "landscape", "elements", 1, "text"),
            "layout template uses unknown variable 'national_value'; known: big, value, words, statement, source, date, "
            "sample, source_line, place, area_level, text, title, kicker, organisation, campaign, hashtag",
        ),
        (("comparison", "square", "elements", 0), "a bar element needs value: one of share, national_share"),
    ]
