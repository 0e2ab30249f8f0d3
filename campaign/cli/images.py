"""`campaign images`: render only the share images."""

from __future__ import annotations

from pathlib import Path

import typer

from campaign.cli.common import out
from campaign.images.stage import render_images

DIR_ARG = typer.Argument(Path(), help="The campaign folder (holding messages/ and assets/).", show_default=True)
OUT = typer.Option(
    None,
    "--out",
    "-o",
    metavar="DIR",
    help="Where to write the images and manifest.json (replaced as a whole). Default: DIR/build/images.",
)
KOMMUN = typer.Option(
    [],
    "--kommun",
    "-k",
    metavar="KOMMUN",
    help="A municipality by name or code (repeatable): its own figures, else its län's, else national.",
)
LAN = typer.Option([], "--lan", "-l", metavar="LÄN", help="A county (län) by name or code (repeatable).")
FIGURE = typer.Option([], "--figure", metavar="ID", help="Only this figure's cards (repeatable).")
SIZE = typer.Option([], "--size", "-s", metavar="SIZE", help="Only this size (repeatable): x, og, square, portrait, bluesky.")


def images(
    directory: Path = DIR_ARG,
    out_dir: Path | None = OUT,
    kommun: list[str] = KOMMUN,
    lan: list[str] = LAN,
    figure: list[str] = FIGURE,
    size: list[str] = SIZE,
) -> None:
    """Render the share images (and their manifest with alt text) without the rest of the kit.

    Example: campaign images . --kommun Uppsala --size x --out uppsala-cards
    """
    from campaign.cli.progress import progress_bar  # lazy: rich's progress bar loads only for a command that shows one

    out_dir = out_dir or directory / "build" / "images"
    with progress_bar() as progress:
        rendered = render_images(
            directory, out_dir, figures=tuple(figure), kommun=tuple(kommun), lan=tuple(lan), sizes=tuple(size), progress=progress
        )
    count, drawn = len(rendered.images), rendered.drawn
    out(f"{count} images ({drawn} drawn, {count - drawn} from the cache), {rendered.bytes / 1e6:.1f} MB in {out_dir}/")


def register(app: typer.Typer) -> None:
    """Add `campaign images` to the app."""
    app.command("images")(images)
