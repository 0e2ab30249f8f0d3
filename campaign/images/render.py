"""Draw one card at one size into PNG bytes: pure input → bytes, no clock, no metadata.

A job is plain data (picklable, so worker processes can take it): the size,
the layout shape, the card's words, the theme colours, and the font and logo
paths. Fonts, fitted text and the scaled logo are cached per process, since
hundreds of kommun cards share their statement and differ only in a label.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import meta
from PIL import Image, ImageDraw, ImageFont, features

from campaign.images.fit import Fitted, fit
from campaign.images.jpeg import ROW as JPEG_ROW
from campaign.images.jpeg import Rows, is_flat, jpeg_of_image, rows_of, spliced
from campaign.images.layouts import BAR_VALUES, VARIABLES
from campaign.images.theme import RGB, palette, rgb
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
    for module in ("fit.py", "jpeg.py", "render.py", "theme.py"):
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
    return size * _unit_words(path, text)


@lru_cache(maxsize=200_000)
def _unit_words(path: str, text: str) -> float:
    """``_words_length`` at one pixel: a candidate line is measured at each size a fit tries, the same sum."""
    pieces = text.split(" ")
    return sum(_unit_length(path, p) for p in pieces) + (len(pieces) - 1) * _unit_length(path, " ")


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
def _bbox(path: str, size: int, line: str) -> tuple[float, float, float, float]:
    """The line's ink box from its (left, baseline) point: measured once for fitting it and drawing it."""
    return font(path, size).getbbox(line, anchor="ls")


@lru_cache(maxsize=20_000)
def _extent(path: str, size: int, line: str) -> tuple[float, float]:
    """(lead, width): how far the ink reaches left of the pen (a "j"), and the line's full width, ink or advance."""
    x0, _, x1, _ = _bbox(path, size, line)
    lead = float(max(0, -x0))
    return lead, max(_length(path, size, line), float(x1)) + lead


@lru_cache(maxsize=1024)
def _line_mask(path: str, size: int, line: str) -> tuple[Image.Image, tuple[int, int]]:
    """One line of text as a coverage mask, and where it sits from the (left, baseline) point.

    Kommun cards share their statement and source lines, so each line is
    rasterised once per process and pasted in its colour after that.
    """
    f = font(path, size)
    x0, y0, x1, y1 = _bbox(path, size, line)
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


Rect = tuple[int, int, int, int]  # left, top, right, bottom (exclusive)

# Variables that a figure's cards share across its kommuner (and a message's across its sizes): an element that
# uses only these, or no text at all, is drawn once into a shared base; the others (the place, the number) on a copy.
# Every other variable a layout (or a bar) may use is shared.
PER_CARD_VARIABLES = frozenset({"big", "value", "words", "place", "area_level", "share"})
SHARED_VARIABLES = (frozenset(VARIABLES) | frozenset(BAR_VALUES)) - PER_CARD_VARIABLES
BASES = 10  # shared bases kept per process: a figure's five sizes, for two figures at once (each is up to 8 MB)


def render_png(job: Job) -> bytes:
    """The card as PNG bytes; raises NoFit when a text cannot fit its box.

    What a card shares with its figure's other cards is drawn and quantized
    once per size (``_base``); each card copies that base, draws only its own
    elements, and quantizes only the pixels they touched. Quantizing with a
    fixed palette and no dithering maps each pixel on its own, so the result
    is the same, byte for byte, as drawing and quantizing the whole card.
    """
    return _render(job, None)


def render_card(job: Job) -> tuple[bytes, bytes]:
    """``render_png``, and the card's JPEG: made from the drawing (the palette image the PNG holds), not
    decoded from the PNG again; for a card drawn on a shared base, its own rows of blocks encoded and the
    base's taken as they are (``jpeg.spliced``), the same bytes as encoding the whole card."""
    image: list[Image.Image] = []
    jpeg: list[bytes] = []
    png = _render(job, image, jpeg)
    return png, jpeg[0] if jpeg else jpeg_of_image(image[0])


