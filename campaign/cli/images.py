"""`campaign images`: render only the share images."""

from __future__ import annotations

from pathlib import Path

import typer

from campaign.cli.common import out

DIR_ARG = typer.Argument(Path("."), help="The campaign folder (holding messages/ and assets/).", show_default=True)


def images(
    directory: Path = DIR_ARG,
    out_dir: Path = typer.Option(Path("build/images"), "--out", "-o", help="Where to write the images and manifest.json (replaced as a whole)."),
    kommun: list[str] = typer.Option([], "--kommun", "-k", help="A municipality by name or code (repeatable): its own figures, else its län's, else national."),
    lan: list[str] = typer.Option([], "--lan", "-l", help="A county (län) by name or code (repeatable)."),
    figure: list[str] = typer.Option([], "--figure", help="Only this figure's cards (repeatable)."),
    size: list[str] = typer.Option([], "--size", "-s", help="Only this size (repeatable): x, og, square, portrait, bluesky."),
) -> None:
    """Render the share images (and their manifest with alt text) without the rest of the kit.

    Example: campaign images . --kommun Uppsala --size x --out build/images
    """
    from campaign.cli.progress import progress_bar
    from campaign.images.stage import render_images

    with progress_bar() as progress:
        entries, drawn = render_images(directory, out_dir, figures=tuple(figure), kommun=tuple(kommun), lan=tuple(lan), sizes=tuple(size), progress=progress)
    total = sum(e["bytes"] for e in entries)
    out(f"{len(entries)} images ({drawn} drawn, {len(entries) - drawn} from the cache), {total / 1e6:.1f} MB in {out_dir}/")


def register(app: typer.Typer) -> None:
    """Add `campaign images` to the app."""
    app.command("images")(images)
