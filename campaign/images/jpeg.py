"""JPEG copies of the Instagram-sized cards: Instagram's publishing API takes no PNG.

Instagram content publishing fetches the image from its public address and
accepts JPEG only ("JPEG is the only image format supported", the Instagram
Platform's content publishing guide), so every card in a size made for
Instagram gets a ``.jpg`` beside its ``.png``, named in its manifest row as
``jpeg``. Quality 92 without chroma subsampling keeps text edges clean; the
encoder is deterministic, so the same PNG always gives the same bytes. The
JPEG is made with its PNG (in the worker that draws it) and cached beside it
(``pipeline``), so a rebuild encodes none again.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

QUALITY = 92
FOR_PLATFORM = "instagram"


def jpeg_bytes(png: Path) -> bytes:
    """The PNG at ``png`` as JPEG."""
    return jpeg_of(png.read_bytes())


def jpeg_of(png: bytes) -> bytes:
    """A PNG's bytes as JPEG (``jpeg_of_image`` of the image they hold)."""
    with Image.open(io.BytesIO(png)) as img:
        return jpeg_of_image(img)


def jpeg_of_image(img: Image.Image) -> bytes:
    """An image as JPEG: an opaque card straight to RGB, a transparent one flattened onto white first."""
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = img.convert("RGB")
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=QUALITY, subsampling=0, optimize=False)
    return out.getvalue()


def wants_jpeg(platforms: tuple[str, ...]) -> bool:
    """Whether a size's cards get a JPEG beside them."""
    return FOR_PLATFORM in platforms
