"""Drawing cards: golden images, platform limits, no clipping, Swedish text, fitting failures.

Regenerate the golden images after an intended change of the look:

    CAMPAIGN_REGEN=1 python -m pytest tests/test_images_render.py

and look at the PNGs in tests/golden/images/ before committing them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageFilter, ImageFont

from campaign.errors import CampaignInvalid
from campaign.images import cards as cards_module
from campaign.images.cards import plan
from campaign.images.layouts import default_layouts
from campaign.images.pipeline import plan_images, render_all
from campaign.images.render import Job, NoFit, draw, render_png
from campaign.images.sizes import SIZES
from campaign.images.theme import DEFAULT_FONTS
from campaign.loader import load
from campaign.model import Area
from tests.test_images_support import make

GOLDEN = Path(__file__).parent / "golden" / "images"
REGEN = os.environ.get("CAMPAIGN_REGEN") == "1"
CASES = [
    ("sverige/figure-resursbrist-x.png"),
    ("kommun-0180/figure-resursbrist-portrait.png"),
    ("kommun-0180/figure-resursbrist-x.png"),
    ("kommun-0180/figure-resursbrist-square.png"),
    ("lan-03/figure-resursbrist-og.png"),
    ("lan-03/figure-resursbrist-bluesky.png"),
    ("sverige/figure-bemanning-square.png"),
    ("sverige/message-kort-resurser-square.png"),
    ("sverige/demand-sakerhetskommission-x.png"),
    ("sverige/figure-bemanning-bluesky.png"),
]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load(make(tmp_path_factory.mktemp("images-campaign"))).campaign


def fixed_area(level: str, code: str) -> Area:
    """Area names fixed here, so that registry data changes never move the golden images."""
    names = {"0180": ("Stockholm", "01", "Stockholms län"), "03": ("Uppsala län", "03", "Uppsala län")}
    name, lan_code, lan_name = names[code]
    return Area(level, code, name, lan_code, lan_name, name.lower())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def planned(campaign):  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cards_module, "area_for", fixed_area)
        return {p.file: p for p in plan_images(campaign, plan(campaign))}


def differing_mask(a: Image.Image, b: Image.Image, threshold: int = 48) -> Image.Image:
    """White where the pixels differ by more than ``threshold``."""
    return ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L").point(lambda v: 255 if v > threshold else 0)


def differing_share(a: Image.Image, b: Image.Image, threshold: int = 48) -> float:
    """The share of pixels that differ by more than ``threshold`` in some channel."""
    return differing_mask(a, b, threshold).histogram()[255] / (a.width * a.height)


def solid_differences(a: Image.Image, b: Image.Image) -> int:
    """Differing pixels whose whole 3×3 neighbourhood differs too: ink added or lost, not a moved edge.

    Anti-aliased edges that move leave lines a pixel or two wide, which the
    erosion removes; a word that appears or vanishes (even small type) leaves
    its strokes' cores.
    """
    return differing_mask(a, b).filter(ImageFilter.MinFilter(3)).histogram()[255]


@pytest.mark.parametrize("file", CASES)
def test_card_matches_its_golden_image(planned, file: str) -> None:  # type: ignore[no-untyped-def]
    image = Image.open(io.BytesIO(render_png(planned[file].job)))
    golden = GOLDEN / file.replace("/", "--")
    if REGEN or not golden.exists():
        if not REGEN:
            pytest.fail(f"missing golden image {golden}; run CAMPAIGN_REGEN=1 python -m pytest tests/test_images_render.py")
        golden.parent.mkdir(parents=True, exist_ok=True)
        image.save(golden)
    expected = Image.open(golden)
    assert image.size == expected.size
    # Tolerance: another FreeType or shaper version moves anti-aliased edges, never whole glyphs.
    assert differing_share(image, expected) < 0.004
    assert solid_differences(image, expected) < 100, "ink added or lost, not only moved edges"


def test_every_size_is_within_its_platform_limits(planned) -> None:  # type: ignore[no-untyped-def]
    seen = set()
    for p in planned.values():
        data = render_png(p.job)
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG"
        assert image.size == (p.size.width, p.size.height), p.file
        assert len(data) <= p.size.max_bytes, p.file
        seen.add(p.size.name)
    assert seen == set(SIZES)
    assert SIZES["bluesky"].max_bytes == 1_000_000
    assert {(s.width, s.height) for s in SIZES.values()} >= {(1200, 675), (1200, 630), (1080, 1080), (1080, 1350)}


def test_layouts_adapt_to_the_shape_not_only_the_scale() -> None:
    layouts = default_layouts()
    for kind in ("figure", "message", "demand"):
        boxes = {shape: [e["box"] for e in layouts[kind][shape]["elements"]] for shape in ("landscape", "square", "portrait")}
        assert boxes["landscape"] != boxes["square"] != boxes["portrait"]


def test_drawing_is_deterministic(planned) -> None:  # type: ignore[no-untyped-def]
    job = planned["sverige/figure-resursbrist-x.png"].job
    assert render_png(job) == render_png(job)
    assert b"tIME" not in render_png(job) and b"tEXt" not in render_png(job)


def ink_box(job: Job) -> tuple[int, int, int, int] | None:
    image = draw(job)
    background = Image.new("RGB", image.size, job.colours[job.shape.get("background") or "background"])
    return ImageChops.difference(image, background).getbbox()


LONG = (
    "anser att socialtjänstlagens intentioner om förebyggande arbete, rättssäkerhet och kvalitet i varje enskilt "
    "ärende inte går att leva upp till – varken i storstädernas förorter eller i de minsta glesbygdskommunerna"
)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", ["figure", "comparison", "message", "demand"])
def test_no_text_leaves_its_box(planned, kind: str, size: str) -> None:  # type: ignore[no-untyped-def]
    base = next(p for p in planned.values() if p.card.layout_kind == kind and p.size.name == size)
    values = {k: (LONG if k in ("statement", "text") else v) for k, v in base.job.values.items()}
    values["place"] = "Västra Götalands län" if kind == "comparison" else "Upplands Väsby"
    if kind == "comparison":
        values["value"], values["national_value"] = "100\u00a0%", "100\u00a0%"
    for element in base.job.shape["elements"]:
        if element["type"] not in ("text", "label"):
            continue
        job = Job(
            base.job.width,
            base.job.height,
            {"background": base.job.shape.get("background"), "elements": [element]},
            values,
            base.job.colours,
            base.job.fonts,
            None,
        )
        ink = ink_box(job)
        assert ink is not None, element
        x, y, w, h = element["box"]
        left, top = x * job.width / 100, y * job.height / 100
        right, bottom = (x + w) * job.width / 100, (y + h) * job.height / 100
        assert left - 1 <= ink[0] and top - 1 <= ink[1] and ink[2] <= right + 1 and ink[3] <= bottom + 1, (element["text"], ink)


@pytest.mark.parametrize("style", ["regular", "bold"])
def test_bundled_fonts_have_swedish_letters_dashes_and_no_break_spaces(style: str) -> None:
    font = ImageFont.truetype(str(DEFAULT_FONTS[style]), 40)
    missing = font.getmask("\ue000").getbbox()  # a private-use code point: the font's "no glyph" box
    for char in "åäöÅÄÖéüÉÜ–”%":
        assert font.getmask(char).getbbox() != missing, char
    assert font.getlength("\u00a0") == font.getlength(" ")
    assert (DEFAULT_FONTS[style].parent / "OFL.txt").is_file()


def test_a_long_swedish_statement_shrinks_to_fit(tmp_path: Path) -> None:
    root = make(tmp_path / "c")
    figures = (root / "messages" / "figures.yaml").read_text(encoding="utf-8")
    long = LONG[:290]
    figures = figures.replace(
        "statement: socialchefer har svårt att bemanna socialtjänsten så mycket som behövs", f"statement: {long}"
    )
    (root / "messages" / "figures.yaml").write_text(figures, encoding="utf-8")
    campaign = load(root).campaign
    cards = [c for c in plan(campaign) if c.ident == "bemanning"]
    rendered = render_all(campaign, cards, tmp_path / "out", cache_dir=tmp_path / "cache", workers=1)
    assert rendered.drawn == len(SIZES)
    assert {e.size for e in rendered.images} == set(SIZES)


NO_SHRINK = """\
layouts:
  figure:
    landscape:
      elements:
        - {type: text, box: [6, 56, 40, 10], text: "{{ statement }}", size: 6.6, min_size: 6.6}
