"""Build stage: the activist page.

Writes ``index.html`` (the national kit with a municipality picker), one page
per municipality at ``kommun/<slug>/index.html``, a list of them at
``kommun/index.html``, the printable kit as ``kit.html`` and ``kit.md``, a
data file per area under ``data/areas/`` (loaded when someone picks that
area, and by a kommun's page for the messages below its first), what several
areas' data share once in ``data/shared.js``, and the page's own CSS and JS
under ``static/``. Each page's HTML holds the texts of its recommended message;
its other messages are filled in from its data file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from campaign.compose.core import Post
from campaign.errors import Problem
from campaign.kit import ImageFile, Kit, Work, build_time, digest, run_work
from campaign.model import NATIONAL, Area, Campaign
from campaign.registry import areas as all_areas
from campaign.site import render as r
from campaign.site.assets import GENERATED, STATIC_FILES, copy_static
from campaign.site.kit import campaign_strings, kit_date, kit_markdown, kit_messages, qr_svg, tag_tip
from campaign.site.settings import page_settings
from campaign.site.view import AreaView, ImageIndex, area_views, swedish_key

BUDGET = 150_000  # bytes of HTML, CSS and JS for the national page, before images


def registry_areas() -> tuple[Area, ...]:
    """The country and every area the registry knows (the page uses the country and the 290 kommuner)."""
    return tuple(all_areas())


def write(kit: Kit, staging: Path, posts: Sequence[Post], images: Sequence[ImageFile]) -> None:
    """Write the page into ``staging`` from the posts and images the earlier stages made."""
    run_work([work(kit, staging, posts, images)], kit.jobs, kit.progress)


def work(kit: Kit, staging: Path, posts: Sequence[Post], images: Sequence[ImageFile]) -> Work:
    """The page's files as independent tasks (groups of areas, the listing, the kit) for ``run_work``."""

    def report(result: r.SiteResult) -> None:
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
        kommun_pages = sum(
            1 for p in result.pages if p.startswith("kommun/") and p.endswith("/index.html") and p != "kommun/index.html"
        )
        kit.notes.append(
            f"page: index.html ({result.national_bytes // 1024} KB with CSS and JS), {kommun_pages} municipality pages "
            "(each with its own printable kit), kit.html, kit.md"
        )

    return site_work(
        kit.campaign,
        posts,
        images,
        staging,
        registry_areas(),
        report,
        now=kit.now,
        keyed=kit.reuse is not None,
        qr_cache=kit.reuse.cache.parent / "qr" if kit.reuse is not None else None,
    )


def build_site(
    campaign: Campaign,
    posts: Sequence[Post],
    images: Sequence[ImageFile],
    out: Path,
    areas: Sequence[Area],
    *,
    progress: Callable[[str, int, int], None] | None = None,
    now: dt.datetime | None = None,
    jobs: int = 1,
) -> r.SiteResult:
    """Render every page of the site into ``out`` from the campaign, its posts and its images.

    ``now`` dates the printable kits (default: the build's time, SOURCE_DATE_EPOCH honoured);
    ``jobs`` worker processes share the areas' pages.
    """
    done: list[r.SiteResult] = []
    run_work([site_work(campaign, posts, images, out, areas, done.append, now=now)], jobs, progress)
    return done[0]


AREAS_PER_TASK = 10  # areas a task renders: small enough to share out evenly, large enough to cost little to hand out


