"""Card layouts as data: the schema, the bundled defaults and per-campaign overrides.

A layout is one card kind (``figure``, ``comparison``, ``message``, ``demand``) drawn for each
shape of image (``landscape``, ``square``, ``portrait``): a background colour
and a list of elements placed in boxes given in percent of the image's width
and height, with type sizes in percent of its shorter side. The campaign's
``layouts:`` section replaces a kind's shape wholesale; everything else comes
from ``layouts.yaml`` beside this module, checked by the same spec.

``comparison`` is the key figure's card for a län or kommun with its own value
of a share: the figure as on ``figure``, and the local value beside the
national one as two labelled bars (``bar`` elements, whose length is a share).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from campaign import manifest, signed, templating
from campaign.errors import Report
from campaign.images.theme import AA_GRAPHICS, AA_TEXT, contrast
from campaign.schema import INVALID, Bool, Ctx, Field, ListOf, Num, Obj, Str
from campaign.yamlfile import read_yaml

KINDS = ("figure", "comparison", "message", "demand")
COLOURS = ("background", "foreground", "accent", "accent_text")
# What a layout's text templates may use; each card fills the ones it has and leaves the rest "".
VARIABLES = (
    "big",
    "value",
    "words",
    "statement",
    "source",
    "date",
    "sample",
    "source_line",
    "place",
    "area_level",
    "text",
    "title",
    "kicker",
    "organisation",
    "campaign",
    "hashtag",
    "national",
    "national_value",
    "comparison_source",
)
COMPARISON_VARIABLES = ("national", "national_value", "comparison_source")
# What a bar's length may be: the card's own share, or the national one (0-100).
BAR_VALUES = ("share", "national_share")
DEFAULTS_FILE = Path(__file__).with_name("layouts.yaml")

COLOUR = Str(choices=COLOURS)
BOX = ListOf(Num(minimum=0, maximum=100), min_items=4, max_items=4)

ELEMENT = Obj(
    {
        "type": Field(Str(choices=("rect", "bar", "text", "label", "logo")), required=True),
        "box": Field(BOX, required=True, help="[x, y, width, height] in percent of the image"),
        "text": Field(Str(max_len=500), help="a template: {{ big }}, {{ statement }}, {{ source_line }}, …"),
        "font": Field(Str(choices=("regular", "bold")), default="regular"),
        "size": Field(Num(minimum=0.5, maximum=60), default=5, help="largest type size, percent of the shorter side"),
        "min_size": Field(Num(minimum=0.5, maximum=60), help="smallest type size before the build fails"),
        "colour": Field(COLOUR, default="foreground"),
        "fill": Field(COLOUR, default="accent"),
        "align": Field(Str(choices=("left", "center", "right")), default="left"),
        "valign": Field(Str(choices=("top", "middle", "bottom")), default="top"),
        "line_height": Field(Num(minimum=0.8, maximum=3), default=1.2),
        "max_lines": Field(Num(minimum=1, maximum=20, integer=True)),
        "radius": Field(Num(minimum=0, maximum=50), default=0, help="corner radius, percent of the shorter side"),
        "padding": Field(Num(minimum=0, maximum=10), default=0, help="label padding, percent of the shorter side"),
        "uppercase": Field(Bool(), default=False),
        "value": Field(Str(choices=BAR_VALUES), help="a bar's length: share (the card's own) or national_share, of 100"),
        "opacity": Field(Num(minimum=0.05, maximum=1), default=1, help="a rect's or bar's fill over the background, 0-1"),
    },
    name="a layout element mapping",
)

SHAPE = Obj(
    {
        "background": Field(COLOUR, default="background"),
        "elements": Field(ListOf(ELEMENT, min_items=1, max_items=40), required=True),
    },
    name="a layout shape mapping (background, elements)",
)

LAYOUT = Obj(
    {shape: Field(SHAPE) for shape in ("landscape", "square", "portrait")}, name="a layout mapping (landscape, square, portrait)"
)
LAYOUTS_SPEC = Obj({kind: Field(LAYOUT) for kind in KINDS}, name="a layouts mapping (figure, comparison, message, demand)")


class LayoutsBroken(Exception):
    """The bundled layouts.yaml is invalid: a bug in this package, not in a campaign."""


@lru_cache(maxsize=1)
def default_layouts() -> dict[str, Any]:
    """The bundled layouts, checked by the same spec as a campaign's (``checked_defaults``).

    What the check gives is kept, signed with this user's key, in the user's own cache folder (``kept_path``),
    keyed by this program (``manifest.program``: its files, layouts.yaml and the spec among them, and the
    libraries'): a build reads it there instead of parsing and checking the file again (about 0.03 s of every
    build). A file that is not this user's, or not there, only means checking again.
    """
    path = kept_path()
    kept = signed.read(path)
    if isinstance(kept, dict):
        return kept
    data = checked_defaults()
    with contextlib.suppress(OSError):  # no cache can be written: checked again next time
        for earlier in path.parent.glob("*.pickle"):  # another program's: never read again
            earlier.unlink(missing_ok=True)
        signed.save(path, data)
    return data


def kept_path() -> Path:
    """Where the checked bundled layouts of this program and Python are kept."""
    key = hashlib.sha256(f"layouts\0{manifest.program()}\0{sys.version}".encode()).hexdigest()
    return signed.key_path().parent / "layouts" / f"{key}.pickle"


def checked_defaults() -> dict[str, Any]:
    """The bundled layouts.yaml, read and checked; ``LayoutsBroken`` when it is not valid."""
    doc = read_yaml(DEFAULTS_FILE, "campaign/images/layouts.yaml")
    report = Report()
    data = LAYOUTS_SPEC.check(doc.data, (), Ctx(doc, report))
    problems = list(report.problems)
    for path, message in layout_problems(data if data is not INVALID else {}):
        problems.append(doc.at(path, message))
    if problems or data is INVALID:
        raise LayoutsBroken("; ".join(p.format() for p in problems))
    return data


def merged_layouts(overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Defaults with the campaign's shapes put in their place."""
    layouts = copy.deepcopy(default_layouts())
    for kind, shapes in (overrides or {}).items():
        for shape, layout in (shapes or {}).items():
            if layout is not None:
                layouts[kind][shape] = layout
    return layouts


