"""Draw one card at one size into PNG bytes: pure input → bytes, no clock, no metadata.

A job is plain data (picklable, so worker processes can take it): the size,
the layout shape, the card's words, the theme colours, and the font and logo
paths. Fonts, fitted text and the scaled logo are cached per process, since
hundreds of kommun cards share their statement and differ only in a label.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, features

from campaign.images.fit import Fitted, fit
from campaign.images.theme import RGB, palette
from campaign.templating import ENV

RENDERER_VERSION = "1"  # the drawing code's own bytes are hashed in too (engine_version), so edits redraw
PNG_LEVEL = 2  # zlib level: 2 encodes ~4× faster than 6 for ~25 % larger files (tens of kB: far under every limit)
LOGO_COLOURS = 48
_ENGINE = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


@lru_cache(maxsize=1)
def engine_version() -> str:
    """What else changes the pixels: this drawing code, Pillow, FreeType and the text shaper."""
    import hashlib

    import PIL

    code = hashlib.sha256()
    for module in ("fit.py", "render.py", "theme.py"):
        code.update(Path(__file__).with_name(module).read_bytes())
    raqm = features.version("raqm") if _ENGINE == ImageFont.Layout.RAQM else "basic"
    return (
        f"{RENDERER_VERSION}/code-{code.hexdigest()[:16]}/pillow-{PIL.__version__}"
        f"/freetype-{features.version('freetype2')}/raqm-{raqm}"
    )


@dataclass(frozen=True)
class Job:
    """Everything that decides one image's pixels."""

    width: int
    height: int
    shape: dict[str, Any]  # the layout shape: background + elements
    values: dict[str, str]  # the card's words
    colours: dict[str, str]  # theme colour name → hex
    fonts: dict[str, str]  # "regular"/"bold" → font file path
    logo: str | None  # logo file path


class NoFit(Exception):
    """A text does not fit its box even at the layout's minimum size."""

    def __init__(self, element: int, text: str, box: tuple[int, int], min_px: int) -> None:
        super().__init__(f"text does not fit its {box[0]}×{box[1]} px box (element {element}) even at {min_px} px: {text!r}")
        self.element, self.text, self.box, self.min_px = element, text, box, min_px


@lru_cache(maxsize=512)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=_ENGINE)


@lru_cache(maxsize=200_000)
def _length(path: str, size: int, text: str) -> float:
    return font(path, size).getlength(text)


@lru_cache(maxsize=4096)
def _metrics(path: str, size: int) -> tuple[float, float]:
    """Ink ascent (room for Å, É above the cap height) and descent at one size."""
    f = font(path, size)
    ascent, descent = f.getmetrics()
    top = f.getbbox("ÅÄÖÉÜÀÇ", anchor="ls")[1]
    bottom = f.getbbox("gjpqyÅ,(", anchor="ls")[3]
    return float(max(ascent, -top)), float(max(descent, bottom))


REFERENCE_PX = 1000  # words are shaped once at this size and scaled; the final lines are measured exactly


@lru_cache(maxsize=200_000)
def _unit_length(path: str, text: str) -> float:
    return font(path, REFERENCE_PX).getlength(text) / REFERENCE_PX


def _words_length(path: str, size: int, text: str) -> float:
    """A line's approximate width: its words' widths (each shaped once) scaled to ``size``, plus spaces.

    Shaping every candidate line at every size was what made fitting slow;
    words repeat across lines, sizes and cards. Hinting and kerning across a
    space make this a little off, so ``fit_text`` measures the final lines.
    """
    pieces = text.split(" ")
    return size * (sum(_unit_length(path, p) for p in pieces) + (len(pieces) - 1) * _unit_length(path, " "))


