"""Cards drawn on a shared base are the very pixels of a card drawn whole.

render_png draws what a figure's cards share once per size and, for each card,
only its own place and number, quantizes only those rows and writes the PNG
from compressed pieces. The reference is the plain way: every element drawn in
order on a fresh image, the whole image quantized (Pillow), the PNG decoded by
Pillow (which checks the chunks' CRC and the stream's Adler-32).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from campaign.images.cards import plan
from campaign.images.pipeline import plan_images
from campaign.images.render import _layered, _logo_colours, _palette_image, draw, render_png
from campaign.loader import load
from tests.test_images_support import make


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    campaign = load(make(tmp_path_factory.mktemp("layered"))).campaign
    return plan_images(campaign, plan(campaign))


def test_every_card_is_pixel_for_pixel_the_card_drawn_whole(planned) -> None:  # type: ignore[no-untyped-def]
    layered = 0
    for p in planned[::2]:  # every other image: all kinds, sizes and levels, in half the time
        pal = _palette_image(tuple(sorted(p.job.colours.items())), _logo_colours(p.job))
        whole = draw(p.job).quantize(palette=pal, dither=Image.Dither.NONE)
        data = render_png(p.job)
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.size == (p.job.width, p.job.height)
        assert image.convert("RGB").tobytes() == whole.convert("RGB").tobytes(), p.file
        assert render_png(p.job) == data, "the same card twice gives the same bytes"
        layered += _layered(p.job, pal) is not None
    kommun_cards = sum(1 for p in planned[::2] if p.card.kind == "figure" and p.card.values.get("area_level") != "national")
    assert layered >= kommun_cards, "local figure cards are drawn on their figure's base"