def site_work(
    campaign: Campaign,
    posts: Sequence[Post],
    images: Sequence[ImageFile],
    out: Path,
    areas: Sequence[Area],
    then: Callable[[r.SiteResult], None],
    *,
    now: dt.datetime | None = None,
    keyed: bool = False,
    qr_cache: Path | None = None,
) -> Work:
    """What ``build_site`` does, as tasks: what all pages share is made here, once (the views, the static files,
    the compiled templates), and each task writes its own files; ``then`` gets the result.

    ``keyed``: each task gets a key (for ``Reuse``): what every page shares, and the task's own areas' views.
    ``qr_cache``: a folder that keeps each page address's QR code (drawing one costs more than its page).
    """
    index = ImageIndex(images)
    settings = page_settings(campaign)
    views = area_views(campaign, posts, index, areas, settings.platforms, settings.featured)
    t = campaign_strings(campaign)
    common = {
        "campaign": campaign,
        "t": t,
        "version": copy_static(out, campaign),
        "intro": settings.intro or t.intro,
        "csp": r.CSP,
        "og_image": r.og_image(campaign, index),
        "og_image_alt": r.og_image_alt(campaign, index),
        "question": settings.question or t.question,  # {kommun} filled in per page
        "kit_date": kit_date(now or build_time(), t.language, campaign.settings.timezone),
        "contact": settings.contact or campaign.settings.organisation,
    }
    env = r.environment()
    shared = r.shared_data(views)
    r.write_shared_data(out, shared)
    for name in TEMPLATES:
        env.get_template(name)  # compiled once, here: worker processes inherit them
    groups = [views[i : i + AREAS_PER_TASK] for i in range(0, len(views), AREAS_PER_TASK)]
    kommuner = [v.area for v in views if v.area.level == "kommun"]
    national = views[0] if views and views[0].area.level == "national" else None
    tasks: list[Callable[[], list[str]]] = [
        functools.partial(_write_areas, env, out, group, index, common, shared, qr_cache) for group in groups
    ]
    tasks.append(functools.partial(_write_listing, env, out, kommuner, common))
    tasks.append(functools.partial(_write_kit, env, out, common, national, qr_cache))

    def finish(results: list[list[str]]) -> None:
        pages = [page for result in results for page in result]
        size = (out / "index.html").stat().st_size
        size += sum((out / "static" / n).stat().st_size for n in (*STATIC_FILES, *GENERATED))
        then(r.SiteResult(tuple(pages), size))

    if not keyed:
        return Work(list(tasks), finish, "page", [len(g) for g in groups] + [0, 0])
    try:  # what every page is made from besides its own view (the templates are the program's)
        made: str | None = digest((common, shared, tuple(images)))
    except TypeError:
        made = None
    keys: list[Callable[[], str]] = [functools.partial(_key, made, "areas", g) for g in groups]
    keys += [functools.partial(_key, made, "listing", kommuner), functools.partial(_key, made, "kit", national)]

    return Work(list(tasks), finish, "page", [len(g) for g in groups] + [0, 0], keys=keys)


def _key(made: str | None, what: str, value: object) -> str:
    if made is None:
        raise TypeError("no content key for the pages")
    return digest((made, what, value))


TEMPLATES = ("area.html", "kit.html", "kommuner.html")


def _write_areas(
    env: Environment,
    out: Path,
    views: Sequence[AreaView],
    images: ImageIndex,
    common: dict[str, Any],
    shared: r.SharedData,
    qr_cache: Path | None = None,
) -> list[str]:
    """Each area's page and data file: index.html for the country, kommun/<slug>/index.html for each kommun."""
    pages = []
    for view in views:
        r.write_area_data(out, view, shared)
        path = "index.html" if view.area.level == "national" else f"kommun/{view.area.slug}/index.html"
        card = {
            "og_image": r.og_image(common["campaign"], images, view.area),
            "og_image_alt": r.og_image_alt(common["campaign"], images, view.area),
        }
        _write_area_page(env, out, path, view, {**common, **card})
        pages.append(path)
        if view.area.level == "kommun":
            pages.append(_write_area_kit(env, out, view, common, qr_cache))
    return pages