@lru_cache(maxsize=20_000)
def fit_text(
    text: str, path: str, box: tuple[int, int], size: int, min_size: int, line_height: float, max_lines: int | None
) -> Fitted | None:
    """``fit`` with the real font; the final lines' true widths are checked against the box."""
    width = float(box[0])
    for _ in range(3):
        fitted = fit(
            text,
            (width, box[1]),
            lambda s, px: _words_length(path, px, s),
            lambda px: _metrics(path, px),
            size=size,
            min_size=min_size,
            line_height=line_height,
            max_lines=max_lines,
        )
        if fitted is None:
            return None
        widest = max(_extent(path, fitted.size, line)[1] for line in fitted.lines)
        if widest <= box[0]:
            return fitted
        width -= widest - box[0] + 1
    return None


@lru_cache(maxsize=20_000)
def _extent(path: str, size: int, line: str) -> tuple[float, float]:
    """(lead, width): how far the ink reaches left of the pen (a "j"), and the line's full width, ink or advance."""
    x0, _, x1, _ = font(path, size).getbbox(line, anchor="ls")
    lead = float(max(0, -x0))
    return lead, max(_length(path, size, line), float(x1)) + lead


@lru_cache(maxsize=1024)
def _line_mask(path: str, size: int, line: str) -> tuple[Image.Image, tuple[int, int]]:
    """One line of text as a coverage mask, and where it sits from the (left, baseline) point.

    Kommun cards share their statement and source lines, so each line is
    rasterised once per process and pasted in its colour after that.
    """
    f = font(path, size)
    x0, y0, x1, y1 = f.getbbox(line, anchor="ls")
    x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)  # whole pixels (Pillow's basic layout gives ints already)
    mask = Image.new("L", (max(1, x1 - x0), max(1, y1 - y0)), 0)
    ImageDraw.Draw(mask).text((-x0, -y0), line, font=f, fill=255, anchor="ls")
    return mask, (x0, y0)


@lru_cache(maxsize=512)
def _template(source: str) -> Any:
    return ENV.from_string(source)


def text_of(element: dict[str, Any], values: dict[str, str]) -> str:
    """The element's template filled with the card's words, tidy and maybe upper-case."""
    text = _template(element["text"]).render(values).strip()
    text = "\n".join(" ".join(line.split(" ")).strip() for line in text.splitlines())
    return text.upper() if element.get("uppercase") else text


def render_png(job: Job) -> bytes:
    """The card as PNG bytes; raises NoFit when a text cannot fit its box."""
    image = draw(job)
    pal = _palette_image(tuple(sorted(job.colours.items())), _logo_colours(job))
    out = io.BytesIO()
    image.quantize(palette=pal, dither=Image.Dither.NONE).save(out, "PNG", compress_level=PNG_LEVEL)
    return out.getvalue()


def draw(job: Job) -> Image.Image:
    """The card as an RGB image."""
    background = job.colours[job.shape.get("background") or "background"]
    image = Image.new("RGB", (job.width, job.height), background)
    canvas = ImageDraw.Draw(image)
    unit = min(job.width, job.height) / 100
    for index, element in enumerate(job.shape["elements"]):
        box = _box(element["box"], job.width, job.height)
        kind = element["type"]
        if kind == "rect":
            _rect(canvas, box, job.colours[element["fill"]], round(element["radius"] * unit))
        elif kind == "logo":
            _logo(image, job.logo, box, element, background)
        else:
            _text(image, canvas, job, index, element, box, unit)
    return image


def _box(box: list[float], width: int, height: int) -> tuple[int, int, int, int]:
    x, y, w, h = box
    left, top = round(x * width / 100), round(y * height / 100)
    return left, top, round((x + w) * width / 100) - left, round((y + h) * height / 100) - top


def _rect(canvas: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fill: str, radius: int) -> None:
    x, y, w, h = box
    if radius:
        canvas.rounded_rectangle((x, y, x + w - 1, y + h - 1), radius=radius, fill=fill)
    else:
        canvas.rectangle((x, y, x + w - 1, y + h - 1), fill=fill)