def layout_problems(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Checks beyond shape: boxes inside the image, sizes in order, templates that parse."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for kind, shapes in (data or {}).items():
        for shape, layout in (shapes or {}).items():
            if layout is None:
                continue
            for i, element in enumerate(layout["elements"]):
                problems += [((kind, shape, "elements", i, *p), m) for p, m in _element_problems(element, kind)]
    return problems


def _element_problems(element: dict[str, Any], kind: str = "comparison") -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    x, y, w, h = element["box"]
    if x + w > 100 or y + h > 100:
        out.append(
            (
                ("box",),
                f"box [{x:g}, {y:g}, {w:g}, {h:g}] reaches outside the image; x + width and y + height must be at most 100",
            )
        )
    if w <= 0 or h <= 0:
        out.append((("box",), "box width and height must be more than 0"))
    if element["type"] == "bar" and kind != "comparison":
        out.append((("type",), f"a bar shows a local value beside the national one: only comparison layouts have it, not {kind}"))
    elif element["type"] == "bar" and not element.get("value"):
        out.append(((), f"a bar element needs value: one of {', '.join(BAR_VALUES)}"))
    if element["type"] in ("text", "label"):
        if not element.get("text"):
            out.append(((), f"a {element['type']} element needs text"))
        else:
            out += [(("text",), m) for m in template_problems(element["text"], kind)]
        if element.get("min_size") is not None and element["min_size"] > element["size"]:
            out.append((("min_size",), f"min_size {element['min_size']:g} is larger than size {element['size']:g}"))
    return out


def template_problems(source: str, kind: str = "comparison") -> list[str]:
    """A layout template's syntax errors, unknown filters and unknown variables (for its kind of card)."""
    return [f"layout {message}" for _line, message in templating.template_problems(source, variables(kind))]


def variables(kind: str) -> tuple[str, ...]:
    """What a kind's templates may use: only comparison cards have a national value beside their own."""
    return VARIABLES if kind == "comparison" else tuple(v for v in VARIABLES if v not in COMPARISON_VARIABLES)


def cross_check(campaign: Any, data: Any, add: Callable[..., None]) -> None:
    """The extension hook: report layout problems at their place in the campaign's files."""
    problems = layout_problems(data or {})
    for path, message in problems:
        add(("layouts", *path), message)
    if not problems:
        for path, message in contrast_problems(data or {}, campaign.settings.theme):
            add(("layouts", *path), message)


def contrast_problems(data: dict[str, Any], theme: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Text in a campaign's own layouts set in a colour pair below WCAG AA, and bars below 3:1 on their ground."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for kind, shapes in data.items():
        for shape, layout in (shapes or {}).items():
            for i, element in enumerate((layout or {}).get("elements", [])):
                if element["type"] == "bar":
                    out += _bar_contrast(kind, shape, i, element, layout, theme)
                if element["type"] not in ("text", "label"):
                    continue
                ground = element["fill"] if element["type"] == "label" else layout["background"]
                text, bg = getattr(theme, element["colour"]), getattr(theme, ground)
                ratio = contrast(text, bg)
                if ratio < AA_TEXT:
                    out.append(
                        (
                            (kind, shape, "elements", i, "colour"),
                            (
                                f"text colour {element['colour']} {text} on {ground} {bg} has contrast {ratio:.2f}:1; "
                                f"WCAG AA needs at least {AA_TEXT}:1: choose another colour pair"
                            ),
                        )
                    )
    return out


def _bar_contrast(
    kind: str, shape: str, index: int, element: dict[str, Any], layout: dict[str, Any], theme: Any
) -> list[tuple[tuple[str | int, ...], str]]:
    """A bar is a graphic that carries a value: WCAG 1.4.11 asks 3:1 against what is around it."""
    fill, ground = getattr(theme, element["fill"]), getattr(theme, layout["background"])
    ratio = contrast(fill, ground)
    if element.get("opacity", 1) < 1 or ratio < AA_GRAPHICS:
        shown = f"{element['fill']} {fill}" + (f" at opacity {element['opacity']:g}" if element.get("opacity", 1) < 1 else "")
        return [
            (
                (kind, shape, "elements", index, "fill"),
                f"bar fill {shown} on {layout['background']} {ground}: a bar needs a solid colour with contrast of at least "
                f"{AA_GRAPHICS}:1 (WCAG 1.4.11; this one has {ratio:.2f}:1 at full opacity)",
            )
        ]
    return []
