"""JPEG copies of the Instagram-sized cards: Instagram's publishing API takes no PNG.

Instagram content publishing fetches the image from its public address and
accepts JPEG only ("JPEG is the only image format supported", the Instagram
Platform's content publishing guide), so every card in a size made for
Instagram gets a ``.jpg`` beside its ``.png``, named in its manifest row as
``jpeg``. Quality 92 without chroma subsampling keeps text edges clean; the
encoder is deterministic, so the same PNG always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from campaign.kit import ImageFile

QUALITY = 92
FOR_PLATFORM = "instagram"


def jpeg_bytes(png: Path) -> bytes:
    """The PNG at ``png`` as JPEG (flattened onto white where it is transparent)."""
    with Image.open(png) as img:
        rgba = img.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=QUALITY, subsampling=0, optimize=False)
    return out.getvalue()


def add_jpegs(folder: Path, images: Iterable[ImageFile]) -> tuple[ImageFile, ...]:
    """Write the JPEG of each Instagram-sized image into ``folder``; the images, those with their ``jpeg`` named."""
    out = []
    for image in images:
        if FOR_PLATFORM not in image.platforms:
            out.append(image)
            continue
        name = image.file.removesuffix(".png") + ".jpg"
        (folder / name).write_bytes(jpeg_bytes(folder / image.file))
        out.append(dataclasses.replace(image, jpeg=name))
    return tuple(out)