def _text(
    image: Image.Image,
    canvas: ImageDraw.ImageDraw,
    job: Job,
    index: int,
    element: dict[str, Any],
    box: tuple[int, int, int, int],
    unit: float,
) -> None:
    text = text_of(element, job.values)
    if not text:
        return
    x, y, w, h = box
    pad = round(element["padding"] * unit) if element["type"] == "label" else 0
    path = job.fonts[element["font"]]
    size = max(1, round(element["size"] * unit))
    min_size = max(1, round((element["min_size"] or element["size"]) * unit))
    fitted = fit_text(text, path, (w - 2 * pad, h - 2 * pad), size, min_size, float(element["line_height"]), element["max_lines"])
    if fitted is None:
        raise NoFit(index, text, (w - 2 * pad, h - 2 * pad), min_size)
    extents = [_extent(path, fitted.size, line) for line in fitted.lines]
    widths = [width for _, width in extents]
    block_w, block_h = max(widths) + 2 * pad, fitted.height + 2 * pad
    left = x + {"left": 0, "center": (w - block_w) / 2, "right": w - block_w}[element["align"]]
    top = y + {"top": 0, "middle": (h - block_h) / 2, "bottom": h - block_h}[element["valign"]]
    if element["type"] == "label":
        pill = (round(left), round(top), round(block_w), round(block_h))
        _rect(canvas, pill, job.colours[element["fill"]], round(element["radius"] * unit))
    colour = job.colours[element["colour"]]
    for i, (line, (lead, width)) in enumerate(zip(fitted.lines, extents, strict=False)):
        shift = {"left": 0, "center": (block_w - 2 * pad - width) / 2, "right": block_w - 2 * pad - width}[element["align"]]
        baseline = top + pad + fitted.ascent + i * fitted.pitch
        mask, (dx, dy) = _line_mask(path, fitted.size, line)
        image.paste(colour, (round(left + pad + shift + lead) + dx, round(baseline) + dy), mask)


@lru_cache(maxsize=64)
def _scaled_logo(path: str, width: int, height: int) -> Image.Image:
    """The logo scaled to fit (width, height), keeping its proportions."""
    with Image.open(path) as source:
        logo = source.convert("RGBA")
    scale = min(width / logo.width, height / logo.height)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    return logo.resize(size, Image.Resampling.LANCZOS)


def _logo(image: Image.Image, path: str | None, box: tuple[int, int, int, int], element: dict[str, Any], background: str) -> None:
    if not path:
        return
    x, y, w, h = box
    logo = _scaled_logo(path, w, h)
    left = x + {"left": 0, "center": (w - logo.width) // 2, "right": w - logo.width}[element["align"]]
    top = y + {"top": 0, "middle": (h - logo.height) // 2, "bottom": h - logo.height}[element["valign"]]
    image.paste(logo, (left, top), logo)


def _logo_colours(job: Job) -> tuple[RGB, ...]:
    """The logo's own colours, as drawn on this shape's background, for the palette."""
    if not job.logo:
        return ()
    boxes = [_box(e["box"], job.width, job.height) for e in job.shape["elements"] if e["type"] == "logo"]
    if not boxes:
        return ()
    background = job.colours[job.shape.get("background") or "background"]
    return _logo_palette(job.logo, boxes[0][2], boxes[0][3], background)


@lru_cache(maxsize=64)
def _logo_palette(path: str, width: int, height: int, background: str) -> tuple[RGB, ...]:
    logo = _scaled_logo(path, width, height)
    tile = Image.new("RGB", logo.size, background)
    tile.paste(logo, (0, 0), logo)
    quant = tile.quantize(colors=LOGO_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat = quant.getpalette() or []
    used = sorted({c for _, c in (quant.getcolors() or []) if isinstance(c, int)})  # a "P" image's colours are indexes
    return tuple((flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]) for i in used)


@lru_cache(maxsize=64)
def _palette_image(colours: tuple[tuple[str, str], ...], logo: tuple[RGB, ...]) -> Image.Image:
    pal = Image.new("P", (1, 1))
    pal.putpalette(palette(dict(colours), list(logo)))
    return pal