def _write_listing(env: Environment, out: Path, kommuner: list[Area], common: dict[str, Any]) -> list[str]:
    """The picker's list (data/kommuner.js) and the page listing every municipality by län."""
    r.write_kommun_list(out, kommuner)
    listing = env.get_template("kommuner.html").render(
        root="../", page_url=r.page_url(common["campaign"], "kommun/"), kommuner_by_lan=by_lan(kommuner), **common
    )
    _write(out / "kommun" / "index.html", listing)
    return ["kommun/index.html"]


def _write_kit(
    env: Environment, out: Path, common: dict[str, Any], view: AreaView | None, qr_cache: Path | None = None
) -> list[str]:
    """The national printable kit as kit.html and kit.md."""
    campaign = common["campaign"]
    messages = kit_messages(campaign)
    tip = tag_tip(campaign)
    _write(out / "kit.html", _kit_html(env, common, view, NATIONAL, messages, tip, "", qr_cache))
    _write(out / "kit.md", kit_markdown(campaign, common["t"], messages, tip))
    return ["kit.html", "kit.md"]


def _write_area_kit(env: Environment, out: Path, view: AreaView, common: dict[str, Any], qr_cache: Path | None = None) -> str:
    """kommun/<slug>/kit.html: the kit with the kommun's own texts, figures and politicians, its QR to its page."""
    path = f"kommun/{view.area.slug}/kit.html"
    messages = kit_messages(common["campaign"], view.area)
    _write(out / path, _kit_html(env, common, view, view.area, messages, tag_tip(common["campaign"]), "../../", qr_cache))
    return path


def _kit_html(
    env: Environment,
    common: dict[str, Any],
    view: AreaView | None,
    area: Area,
    messages: list[dict[str, Any]],
    tip: str,
    root: str,
    qr_cache: Path | None = None,
) -> str:
    campaign = common["campaign"]
    page_path = f"kommun/{area.slug}/" if area.level == "kommun" else ""
    page_link = r.page_url(campaign, page_path)
    return env.get_template("kit.html").render(
        root=root,
        page_url=r.page_url(campaign, page_path + "kit.html"),
        area=area,
        view=view,
        page_link=page_link,
        qr=_qr(page_link, qr_cache) if page_link else "",
        messages=messages,
        tag_tip=tip,
        kit_href="kit.html",
        question=common["question"].replace("{kommun}", area.name),
        **{k: v for k, v in common.items() if k != "question"},
    )


def _qr(url: str, cache: Path | None) -> Markup:
    """``qr_svg``, kept in ``cache`` by the address and segno's version: the same address gives the same code."""
    if cache is None:
        return qr_svg(url)
    import segno  # why here: only a printed kit draws a QR code

    path = cache / (hashlib.sha256(f"{segno.__version__}\0{url}".encode()).hexdigest() + ".svg")
    try:
        return Markup(path.read_text(encoding="utf-8"))  # segno's own markup, as qr_svg gives it
    except OSError:
        svg = qr_svg(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(str(svg), encoding="utf-8")
        os.replace(tmp, path)
        return svg


def by_lan(kommuner: Sequence[Area]) -> list[tuple[str, list[Area]]]:
    """Municipalities grouped by län, both in Swedish alphabetical order."""
    groups: dict[str, list[Area]] = {}
    for area in kommuner:
        groups.setdefault(area.lan_name, []).append(area)
    return [(lan, groups[lan]) for lan in sorted(groups, key=swedish_key)]


def _write_area_page(env: Environment, out: Path, path: str, view: AreaView, common: dict[str, Any]) -> None:
    root = "" if view.area.level == "national" else "../../"
    campaign = common["campaign"]
    config = r.page_config(campaign, view, root, common["version"], common["question"])
    page = {**common, "question": common["question"].replace("{kommun}", view.area.name)}
    if view.area.level == "kommun":
        page["kit_href"] = "kit.html"  # the kommun's own printable kit, beside its page
    html = env.get_template("area.html").render(
        root=root, view=view, config=config, page_url=r.page_url(campaign, path.removesuffix("index.html")), **page
    )
    _write(out / path, html)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
