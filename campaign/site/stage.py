"""Build stage: the activist page.

Writes ``index.html`` (the national kit with a municipality picker), one page
per municipality at ``kommun/<slug>/index.html``, a list of them at
``kommun/index.html``, the printable kit as ``kit.html`` and ``kit.md``, a
data file per area under ``data/areas/`` (loaded when someone picks that
area) and the page's own CSS and JS under ``static/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment

from campaign.errors import Problem
from campaign.model import Area, Campaign
from campaign.site import render as r
from campaign.site.assets import GENERATED, STATIC_FILES, copy_static
from campaign.site.kit import kit_markdown, kit_messages, tag_tip
from campaign.site.settings import page_settings
from campaign.site.strings import Strings
from campaign.site.view import AreaView, ImageIndex, area_views, page_posts, swedish_key

BUDGET = 150_000  # bytes of HTML, CSS and JS for the national page, before images

if TYPE_CHECKING:
    from campaign.build import Kit


def registry_areas() -> tuple[Area, ...]:
    """The country and every area the registry knows (the page uses the country and the 290 kommuner)."""
    from campaign.registry import areas

    return tuple(areas())


def write(kit: Kit, staging: Path) -> None:
    """Write the page into ``staging``; its result goes to ``kit.results["site"]``."""
    result = build_site(kit.campaign, kit.results, staging, registry_areas(), progress=kit.progress)
    kit.results["site"] = result
    if result.national_bytes > BUDGET:
        kit.warnings.append(
            Problem(
                kit.campaign.sources.get("messages", "messages/"),
                0,
                0,
                "page",
                f"the national page weighs {result.national_bytes // 1024} KB with its CSS and JS, over the {BUDGET // 1000} KB budget "
                "for phones; show fewer platforms with `page: platforms: [...]` or move messages to a second campaign",
                "warning",
            )
        )
    kommun_pages = sum(1 for p in result.pages if p.startswith("kommun/") and p != "kommun/index.html")
    kit.notes.append(
        f"page: index.html ({result.national_bytes // 1024} KB with CSS and JS), {kommun_pages} municipality pages, kit.html, kit.md"
    )


def build_site(
    campaign: Campaign,
    results: dict[str, Any],
    out: Path,
    areas: Sequence[Area],
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> r.SiteResult:
    """Render every page of the site into ``out`` from the campaign and the earlier stages' results."""
    images = ImageIndex(results.get("images") or [])
    settings = page_settings(campaign)
    views = area_views(campaign, page_posts(results, campaign, areas), images, areas, settings.platforms)
    t = Strings(campaign.settings.language)
    common = {
        "campaign": campaign,
        "t": t,
        "version": copy_static(out, campaign),
        "intro": settings.intro or t.intro,
        "csp": r.CSP,
        "og_image": r.og_image(campaign, images),
    }
    env = r.environment()
    pages = _write_areas(env, out, views, images, common, progress)
    pages += _write_listing(env, out, [v.area for v in views if v.area.level == "kommun"], common)
    pages += _write_kit(env, out, common)
    size = (out / "index.html").stat().st_size + sum((out / "static" / n).stat().st_size for n in (*STATIC_FILES, *GENERATED))
    return r.SiteResult(tuple(pages), size)


def _write_areas(
    env: Environment,
    out: Path,
    views: Sequence[AreaView],
    images: ImageIndex,
    common: dict[str, Any],
    progress: Callable[[str, int, int], None] | None,
) -> list[str]:
    """Each area's page and data file: index.html for the country, kommun/<slug>/index.html for each kommun."""
    pages = []
    for done, view in enumerate(views, 1):
        r.write_area_data(out, view)
        path = "index.html" if view.area.level == "national" else f"kommun/{view.area.slug}/index.html"
        _write_area_page(env, out, path, view, {**common, "og_image": r.og_image(common["campaign"], images, view.area)})
        pages.append(path)
        if progress is not None and (done % 10 == 0 or done == len(views)):
            progress("page", done, len(views))
    return pages


def _write_listing(env: Environment, out: Path, kommuner: list[Area], common: dict[str, Any]) -> list[str]:
    """The picker's list (data/kommuner.js) and the page listing every municipality by län."""
    r.write_kommun_list(out, kommuner)
    listing = env.get_template("kommuner.html").render(
        root="../", page_url=r.page_url(common["campaign"], "kommun/"), kommuner_by_lan=by_lan(kommuner), **common
    )
    _write(out / "kommun" / "index.html", listing)
    return ["kommun/index.html"]


def _write_kit(env: Environment, out: Path, common: dict[str, Any]) -> list[str]:
    """The printable kit as kit.html and kit.md."""
    campaign = common["campaign"]
    kit = {"messages": kit_messages(campaign), "tag_tip": tag_tip(campaign)}
    _write(
        out / "kit.html", env.get_template("kit.html").render(root="", page_url=r.page_url(campaign, "kit.html"), **kit, **common)
    )
    _write(out / "kit.md", kit_markdown(campaign, common["t"], kit["messages"], kit["tag_tip"]))
    return ["kit.html", "kit.md"]


def by_lan(kommuner: Sequence[Area]) -> list[tuple[str, list[Area]]]:
    """Municipalities grouped by län, both in Swedish alphabetical order."""
    groups: dict[str, list[Area]] = {}
    for area in kommuner:
        groups.setdefault(area.lan_name, []).append(area)
    return [(lan, groups[lan]) for lan in sorted(groups, key=swedish_key)]


def _write_area_page(env: Environment, out: Path, path: str, view: AreaView, common: dict[str, Any]) -> None:
    root = "" if view.area.level == "national" else "../../"
    campaign = common["campaign"]
    config = r.page_config(campaign, view, root, common["version"])
    html = env.get_template("area.html").render(
        root=root, view=view, config=config, page_url=r.page_url(campaign, path.removesuffix("index.html")), **common
    )
    _write(out / path, html)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
