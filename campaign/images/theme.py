"""The theme as the renderer needs it: colours, contrast, fonts, the PNG palette.

Contrast follows WCAG 2.x: relative luminance of sRGB colours, ratio
(L1 + 0.05) / (L2 + 0.05); AA asks 4.5:1 for text. Every pair the layouts
put text on is checked, since the theme names only four colours.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from campaign.model import Theme

FONTS_DIR = Path(__file__).resolve().parents[1] / "fonts"
DEFAULT_FONTS = {"regular": FONTS_DIR / "Inter-Regular.otf", "bold": FONTS_DIR / "Inter-Bold.otf"}
AA_TEXT = 4.5
AA_GRAPHICS = 3.0  # WCAG 1.4.11: graphics that carry information (a bar) against their surroundings

# (text colour key, background colour key): every pairing the layouts may draw text in.
TEXT_PAIRS = (("foreground", "background"), ("accent", "background"), ("accent_text", "accent"))

RGB = tuple[int, int, int]


def rgb(hex_colour: str) -> RGB:
    """``"#1d2b53"`` → ``(29, 43, 83)``."""
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def luminance(colour: RGB) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two hex colours, from 1 to 21."""
    la, lb = sorted((luminance(rgb(a)), luminance(rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_problems(theme: Theme) -> list[tuple[str, str]]:
    """(theme key, message) for every text/background pair below WCAG AA."""
    out = []
    for text_key, bg_key in TEXT_PAIRS:
        text, bg = getattr(theme, text_key), getattr(theme, bg_key)
        ratio = contrast(text, bg)
        if ratio < AA_TEXT:
            out.append(
                (
                    text_key,
                    (
                        f"text colour {text_key} {text} on {bg_key} {bg} has contrast {ratio:.2f}:1; "
                        f"WCAG AA needs at least {AA_TEXT}:1: darken or lighten one of them"
                    ),
                )
            )
    return out


SWEDISH = "åäöÅÄÖéü–"  # letters (and the en dash) a campaign font must draw


def check_theme(theme: Theme, add: Callable[[tuple[str, ...], str], Any]) -> None:
    """Report low-contrast colours and unusable logo or font files at ``campaign.theme.<key>`` (called by the loader)."""
    for key, message in contrast_problems(theme):
        add(("campaign", "theme", key), message)
    if theme.logo is not None and (problem := logo_problem(theme.logo)):
        add(("campaign", "theme", "logo"), problem)
    for key in ("font_regular", "font_bold"):
        path = getattr(theme, key)
        if path is not None and (problem := font_problem(path)):
            add(("campaign", "theme", key), problem)


def logo_problem(path: Path) -> str | None:
    """Why the logo cannot be drawn, or None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return f"{path.name} is not an image the renderer can read (use a PNG, ideally with transparency): {exc}"
    return None


def font_problem(path: Path) -> str | None:
    """Why a font file cannot set the campaign's text, or None."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(str(path), 40)
    except OSError as exc:
        return f"{path.name} is not a TrueType or OpenType font file: {exc}"
    missing_box = font.getmask("\ue000").getbbox()  # what the font draws for a character it lacks
    missing = [c for c in SWEDISH if font.getmask(c).getbbox() == missing_box]
    if missing:
        return (
            f"font {path.name} has no glyphs for {' '.join(missing)}; "
            "choose a font with full Latin (å, ä, ö, é, ü and the en dash)"
        )
    return None


def font_paths(theme: Theme) -> dict[str, Path]:
    """The campaign's fonts where it names them, the bundled Inter otherwise."""
    return {
        "regular": theme.font_regular or DEFAULT_FONTS["regular"],
        "bold": theme.font_bold or DEFAULT_FONTS["bold"],
    }


def colours(theme: Theme) -> dict[str, str]:
    return {key: getattr(theme, key) for key in ("background", "foreground", "accent", "accent_text")}


def palette(theme_colours: dict[str, str], extra: list[RGB], steps: int = 32) -> list[int]:
    """A fixed 256-colour palette: every theme colour pair blended in ``steps``, then ``extra``.

    Cards are flat colours with anti-aliased edges between two of them, so
    mapping onto these blends loses nothing visible, and a palette PNG encodes
    several times faster and smaller than RGB.
    """
    base = sorted({rgb(c) for c in theme_colours.values()})
    entries: list[RGB] = list(base)
    for i, a in enumerate(base):
        for b in base[i + 1 :]:
            for k in range(1, steps):
                t = k / steps
                r, g, b_ = (round(a[j] * (1 - t) + b[j] * t) for j in range(3))
                entries.append((r, g, b_))
    entries += extra
    unique = list(dict.fromkeys(entries))[:256]
    flat = [v for colour in unique for v in colour]
    return flat + flat[:3] * (256 - len(unique))