def _render(job: Job, image: list[Image.Image] | None, jpeg: list[bytes] | None = None) -> bytes:
    pal = _palette_image(tuple(sorted(job.colours.items())), _logo_colours(job))
    layered = _layered(job, pal, image, jpeg)
    if layered is not None:
        return layered
    quantized = draw(job).quantize(palette=pal, dither=Image.Dither.NONE)
    if image is not None:
        image.append(quantized)
    rows = _scanlines(quantized).tobytes()
    return _png(job.width, job.height, pal, [_deflate(rows, zlib.Z_FINISH)], zlib.adler32(rows))


def draw(job: Job) -> Image.Image:
    """The card as an RGB image."""
    image, canvas = _canvas(job)
    _draw_elements(image, canvas, job, range(len(job.shape["elements"])))
    return image


def _canvas(job: Job) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (job.width, job.height), job.colours[job.shape.get("background") or "background"])
    return image, ImageDraw.Draw(image)


def _draw_elements(
    image: Image.Image, canvas: ImageDraw.ImageDraw, job: Job, indices: Iterable[int], origin: tuple[int, int] = (0, 0)
) -> dict[int, list[Rect]]:
    """Draw the elements at ``indices`` in order; for each, the rectangles of pixels it touched.

    ``image`` may be a piece of the card whose top left is at ``origin`` (even
    numbers, so that rounding half to even lands every pixel where it would on
    the whole card); the touched rectangles are in that piece's coordinates.
    """
    background = job.colours[job.shape.get("background") or "background"]
    unit = min(job.width, job.height) / 100
    touched: dict[int, list[Rect]] = {}
    for index in indices:
        element = job.shape["elements"][index]
        bx, by, bw, bh = _box(element["box"], job.width, job.height)
        box = (bx - origin[0], by - origin[1], bw, bh)
        kind = element["type"]
        if kind == "rect":
            _rect(canvas, box, _fill(job, element, background), round(element["radius"] * unit))
            touched[index] = [_span(box)]
        elif kind == "bar":
            touched[index] = _bar(canvas, box, job, element, background, unit)
        elif kind == "logo":
            touched[index] = _logo(image, job.logo, box, element, background)
        else:
            touched[index] = _text(image, canvas, job, index, element, box, unit)
    return touched


def _fill(job: Job, element: dict[str, Any], background: str) -> str | RGB:
    """A rect's or bar's colour: its theme colour, laid over the background at its opacity."""
    colour = job.colours[element["fill"]]
    opacity = float(element.get("opacity", 1) or 1)
    if opacity >= 1:
        return colour
    top, ground = rgb(colour), rgb(background)
    return (
        round(top[0] * opacity + ground[0] * (1 - opacity)),
        round(top[1] * opacity + ground[1] * (1 - opacity)),
        round(top[2] * opacity + ground[2] * (1 - opacity)),
    )


def share_of(text: str) -> float:
    """A bar's share from the card's words ("62", "3.5"), within 0-100; 0 when there is none."""
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return min(100.0, max(0.0, value)) if math.isfinite(value) else 0.0


