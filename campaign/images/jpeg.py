"""JPEG copies of the Instagram-sized cards: Instagram's publishing API takes no PNG.

Instagram content publishing fetches the image from its public address and
accepts JPEG only ("JPEG is the only image format supported", the Instagram
Platform's content publishing guide), so every card in a size made for
Instagram gets a ``.jpg`` beside its ``.png``, named in its manifest row as
``jpeg``. Quality 92 without chroma subsampling keeps text edges clean; the
encoder is deterministic, so the same PNG always gives the same bytes. The
JPEG is made with its PNG (in the worker that draws it) and cached beside it
(``pipeline``), so a rebuild encodes none again.

Each row of 8×8 blocks ends on a restart marker, so the entropy-coded data of
a row depends on that row's pixels alone: a figure's kommun cards, which differ
only in a band or two of rows, are put together from their shared base's rows
and their own bands' (``spliced``), byte for byte what encoding the whole card
gives (tests/test_images_layered.py holds the two to each other).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from PIL import Image

QUALITY = 92
FOR_PLATFORM = "instagram"
ROW = 8  # pixel rows in a row of blocks (no chroma subsampling: 8×8 blocks); a restart marker after each
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")  # RST0..RST7; in entropy-coded data every other 0xFF is followed by 0x00


def jpeg_bytes(png: Path) -> bytes:
    """The PNG at ``png`` as JPEG."""
    return jpeg_of(png.read_bytes())


def jpeg_of(png: bytes) -> bytes:
    """A PNG's bytes as JPEG (``jpeg_of_image`` of the image they hold)."""
    with Image.open(io.BytesIO(png)) as img:
        return jpeg_of_image(img)


def jpeg_of_image(img: Image.Image) -> bytes:
    """An image as JPEG: an opaque card straight to RGB, a transparent one flattened onto white first."""
    if not is_flat(img):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = img.convert("RGB")
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=QUALITY, subsampling=0, optimize=False, restart_marker_rows=1)
    return out.getvalue()


class Rows(NamedTuple):
    """A JPEG as its headers (up to the scan's data) and each row of blocks' entropy-coded data."""

    header: bytes
    rows: list[bytes]


def rows_of(jpeg: bytes, height: int) -> Rows | None:
    """``jpeg``'s rows of blocks, or None when it does not hold one per ``ROW`` pixel rows of ``height``
    (a Pillow without restart markers, or an encoder that placed them otherwise)."""
    sos = jpeg.find(b"\xff\xda")
    if sos < 0 or not jpeg.endswith(b"\xff\xd9"):
        return None
    start = sos + 2 + int.from_bytes(jpeg[sos + 2 : sos + 4], "big")
    rows = _RESTART.split(jpeg[start:-2])
    if len(rows) != -(-height // ROW):
        return None
    return Rows(jpeg[:start], rows)


def spliced(base: Rows, own: Mapping[int, bytes]) -> bytes:
    """A JPEG of ``base``'s size whose row of blocks ``i`` is ``own[i]`` where given, else the base's."""
    rows = [own.get(i, row) for i, row in enumerate(base.rows)]
    data = b"".join(row + (b"\xff" + bytes((0xD0 + i % 8,)) if i < len(rows) - 1 else b"") for i, row in enumerate(rows))
    return base.header + data + b"\xff\xd9"


def is_flat(img: Image.Image) -> bool:
    """Whether ``jpeg_of_image`` encodes ``img`` as it is (no transparency to flatten onto white)."""
    return img.mode not in ("RGBA", "LA", "PA") and "transparency" not in img.info


def wants_jpeg(platforms: tuple[str, ...]) -> bool:
    """Whether a size's cards get a JPEG beside them."""
    return FOR_PLATFORM in platforms
