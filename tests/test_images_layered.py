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
from campaign.images.render import _layered, _logo_colours, _palette_image, draw, render_card, render_png
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


def test_a_cards_jpeg_is_the_jpeg_of_the_whole_card(planned) -> None:  # type: ignore[no-untyped-def]
    """The Instagram sizes' JPEGs: a card on a shared base is put together from the base's rows of blocks and
    its own (jpeg.spliced); the reference encodes the card decoded from its PNG, whole."""
    from campaign.images.jpeg import jpeg_of, wants_jpeg

    spliced = layered = 0
    for p in planned:
        if not wants_jpeg(p.size.platforms):
            continue
        png, jpeg = render_card(p.job)
        assert png == render_png(p.job)
        assert jpeg == jpeg_of(png), p.file
        pal = _palette_image(tuple(sorted(p.job.colours.items())), _logo_colours(p.job))
        made: list[bytes] = []
        layered += _layered(p.job, pal, [], made) is not None
        spliced += bool(made)
    assert spliced == layered > 0, "every card drawn on a base has its JPEG from the base's rows"


def test_a_spliced_jpeg_is_refused_when_the_rows_do_not_match() -> None:
    """An encoder that put no restart marker after each row of blocks (an older Pillow) gives no rows to splice."""
    from campaign.images.jpeg import rows_of

    image = Image.new("RGB", (64, 40), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, subsampling=0)  # no restart markers
    assert rows_of(out.getvalue(), 40) is None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, subsampling=0, restart_marker_rows=1)
    found = rows_of(out.getvalue(), 40)
    assert found is not None and len(found.rows) == 5