"""


def test_text_that_cannot_fit_fails_the_build_naming_card_and_text(tmp_path: Path) -> None:
    campaign = load(make(tmp_path / "c", extra=NO_SHRINK)).campaign
    cards = [c for c in plan(campaign) if c.ident == "bemanning"]
    with pytest.raises(CampaignInvalid) as caught:
        render_all(campaign, cards, tmp_path / "out", cache_dir=tmp_path / "cache", sizes=["x", "og"], workers=1)
    messages = [p.format() for p in caught.value.problems]
    assert messages == [
        "messages/figures.yaml: error: figures[1]: card figure-bemanning, size og (1200×630): the text of layout element 0 "
        "({{ statement }}) does not fit its 480×63 px box even at the minimum size 42 px; shorten it or lower min_size "
        "in the layout: 'socialchefer har svårt att bemanna socialtjänsten så mycket som behövs'",
        "messages/figures.yaml: error: figures[1]: card figure-bemanning, size x (1200×675): the text of layout element 0 "
        "({{ statement }}) does not fit its 480×68 px box even at the minimum size 45 px; shorten it or lower min_size "
        "in the layout: 'socialchefer har svårt att bemanna socialtjänsten så mycket som behövs'",
    ]


WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöÅÄÖÉéüW–,.%!?" + "\u00a0"), min_size=1, max_size=18)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(WORD, min_size=1, max_size=25),
    st.sampled_from(["regular", "bold"]),
    st.sampled_from(["left", "center", "right"]),
    st.sampled_from(["top", "middle", "bottom"]),
)
def test_whatever_the_words_the_ink_stays_in_the_box_or_the_card_is_refused(
    words: list[str], style: str, align: str, valign: str
) -> None:
    element = {
        "type": "text",
        "box": [10, 10, 60, 50],
        "text": "{{ text }}",
        "font": style,
        "size": 20,
        "min_size": 4,
        "colour": "foreground",
        "fill": "accent",
        "align": align,
        "valign": valign,
        "line_height": 1.1,
        "max_lines": None,
        "radius": 0,
        "padding": 0,
        "uppercase": False,
    }
    fonts = {k: str(v) for k, v in DEFAULT_FONTS.items()}
    colours = {"background": "#000000", "foreground": "#ffffff", "accent": "#ffcc4d", "accent_text": "#000000"}
    job = Job(400, 300, {"background": "background", "elements": [element]}, {"text": " ".join(words)}, colours, fonts, None)
    try:
        ink = ink_box(job)
    except NoFit:
        return
    if ink is None:  # only blank words (a lone no-break space): nothing to draw, nothing to overflow
        assert not " ".join(words).strip()
        return
    assert ink[0] >= 40 - 1 and ink[1] >= 30 - 1 and ink[2] <= 280 + 1 and ink[3] <= 180 + 1, ink


def test_every_card_names_the_organisation() -> None:
    """A logo alone does not say who speaks: every kind in every shape sets the organisation's name."""
    layouts = default_layouts()
    for kind, shapes in layouts.items():
        for shape, layout in shapes.items():
            texts = [e.get("text") or "" for e in layout["elements"]]
            assert any("{{ organisation }}" in t for t in texts), (kind, shape)


def test_a_long_organisation_name_still_fits_every_figure_card(planned) -> None:  # type: ignore[no-untyped-def]
    """The name beside the place label wraps and shrinks; a union's full name must never fail the build."""
    import dataclasses

    name = "Sveriges Kommunal- och Landstingsanställdas Förbund"
    for file, p in planned.items():
        if file.startswith("sverige/figure-resursbrist-"):
            render_png(dataclasses.replace(p.job, values={**p.job.values, "organisation": name}))  # raises NoFit if not