def _bar(
    canvas: ImageDraw.ImageDraw, box: tuple[int, int, int, int], job: Job, element: dict[str, Any], background: str, unit: float
) -> list[Rect]:
    """A bar from the box's left edge, as long as its share of the box's width (nothing for 0)."""
    x, y, w, h = box
    length = round(w * share_of(job.values.get(element.get("value") or "", "")) / 100)
    if length <= 0:
        return []
    bar = (x, y, length, h)
    _rect(canvas, bar, _fill(job, element, background), min(round(element["radius"] * unit), h // 2, length // 2))
    return [_span(bar)]


def _span(box: tuple[int, int, int, int]) -> Rect:
    x, y, w, h = box
    return x, y, x + w, y + h


@lru_cache(maxsize=512)
def _variables(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(ENV.parse(source)))


def _own(element: dict[str, Any]) -> bool:
    """Whether the element shows something a card does not share with its figure's others (its place, its number)."""
    if element["type"] == "bar":
        return element.get("value") not in SHARED_VARIABLES
    return element["type"] in ("text", "label") and not _variables(element.get("text") or "") <= SHARED_VARIABLES


def _content(element: dict[str, Any], values: dict[str, str]) -> str:
    """What the element shows of the card's words: its text, or a bar's share."""
    if element["type"] in ("text", "label"):
        return text_of(element, values)
    if element["type"] == "bar":
        return values.get(element.get("value") or "", "")
    return ""


def _layered(job: Job, pal: Image.Image, image: list[Image.Image] | None = None, jpeg: list[bytes] | None = None) -> bytes | None:
    """The card as PNG bytes drawn on its shared base, or None when it must be drawn whole.

    Only the bands of rows that the card's own elements may touch (their boxes
    and a margin) are drawn, quantized and compressed for this card; the rows
    between them come compressed from the base, as separate deflate blocks.
    With ``image``, the whole card as a palette image is appended to it; with ``jpeg`` too, its JPEG
    from the base's rows of blocks and its bands' (``_card_jpeg``), when that can be done.
    """
    elements = job.shape["elements"]
    own = [i for i, e in enumerate(elements) if _own(e)]
    if not own or len(own) == len(elements):
        return None
    shared = tuple(i for i in range(len(elements)) if i not in own)
    texts = tuple(_content(elements[i], job.values) for i in shared)
    words = json.dumps([job.width, job.height, job.colours, job.fonts, job.logo, texts], sort_keys=True, ensure_ascii=False)
    base = _base(_shape_json(job.shape) + "\n" + words, job, shared, own, pal)
    deflated: list[bytes] = []
    adler = 1  # the Adler-32 of nothing
    whole = base.scan.copy() if image is not None else None
    for piece in base.pieces:
        if isinstance(piece, _Stored):
            deflated.append(piece.deflated)
            adler = _adler32_combine(adler, piece.adler, piece.length)
            continue
        top, bottom = piece.top, piece.bottom
        rgb = base.rgb.crop((0, top, job.width, bottom))
        touched = _draw_elements(rgb, ImageDraw.Draw(rgb), job, piece.own, (0, top))
        for index, rects in touched.items():
            if any(r[1] < 0 or r[3] > bottom - top or r[0] < 0 or r[2] > job.width for r in rects):
                return None  # ink beyond the margin (an unusual font): draw the card whole
            later = [r for i, shared_rects in base.touched.items() if i > index for r in shared_rects]
            if any(_overlap((r[0], r[1] + top, r[2], r[3] + top), b) for r in rects for b in later):
                return None  # a shared element drawn after this one covers it: draw the card in order
        # Only what this card drew is quantized, onto the base's own quantized rows: each pixel maps on its own.
        scan = base.scan.crop((0, top, job.width + 1, bottom))
        for x0, y0, x1, y1 in _cover([r for rects in touched.values() for r in rects]):
            scan.paste(rgb.crop((x0, y0, x1, y1)).quantize(palette=pal, dither=Image.Dither.NONE), (x0 + 1, y0))
        rows = scan.tobytes()
        adler = zlib.adler32(rows, adler)
        deflated.append(_deflate(rows, zlib.Z_FULL_FLUSH))
        if whole is not None:
            whole.paste(scan, (0, top))
    if image is not None and whole is not None:
        card = _palette_card(whole, pal, job)
        image.append(card)
        if jpeg is not None:
            made = _card_jpeg(base, card, pal, job)
            if made is not None:
                jpeg.append(made)
    return _png(job.width, job.height, pal, [*deflated, _END], adler)


def _palette_card(scan: Image.Image, pal: Image.Image, job: Job) -> Image.Image:
    """The card as a palette image, from its PNG scanlines (without their filter column)."""
    card = scan.crop((1, 0, job.width + 1, job.height))
    card.putpalette(pal.getpalette() or [])
    return card


def _card_jpeg(base: _Base, card: Image.Image, pal: Image.Image, job: Job) -> bytes | None:
    """The card's JPEG: the rows of blocks where its pixels differ from the base's (only its bands can)
    encoded from the card, the others the base's as they are."""
    if not is_flat(card):
        return None
    if not base.jpeg:
        whole = _palette_card(base.scan, pal, job)
        rows = rows_of(jpeg_of_image(whole), job.height) if is_flat(whole) else None
        base.jpeg.append((rows, whole.tobytes()) if rows is not None else None)
    found = base.jpeg[0]
    if found is None:
        return None
    shared, base_pixels = found
    pixels = card.tobytes()  # one byte a pixel, as the base's: the same palette
    step = JPEG_ROW * job.width
    changed = [
        i
        for piece in base.pieces
        if isinstance(piece, _Band)
        for i in range(piece.top // JPEG_ROW, min(len(shared.rows), -(-piece.bottom // JPEG_ROW)))
        if pixels[i * step : (i + 1) * step] != base_pixels[i * step : (i + 1) * step]
    ]
    own: dict[int, bytes] = {}
    for first, end in _runs(sorted(set(changed))):
        strip = card.crop((0, first * JPEG_ROW, job.width, min(job.height, end * JPEG_ROW)))
        encoded = rows_of(jpeg_of_image(strip), strip.height)
        if encoded is None or len(encoded.rows) != end - first:
            return None
        own.update(zip(range(first, end), encoded.rows, strict=True))
    return spliced(shared, own)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as [first, end) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for i in rows:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


@dataclass(frozen=True)
class _Stored:
    """Rows [top, bottom) every card of the base shares, compressed once (ending on a full flush)."""

    top: int
    bottom: int
    deflated: bytes
    adler: int
    length: int


@dataclass(frozen=True)
class _Band:
    """Rows [top, bottom) that each card draws again: where its own elements (``own``) go."""

    top: int
    bottom: int
    own: tuple[int, ...]


@dataclass(frozen=True)
class _Base:
    """What a figure's cards at one size share: drawn, and the rows between their bands compressed."""

    rgb: Image.Image
    scan: Image.Image  # quantized, as PNG scanlines (see _scanlines)
    touched: dict[int, list[Rect]]
    pieces: tuple[_Stored | _Band, ...]  # top to bottom, covering every row once
    # Its JPEG's rows of blocks and its pixels (palette indices), once a card asks for them.
    jpeg: list[tuple[Rows, bytes] | None] = field(default_factory=list)


_BASES: OrderedDict[str, _Base] = OrderedDict()
MARGIN = 0.04  # of the shorter side, around the own elements' boxes: room for ink past a box (a "j", an "Å")
_END = zlib.compressobj(PNG_LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty last deflate block


def bands(job: Job, own: list[int]) -> list[_Band]:
    """The own elements' rows (box and margin) merged into bands, each starting on an even row."""
    margin = round(MARGIN * min(job.width, job.height))
    spans = []
    for i in own:
        _, y, _, h = _box(job.shape["elements"][i]["box"], job.width, job.height)
        spans.append((max(0, y - margin) // 2 * 2, min(job.height, y + h + margin), i))  # even top: see _draw_elements
    merged: list[_Band] = []
    for top, bottom, i in sorted(spans):
        if merged and top <= merged[-1].bottom + margin:  # touching or close: one band costs less than two
            last = merged[-1]
            merged[-1] = _Band(last.top, max(last.bottom, bottom), tuple(sorted((*last.own, i))))
        else:
            merged.append(_Band(top, bottom, (i,)))
    return merged


def _base(key: str, job: Job, shared: tuple[int, ...], own: list[int], pal: Image.Image) -> _Base:
    """The shared elements drawn once, keyed by ``key`` (everything they show)."""
    found = _BASES.get(key)
    if found is not None:
        _BASES.move_to_end(key)
        return found
    image, canvas = _canvas(job)
    touched = _draw_elements(image, canvas, job, shared)
    scan = _scanlines(image.quantize(palette=pal, dither=Image.Dither.NONE))
    pieces: list[_Stored | _Band] = []
    row = 0
    for band in [*bands(job, own), _Band(job.height, job.height, ())]:
        if band.top > row:
            rows = scan.crop((0, row, scan.width, band.top)).tobytes()
            pieces.append(_Stored(row, band.top, _deflate(rows, zlib.Z_FULL_FLUSH), zlib.adler32(rows), len(rows)))
        if band.own:
            pieces.append(band)
        row = band.bottom
    found = _Base(image, scan, touched, tuple(pieces))
    _BASES[key] = found
    if len(_BASES) > BASES:
        _BASES.popitem(last=False)
    return found


def _scanlines(quantized: Image.Image) -> Image.Image:
    """A palette image one pixel wider, its first column 0: its bytes are PNG scanlines (each row's filter byte 0, none)."""
    scan = Image.new("P", (quantized.width + 1, quantized.height), 0)
    scan.paste(quantized, (1, 0))
    return scan


def _cover(rects: list[Rect]) -> list[Rect]:
    """The rectangles, without those inside another (a label's text on its pill) and the empty ones."""
    rects = sorted({r for r in rects if r[0] < r[2] and r[1] < r[3]}, key=lambda r: (r[0] - r[2]) * (r[3] - r[1]))
    out: list[Rect] = []
    for r in rects:  # largest first
        if not any(o[0] <= r[0] and o[1] <= r[1] and r[2] <= o[2] and r[3] <= o[3] for o in out):
            out.append(r)
    return out


_SHAPES: dict[int, tuple[dict[str, Any], str]] = {}


def _shape_json(shape: dict[str, Any]) -> str:
    """A layout shape as JSON, worked out once per shape object (all of a run's cards of one kind and size share it)."""
    found = _SHAPES.get(id(shape))
    if found is None or found[0] is not shape:
        if len(_SHAPES) > 256:
            _SHAPES.clear()
        found = (shape, json.dumps(shape, sort_keys=True, ensure_ascii=False))  # holding the shape keeps its id unique
        _SHAPES[id(shape)] = found
    return found[1]


def _deflate(data: bytes, mode: int) -> bytes:
    """Raw deflate blocks of ``data``: a full flush lets more blocks follow, Z_FINISH ends the stream."""
    compressor = zlib.compressobj(PNG_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


def _adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """Adler-32 of two pieces of data from each piece's (zlib's adler32_combine)."""
    base = 65521
    rem = length2 % base
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 += (adler2 & 0xFFFF) + base - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + base - rem
    sum1 %= base
    sum2 %= base
    return sum1 | (sum2 << 16)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _plte(pal: Image.Image) -> bytes:
    colours = pal.getpalette() or []
    return bytes(colours[: 3 * (len(colours) // 3)])


def _png(width: int, height: int, pal: Image.Image, deflated: list[bytes], adler: int) -> bytes:
    """An 8-bit palette PNG from deflate pieces of its scanlines; no time or text chunks."""
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    stream = b"\x78\x5e" + b"".join(deflated) + struct.pack(">I", adler)  # zlib header for a fast level, 32K window
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", _plte(pal))
        + _chunk(b"IDAT", stream)
        + _chunk(b"IEND", b"")
    )


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(box: list[float], width: int, height: int) -> tuple[int, int, int, int]:
    x, y, w, h = box
    left, top = round(x * width / 100), round(y * height / 100)
    return left, top, round((x + w) * width / 100) - left, round((y + h) * height / 100) - top


def _rect(canvas: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fill: str | RGB, radius: int) -> None:
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
) -> list[Rect]:
    text = text_of(element, job.values)
    if not text:
        return []
    x, y, w, h = box
    pad = round(element["padding"] * unit) if element["type"] == "label" else 0
    path = job.fonts[element["font"]]
    fitted = _fit_element(index, element, text, path, (w - 2 * pad, h - 2 * pad), unit)
    extents = [_extent(path, fitted.size, line) for line in fitted.lines]
    widths = [width for _, width in extents]
    block_w, block_h = max(widths) + 2 * pad, fitted.height + 2 * pad
    left = x + {"left": 0, "center": (w - block_w) / 2, "right": w - block_w}[element["align"]]
    top = y + {"top": 0, "middle": (h - block_h) / 2, "bottom": h - block_h}[element["valign"]]
    touched = []
    if element["type"] == "label":
        pill = (round(left), round(top), round(block_w), round(block_h))
        _rect(canvas, pill, job.colours[element["fill"]], round(element["radius"] * unit))
        touched.append(_span(pill))
    colour = job.colours[element["colour"]]
    for i, (line, (lead, width)) in enumerate(zip(fitted.lines, extents, strict=False)):
        shift = {"left": 0, "center": (block_w - 2 * pad - width) / 2, "right": block_w - 2 * pad - width}[element["align"]]
        baseline = top + pad + fitted.ascent + i * fitted.pitch
        mask, (dx, dy) = _line_mask(path, fitted.size, line)
        at = (round(left + pad + shift + lead) + dx, round(baseline) + dy)
        image.paste(colour, at, mask)
        touched.append((at[0], at[1], at[0] + mask.width, at[1] + mask.height))
    return touched


def _fit_element(index: int, element: dict[str, Any], text: str, path: str, room: tuple[int, int], unit: float) -> Fitted:
    """The element's text fitted to ``room``; NoFit when even its minimum size does not fit."""
    size = max(1, round(element["size"] * unit))
    min_size = max(1, round((element["min_size"] or element["size"]) * unit))
    fitted = fit_text(text, path, room, size, min_size, float(element["line_height"]), element["max_lines"])
    if fitted is None:
        raise NoFit(index, text, room, min_size)
    return fitted


def check_fit(job: Job) -> NoFit | None:
    """What drawing the card would raise for a text that does not fit, found without drawing (for validation)."""
    unit = min(job.width, job.height) / 100
    for index, element in enumerate(job.shape["elements"]):
        if element["type"] not in ("text", "label"):
            continue
        text = text_of(element, job.values)
        if not text:
            continue
        _, _, w, h = _box(element["box"], job.width, job.height)
        pad = round(element["padding"] * unit) if element["type"] == "label" else 0
        try:
            _fit_element(index, element, text, job.fonts[element["font"]], (w - 2 * pad, h - 2 * pad), unit)
        except NoFit as exc:
            return exc
    return None


@lru_cache(maxsize=64)
def _scaled_logo(path: str, width: int, height: int) -> Image.Image:
    """The logo scaled to fit (width, height), keeping its proportions."""
    with Image.open(path) as source:
        logo = source.convert("RGBA")
    scale = min(width / logo.width, height / logo.height)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    return logo.resize(size, Image.Resampling.LANCZOS)


def _logo(
    image: Image.Image, path: str | None, box: tuple[int, int, int, int], element: dict[str, Any], background: str
) -> list[Rect]:
    if not path:
        return []
    x, y, w, h = box
    logo = _scaled_logo(path, w, h)
    left = x + {"left": 0, "center": (w - logo.width) // 2, "right": w - logo.width}[element["align"]]
    top = y + {"top": 0, "middle": (h - logo.height) // 2, "bottom": h - logo.height}[element["valign"]]
    image.paste(logo, (left, top), logo)
    return [(left, top, left + logo.width, top + logo.height)]


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
