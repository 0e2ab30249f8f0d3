"""The images stage of `campaign build`, and `campaign images` alone.

Renders every card into ``images/`` with ``images/manifest.json`` and returns
the manifest's rows as ``ImageFile`` for the page; `campaign images` gets a
``Rendered`` (the images and how many were drawn).
"""

from __future__ import annotations

from pathlib import Path

from campaign.errors import NotFound
from campaign.images.cards import Card, plan, resolve_area, select
from campaign.images.pipeline import Progress, Rendered, render_all, write_manifest
from campaign.images.sizes import SIZES
from campaign.kit import IMAGES, MARKER, ImageFile, Kit, OutputRefused, refuse_campaign_folder, refuse_foreign, staged
from campaign.loader import load
from campaign.model import Campaign
from campaign.schema import suggest

FOLDER = IMAGES


def write(kit: Kit, staging: Path) -> list[ImageFile]:
    """Render every card of the campaign into ``staging/images``; the images, as the manifest lists them."""
    cards = plan(kit.campaign)  # characters the card font lacks were refused by the build's checks (campaign.check)
    rendered = render_all(kit.campaign, cards, staging / FOLDER, progress=kit.progress, prune=True, workers=kit.jobs)
    images = rendered.images  # with the JPEGs Instagram's API takes
    write_manifest(staging / FOLDER, images)
    kit.notes.append(
        f"images: {len(images)} images of {len(cards)} cards in {len(SIZES)} sizes "
        f"({rendered.drawn} drawn, {len(images) - rendered.drawn} from the cache)"
    )
    return list(images)


def render_images(
    root: Path,
    out: Path,
    *,
    figures: tuple[str, ...] = (),
    kommun: tuple[str, ...] = (),
    lan: tuple[str, ...] = (),
    sizes: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> Rendered:
    """`campaign images`: load the campaign, render the chosen cards into ``out``, replaced as a whole.

    Returns the images (with their JPEGs named) and how many were drawn rather than taken from the cache.
    """
    campaign = load(root).campaign
    cards = choose(campaign, figures=figures, kommun=kommun, lan=lan)
    _check_sizes(sizes)
    _check_out(out, campaign.root, filtered=bool(figures or kommun or lan or sizes))
    with staged(out) as staging:
        rendered = render_all(campaign, cards, staging, sizes=sizes or None, progress=progress)
        write_manifest(staging, rendered.images)
    return rendered


def choose(
    campaign: Campaign, *, figures: tuple[str, ...] = (), kommun: tuple[str, ...] = (), lan: tuple[str, ...] = ()
) -> list[Card]:
    """The cards the filters pick (all of them without filters)."""
    areas = tuple(resolve_area("kommun", q) for q in kommun) + tuple(resolve_area("lan", q) for q in lan)
    if not figures and not areas:
        return plan(campaign)
    return select(campaign, figures=figures, areas=areas)


def _check_sizes(sizes: tuple[str, ...]) -> None:
    for name in sizes:
        if name not in SIZES:
            raise NotFound(f"unknown size {name!r}{suggest(name, SIZES)}; known: {', '.join(SIZES)}")


def _check_out(out: Path, root: Path, filtered: bool = False) -> None:
    """Replace only a folder of our own: empty, or holding a manifest or the build marker.

    A filtered run never replaces a built kit's images: the page and
    `campaign schedule plan` read them, and would lose every card not chosen.
    """
    out = out.resolve()
    refuse_campaign_folder(out, root, "build/images")
    if filtered and out.name == FOLDER and (out.parent / MARKER).exists():
        raise OutputRefused(
            f"--out {out} holds the built kit's images, which the page and `campaign schedule plan` use; "
            "a filtered run would replace them with only the chosen cards: write them elsewhere, e.g. --out cards"
        )
    ours = (out / "manifest.json").exists() or (out / MARKER).exists()
    refuse_foreign(out, ours, "exists and holds files not made by `campaign images`; refusing to replace it")
