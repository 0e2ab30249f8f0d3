"""Build stage: the activist page.

Writes ``index.html`` (the national kit with a municipality picker), one page
per municipality at ``kommun/<slug>/index.html``, a list of them at
``kommun/index.html``, the printable kit as ``kit.html`` and ``kit.md``, a
data file per area under ``data/areas/`` (loaded when someone picks that
area) and the page's own CSS and JS under ``static/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.model import NATIONAL, Area, Campaign
from campaign.site import render as r
from campaign.site.settings import page_settings
from campaign.site.strings import Strings
from campaign.site.view import AreaView, area_views, page_posts

if TYPE_CHECKING:
    from campaign.build import Kit


def registry_areas() -> tuple[Area, ...]:
    """Every area the registry knows; only the country until the registry lands."""
    try:
        from campaign.registry import areas  # type: ignore[attr-defined]
    except ImportError:
        return (NATIONAL,)
    found = areas() if callable(areas) else areas
    return tuple(found)


def write(kit: Kit, staging: Path) -> None:
    """Write the page into ``staging``; its result goes to ``kit.results["site"]``."""
    result = build_site(kit.campaign, kit.results, staging, registry_areas(), progress=kit.progress)
    kit.results["site"] = result
    kommun_pages = sum(1 for p in result.pages if p.startswith("kommun/") and p != "kommun/index.html")
    kit.notes.append(
        f"page: index.html ({result.national_bytes // 1024} KB with CSS and JS), {kommun_pages} municipality pages, kit.html, kit.md"
    )


def build_site(
    campaign: Campaign, results: dict[str, Any], out: Path, areas: Sequence[Area], *, progress: Any = None
) -> r.SiteResult:
    """Render every page of the site into ``out`` from the campaign and the earlier stages' results."""
    images = list(results.get("images") or [])
    settings = page_settings(campaign)
    views = area_views(campaign, page_posts(results, campaign, areas), images, areas, settings.platforms)
    kommuner = [v.area for v in views if v.area.level == "kommun"]
    version = r.copy_static(out, campaign)
    env = r.environment()
    t = Strings(campaign.settings.language)
    common = {"campaign": campaign, "t": t, "version": version, "intro": settings.intro or t.intro, "csp": r.CSP, "og_image": r.og_image(campaign, images),
              "kommuner": kommuner}
    pages = []
    for done, view in enumerate(views, 1):
        r.write_area_data(out, view)
        path = "index.html" if view.area.level == "national" else f"kommun/{view.area.slug}/index.html"
        _write_area_page(env, out, path, view, kommuner, version, common)
        pages.append(path)
        if progress is not None and (done % 10 == 0 or done == len(views)):
            progress("page", done, len(views))
    _write(out / "kommun" / "index.html", env.get_template("kommuner.html").render(root="../", page_url=r.page_url(campaign, "kommun/"), **common))
    kit = {"messages": r.kit_messages(campaign), "tag_tip": r.tag_tip(campaign)}
    _write(out / "kit.html", env.get_template("kit.html").render(root="", page_url=r.page_url(campaign, "kit.html"), **kit, **common))
    _write(out / "kit.md", r.kit_markdown(campaign, t, kit["messages"], kit["tag_tip"]))
    pages += ["kommun/index.html", "kit.html", "kit.md"]
    size = (out / "index.html").stat().st_size + sum((out / "static" / n).stat().st_size for n in (*r.STATIC_FILES, "theme.css"))
    return r.SiteResult(tuple(pages), size)


def _write_area_page(env: Any, out: Path, path: str, view: AreaView, kommuner: list[Area], version: str, common: dict[str, Any]) -> None:
    root = "" if view.area.level == "national" else "../../"
    campaign = common["campaign"]
    config = r.page_config(campaign, view, kommuner, root, version)
    html = env.get_template("area.html").render(
        root=root, view=view, config=config, page_url=r.page_url(campaign, path.removesuffix("index.html")), **common
    )
    _write(out / path, html)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
