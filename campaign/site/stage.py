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

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from campaign import installed, signed
from campaign.compose.core import Post
from campaign.compose.output import AREA, area_text
from campaign.compose.stage import message_keys, message_posts
from campaign.errors import Problem
from campaign.kit import ImageFile, Kit, Memo, Work, build_time, digest, run_work
from campaign.model import NATIONAL, Area, Campaign, Link, Message
from campaign.registry import areas as all_areas
from campaign.site import render as r
from campaign.site.assets import GENERATED, STATIC_FILES, copy_static
from campaign.site.kit import campaign_strings, kit_date, kit_markdown, kit_messages, kit_variants, qr_svg, tag_tip
from campaign.site.settings import page_settings
from campaign.site.view import (
    AreaKey,
    AreaView,
    CardView,
    Column,
    ImageIndex,
    kit_view,
    message_column,
    page_view,
    swedish_key,
    views_of,
)
from campaign.templating import context

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
        column_keys=message_keys(kit) if kit.reuse is not None else None,
        column_cache=kit.reuse.cache.parent / "site" if kit.reuse is not None else None,
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
    column_keys: dict[str, str] | None = None,
    column_cache: Path | None = None,
) -> Work:
    """What ``build_site`` does, as tasks: what all pages share is made here, once (the views, the static files,
    the compiled templates), and each task writes its own files; ``then`` gets the result.

    Each group of areas has two tasks, one per kind of file: their pages (area.html) and their printable kits
    (kit.html). With ``keyed``, both get a content key (for ``Reuse``) from
    exactly what their templates are handed: a page its area's ``page_view`` (so an edit to a message's text
    makes again the pages that show that text, not every page), a kit the whole campaign and its area's
    figures and politicians. The data files (``SharedData``) are one task, the first, keyed by the whole
    campaign and every message's column key (unkeyed when a column has none).
    ``qr_cache``: a folder that keeps each page address's QR code (drawing one costs more than its page), one
    file a task of kits (``QrCodes``).
    ``column_keys`` (each message's key, ``compose.stage.message_keys``) and ``column_cache``: a folder that
    keeps each message's column of the views (see ``columns``).
    """
    index = ImageIndex(images)
    settings = page_settings(campaign)
    if qr_cache is not None:
        for earlier in qr_cache.glob("*.qr"):  # a code a file, as earlier versions kept them: now one file a task
            earlier.unlink(missing_ok=True)
    made_columns = columns(campaign, posts, index, areas, settings.platforms, column_keys, column_cache)
    views = views_of(campaign, [c for c, _ in made_columns], areas, settings.featured)
    t = campaign_strings(campaign)
    common = {
        "settings": campaign.settings,
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
    # Compiled templates are code: kept in the user's own cache folder, beside the key that signs the caches,
    # never in the campaign's folder, which others may write to.
    env = r.environment(signed.key_path().parent / "templates" if keyed else None)
    for name in TEMPLATES:
        env.get_template(name)  # compiled once, here: worker processes inherit them
    pieces = Pieces(env, common, campaign)
    groups = [views[i : i + AREAS_PER_TASK] for i in range(0, len(views), AREAS_PER_TASK)]
    kommuner = [v.area for v in views if v.area.level == "kommun"]
    national = views[0] if views and views[0].area.level == "national" else None
    shells: dict[tuple[object, ...], CardView] = {}
    pages = [[_page(campaign, index, v, shells) for v in group] for group in groups]
    kits = [[kit_view(v) for v in group if v.area.level == "kommun"] for group in groups]
    kit_areas = ([NATIONAL] if national else []) + [v.area for v in views if v.area.level == "kommun"]
    rows = kit_rows(campaign, kit_areas, pieces, column_keys, column_cache.parent / "kit-rows" if column_cache else None)
    tip = tag_tip(campaign)
    # One memo for every key a process works out: what the groups share (the messages, their cards) is hashed
    # once there, not once a group. Everything it meets is held by the tasks, unchanged, until the stage ends.
    memo: Memo = {}
    book = _Kits(campaign, tip, qr_cache, pieces, rows, *_frames(campaign, common, tip, column_cache), memo)
    # The data files first: one task, the longest, in a worker while the others share out the pages and kits.
    tasks: list[Callable[[], list[str]]] = [functools.partial(_write_data, out, views, made_columns, areas)]
    tasks += [functools.partial(_write_pages, env, out, group, common, pieces) for group in pages]
    tasks += [functools.partial(_write_area_kits, env, out, group, common, book) for group in kits]
    tasks.append(functools.partial(_write_listing, env, out, kommuner, common))
    national_kit = kit_view(national) if national else None
    tasks.append(functools.partial(_write_kit, env, out, common, national_kit, book))
    weights = [0] + [len(g) for g in pages] + [0] * (len(kits) + 2)

    def finish(results: list[list[str]]) -> None:
        written = [page for result in results for page in result]
        size = (out / "index.html").stat().st_size
        size += sum((out / "static" / n).stat().st_size for n in (*STATIC_FILES, *GENERATED))
        then(r.SiteResult(tuple(written), size))

    if not keyed:
        return Work(list(tasks), finish, "page", weights)
    try:  # what every page and kit is made from besides its own area's part (the templates are the program's)
        made: str | None = digest(common)
        made_kits: str | None = digest((made, campaign, book.tip))
    except TypeError:
        made = made_kits = None
    # The data files are made from every message's column (each kept by its key, its cache file's name),
    # the whole campaign (the views' figures and featured card) and the areas: keyed by those.
    column_files = [path.name if path is not None else None for _, path in made_columns]
    data_key: Callable[[], str] = _unkeyed
    if None not in column_files:
        places = tuple((a.level, a.code, a.name) for a in areas)
        data_key = functools.partial(_key, made_kits, "data", (tuple(column_files), places), memo)
    keys: list[Callable[[], str]] = [data_key]
    keys += [functools.partial(_key, made, "pages", g, memo) for g in pages]
    keys += [functools.partial(_key, made_kits, "kits", g, memo) for g in kits]
    keys += [
        functools.partial(_key, made, "listing", kommuner, memo),
        functools.partial(_key, made_kits, "kit", national_kit, memo),
    ]
    return Work(list(tasks), finish, "page", weights, keys=keys)


def columns(
    campaign: Campaign,
    posts: Sequence[Post],
    images: ImageIndex,
    areas: Sequence[Area],
    platforms: Sequence[str],
    keys: dict[str, str] | None = None,
    cache: Path | None = None,
) -> list[tuple[Column, Path | None]]:
    """Each message's column of the views (``message_column``), in the campaign's order, and where its data
    (its part of the data files, which only their task needs and makes, ``_message_shared``) is kept.

    With ``keys`` and ``cache``, a column whose key (its message's, the page's platforms, the rows of its
    images) is unchanged is read from the cache, signed as the posts' are: its message's posts are then never
    read (``KitPosts`` leaves them pickled).
    """
    posts_of = message_posts(posts)
    made: list[tuple[Column, Path | None]] = []
    wanted: set[str] = set()
    for message in campaign.messages:
        path = None
        if keys is not None and cache is not None and message.id in keys:
            try:
                key = digest(("column", keys[message.id], tuple(platforms), images.rows_for(message)))
            except TypeError:
                key = ""
            if key:
                path = cache / f"{key}.pickle"
                wanted |= {path.name, _data_path(path).name}
                kept = signed.read(path)
                if isinstance(kept, Column):
                    made.append((kept, path))
                    continue
        column = message_column(message, posts_of(message.id), images, platforms)
        made.append((column, path))
        if path is not None:
            _data_path(path).unlink(missing_ok=True)  # the data of an earlier column under this key: made again
            with contextlib.suppress(OSError):  # no cache can be written: made again next time
                signed.save(path, column)
    if cache is not None and keys is not None:
        for old in cache.glob("*.pickle"):
            if old.name not in wanted:
                old.unlink(missing_ok=True)
    return made


def kit_rows(
    campaign: Campaign,
    areas: Sequence[Area],
    pieces: Pieces,
    keys: dict[str, str] | None = None,
    cache: Path | None = None,
) -> dict[str, dict[AreaKey, Markup]]:
    """Each message's row in the printable kit of each of ``areas`` (its phrasings rendered there, as
    ``Pieces.kit_row`` renders them), by message id and area key.

    With ``keys`` (each message's, ``compose.stage.message_keys``: the message, the rest of the campaign, the
    program) and ``cache``, a message's rows are kept by its key, signed as the columns are: an edit renders
    again only the edited message's rows, though every kit holds every message.
    """
    contexts: dict[AreaKey, dict[str, Any]] = {}  # an area's template context, made once for all its rows
    places = tuple((a.level, a.code, a.name) for a in areas)
    made: dict[str, dict[AreaKey, Markup]] = {}
    wanted: set[str] = set()
    for message in campaign.messages:
        path = None
        if keys is not None and cache is not None and message.id in keys:
            path = cache / f"{digest(('kit rows', keys[message.id], places))}.pickle"
            wanted.add(path.name)
            kept = signed.read(path)
            if isinstance(kept, dict):
                made[message.id] = kept
                continue
        link = campaign.link(message.link) if message.link else None
        rows: dict[AreaKey, Markup] = {}
        for area in areas:
            key = (area.level, area.code)
            base = contexts.get(key)
            if base is None:
                base = contexts[key] = context(campaign, area, (), None)
            root = "../../" if area.level == "kommun" else ""
            rows[key] = pieces.kit_row(root, area.name, message, kit_variants(message, base), link)
        made[message.id] = rows
        if path is not None:
            with contextlib.suppress(OSError):  # no cache can be written: made again next time
                signed.save(path, rows)
    if cache is not None and keys is not None and cache.is_dir():
        for old in cache.glob("*.pickle"):
            if old.name not in wanted:
                old.unlink(missing_ok=True)
    return made


def _data_path(column: Path) -> Path:
    return column.with_name(column.stem + ".data.pickle")


def _message_shared(column: Column, path: Path | None, names: dict[tuple[str, str], str]) -> r.MessageShared:
    """The column's part of the data files (``r.message_shared`` of its ``column_data``), kept beside the
    column's own cache file (``path``) while that is."""
    if path is not None:
        kept = signed.read(_data_path(path))
        if isinstance(kept, r.MessageShared):
            return kept
    shared = r.message_shared(r.column_data(column, names), names)
    if path is not None:
        with contextlib.suppress(OSError):
            signed.save(_data_path(path), shared)
    return shared


def _key(made: str | None, what: str, value: object, memo: Memo) -> str:
    if made is None:
        raise TypeError("no content key for the pages")
    return digest((made, what, value), memo)


TEMPLATES = ("area.html", "kit.html", "kommuner.html", "pieces.html")


class Pieces:
    """What many pages and kits hold alike (templates/pieces.html: a message's card as a page shows it, a row of
    a printable kit, the kit's closing sections), each rendered once per stage and process and pasted wherever it
    recurs: the 290 kommun pages show a handful of distinct cards of each message, their kits a handful of
    distinct rows.

    A piece is made only from what it is handed and from the build's own context (the strings, the campaign's
    links, hashtags and demands, the tip), never from an area's; it is kept by those and by the place of the
    page that holds it (``root``, ``kit_href``), whose links it writes.
    """

    def __init__(self, env: Environment, common: dict[str, Any], campaign: Campaign) -> None:
        self._template = env.get_template("pieces.html")
        self._context = {
            "t": common["t"],
            "settings": campaign.settings,
            "links": campaign.links,
            "hashtags": campaign.hashtags,
            "demands": campaign.demands,
            "tag_tip": tag_tip(campaign),
        }
        self._modules: dict[tuple[str, str | None], Any] = {}
        self._made: dict[tuple[object, ...], Markup] = {}

    def at(self, root: str, kit_href: str | None) -> Callable[..., Markup]:
        """``piece(name, *args)`` for a page at ``root`` whose printable kit is ``kit_href`` (None: root's kit.html):
        the macro ``name`` of pieces.html called with ``args``."""
        return functools.partial(self._piece, root, kit_href)

    def _piece(self, root: str, kit_href: str | None, name: str, *args: object) -> Markup:
        key = (root, kit_href, name, args)
        try:
            found = self._made.get(key)
        except TypeError:  # something unhashable handed over: made each time
            return self._macro(root, kit_href, name)(*args)
        if found is None:
            found = self._made[key] = self._macro(root, kit_href, name)(*args)
        return found

    def _macro(self, root: str, kit_href: str | None, name: str) -> Callable[..., Markup]:
        module = self._modules.get((root, kit_href))
        if module is None:
            context = {**self._context, "root": root}
            if kit_href is not None:
                context["kit_href"] = kit_href
            module = self._modules[(root, kit_href)] = self._template.make_module(context)
        return getattr(module, name)

    def kit_row(self, root: str, area_name: str, message: Message, variants: tuple[str, ...], link: Link | None) -> Markup:
        """A printable kit's row of ``message`` for the area called ``area_name``, its ``variants`` rendered there:
        rendered once for all the areas whose texts differ only by their name (written as {area} while it is
        rendered, as the data files write it), each area's name then put in. A row where that would not read
        back exactly (a text that holds "{area}" itself, a name inside a word) is rendered as it is."""
        shared = tuple(area_text(v, area_name) for v in variants)
        if None in shared:
            return self._piece(root, None, "kit_row", message, variants, link)
        html = str(self._piece(root, None, "kit_row", message, shared, link))
        if html.count(AREA) != sum(v.count(AREA) for v in shared if v is not None):  # "{area}" in its title or link
            return self._piece(root, None, "kit_row", message, variants, link)
        return Markup(html.replace(AREA, str(escape(area_name))))


@dataclass(frozen=True)
class _Page:
    """One area's page as its task is handed it: where it goes, its ``page_view``, its link card."""

    path: str
    view: AreaView
    og_image: str
    og_image_alt: str


def _page(campaign: Campaign, images: ImageIndex, view: AreaView, shells: dict[tuple[object, ...], CardView]) -> _Page:
    path = "index.html" if view.area.level == "national" else f"kommun/{view.area.slug}/index.html"
    return _Page(
        path, page_view(view, shells), r.og_image(campaign, images, view.area), r.og_image_alt(campaign, images, view.area)
    )


@dataclass(frozen=True)
class _Kits:
    """What every printable kit is made from besides its area: the campaign (every message, link, hashtag,
    demand), the tip on whom to tag, the folder of QR codes."""

    campaign: Campaign
    tip: str
    qr_cache: Path | None
    pieces: Pieces
    rows: dict[str, dict[AreaKey, Markup]]  # each message's row in each area's kit (``kit_rows``)
    frames: Path | None = None  # a folder that keeps each kommun kit's frame (``_framed_kits``), by ``frame_key``
    frame_key: str = ""  # what every kit's frame is made from besides its area (``_frames``)
    memo: Memo = dataclasses.field(default_factory=dict)  # the page stage's (``site_work``): a kit's view is hashed once


def _frames(campaign: Campaign, common: dict[str, Any], tip: str, cache: Path | None) -> tuple[Path | None, str]:
    """Where kit frames are kept (beside the columns' cache) and the key of what every frame is made from
    besides its area: exactly what kit.html is handed but the rows' text (the messages' kinds and order say
    where each row goes). No cache (None) without a columns' cache or when that cannot be keyed."""
    if cache is None:
        return None, ""
    try:
        made = digest(
            (
                "kit frame",
                common,
                campaign.settings,
                campaign.links,
                campaign.hashtags,
                campaign.demands,
                tip,
                [(m.id, m.kind) for m in campaign.messages],
            )
        )
    except TypeError:
        return None, ""
    return cache.parent / "kit-frames", made


def _write_pages(env: Environment, out: Path, pages: Sequence[_Page], common: dict[str, Any], pieces: Pieces) -> list[str]:
    """Each area's page: index.html for the country, kommun/<slug>/index.html for each kommun."""
    for page in pages:
        _write_area_page(env, out, page, {**common, "og_image": page.og_image, "og_image_alt": page.og_image_alt}, pieces)
    return [page.path for page in pages]


def _write_area_kits(env: Environment, out: Path, views: Sequence[AreaView], common: dict[str, Any], book: _Kits) -> list[str]:
    """kommun/<slug>/kit.html for each kommun: the kit with its own texts, figures and politicians, its QR to its page."""
    written = []
    codes = QrCodes(book.qr_cache, views[0].area.code if views else "none")
    for view, frame in zip(views, _framed_kits(env, common, views, book, codes), strict=True):
        path = f"kommun/{view.area.slug}/kit.html"
        rows = [book.rows[m.id][(view.area.level, view.area.code)] for m in book.campaign.messages]
        whole = _unframe(frame, rows) if frame else _kit_html(env, common, view, view.area, book, "../../", codes)
        _write(out / path, whole)
        written.append(path)
    codes.keep()
    return written


Frame = tuple[str | int, ...]  # a kit's text with, between its pieces, the index of the message whose row goes there


def _framed_kits(
    env: Environment, common: dict[str, Any], views: Sequence[AreaView], book: _Kits, codes: QrCodes
) -> list[Frame | None]:
    """Each kommun kit's frame (``_kit_frame``), kept in ``book.frames`` by the key of what it is made from
    (``book.frame_key``, the area's kit view): an edit to a message's text, which makes every kit again,
    renders no kit, only puts the rows in. The group's frames are one file, named by its first area."""
    if book.frames is None or not views:
        return [_kit_frame(env, common, v, book, codes) for v in views]
    try:
        keys = [digest((book.frame_key, v), book.memo) for v in views]
    except TypeError:
        return [_kit_frame(env, common, v, book, codes) for v in views]
    path = book.frames / f"{views[0].area.code}.pickle"
    kept = signed.read(path)
    kept = kept if isinstance(kept, dict) else {}
    frames = [kept[k] if k in kept else _kit_frame(env, common, v, book, codes) for k, v in zip(keys, views, strict=True)]
    if any(k not in kept for k in keys):
        with contextlib.suppress(OSError):  # no cache can be written: rendered again next time
            signed.save(path, {k: f for k, f in zip(keys, frames, strict=True) if f is not None})
    return frames


def _kit_frame(env: Environment, common: dict[str, Any], view: AreaView, book: _Kits, codes: QrCodes) -> Frame | None:
    """``view``'s kit rendered with a mark in each row's place, cut at the marks: (text, index, text, ...,
    text). The mark holds a number no text can: a fresh random one, made after every text was. None where
    the marks do not come back each once (a template that drops or repeats a row): that kit is rendered whole."""
    nonce = secrets.token_hex(16)
    marks = [Markup(f"\x00{nonce}:{i}\x00") for i in range(len(book.campaign.messages))]
    html = _kit_html(env, common, view, view.area, book, "../../", codes, marks)
    pieces = re.split(f"\x00{nonce}:(\\d+)\x00", html)
    found = [int(p) for p in pieces[1::2]]
    if len(set(found)) != len(found) or any(nonce in p for p in pieces[::2]):
        return None
    return tuple(int(p) if i % 2 else p for i, p in enumerate(pieces))


def _unframe(frame: Frame, rows: Sequence[str]) -> str:
    """A kit from its frame and its rows, by message index."""
    return "".join(p if isinstance(p, str) else rows[p] for p in frame)


def _write_data(
    out: Path, views: Sequence[AreaView], made: Sequence[tuple[Column, Path | None]], areas: Sequence[Area]
) -> list[str]:
    """data/shared.js (``SharedData``) and each area's data file (data/areas/<key>.js), from each message's
    part of them (``_message_shared``)."""
    names: dict[tuple[str, str], str] = {(a.level, a.code): a.name for a in (NATIONAL, *areas)}
    shared = r.SharedData(views, {column.message_id: _message_shared(column, path, names) for column, path in made})
    r.write_shared_data(out, shared)
    for view in views:
        r.write_area_data(out, view, shared)
    return []


def _unkeyed() -> str:
    raise TypeError("made every time")  # the data files of columns kept by no key


def _write_listing(env: Environment, out: Path, kommuner: list[Area], common: dict[str, Any]) -> list[str]:
    """The picker's list (data/kommuner.js) and the page listing every municipality by län."""
    r.write_kommun_list(out, kommuner)
    listing = env.get_template("kommuner.html").render(
        root="../", page_url=r.site_url(common["settings"].base_url, "kommun/"), kommuner_by_lan=by_lan(kommuner), **common
    )
    _write(out / "kommun" / "index.html", listing)
    return ["kommun/index.html"]


def _write_kit(env: Environment, out: Path, common: dict[str, Any], view: AreaView | None, book: _Kits) -> list[str]:
    """The national printable kit as kit.html and kit.md."""
    messages = kit_messages(book.campaign)
    codes = QrCodes(book.qr_cache, "national")
    _write(out / "kit.html", _kit_html(env, common, view, NATIONAL, book, "", codes))
    codes.keep()
    _write(out / "kit.md", kit_markdown(book.campaign, common["t"], messages, book.tip))
    return ["kit.html", "kit.md"]


def _kit_html(
    env: Environment,
    common: dict[str, Any],
    view: AreaView | None,
    area: Area,
    book: _Kits,
    root: str,
    codes: QrCodes,
    rows: Sequence[Markup] | None = None,
) -> str:
    """The printable kit of ``area`` (its QR code from ``codes``); ``rows``: what goes in each message's place
    (default: its row there)."""
    campaign = book.campaign
    key = (area.level, area.code)
    if rows is None:
        rows = [book.rows[m.id][key] for m in campaign.messages]
    page_path = f"kommun/{area.slug}/" if area.level == "kommun" else ""
    page_link = r.page_url(campaign, page_path)
    return env.get_template("kit.html").render(
        root=root,
        page_url=r.page_url(campaign, page_path + "kit.html"),
        area=area,
        view=view,
        page_link=page_link,
        qr=codes.svg(page_link) if page_link else "",
        rows=list(zip(campaign.messages, rows, strict=True)),
        links=campaign.links,
        hashtags=campaign.hashtags,
        demands=campaign.demands,
        tag_tip=book.tip,
        kit_href="kit.html",
        piece=book.pieces.at(root, "kit.html"),
        question=common["question"].replace("{kommun}", area.name),
        **{k: v for k, v in common.items() if k != "question"},
    )


class QrCodes:
    """The QR codes of one task's kits (``qr_svg``), kept in one file in ``folder`` by the address and segno's
    version: the same address gives the same code. Without a folder they are drawn and not kept.

    The markup goes into the kit as it is, so the file is kept signed with this user's key
    (``campaign.signed``): the cache sits in the campaign folder, which others may write to, and a file planted
    or changed there is a miss, its codes drawn again. One file a task, not one a code: making a file costs
    this disk more than drawing what it holds is worth keeping apart (290 files were about 0.3 s of a cold
    build's CPU). ``keep`` writes it again when a code was drawn, with what it held and the codes drawn.
    """

    def __init__(self, folder: Path | None, name: str) -> None:
        self._path = folder / f"{name}.pickle" if folder is not None else None
        kept = signed.read(self._path) if self._path is not None else None
        self._kept: dict[str, str] = kept if isinstance(kept, dict) else {}
        self._drawn: dict[str, str] = {}

    def svg(self, url: str) -> Markup:
        key = hashlib.sha256(f"{installed.version('segno')}\0{url}".encode()).hexdigest()
        found = self._kept.get(key)
        if not isinstance(found, str):
            found = self._drawn[key] = str(qr_svg(url))
        return Markup(found)  # segno's own markup, as qr_svg gave it to this user

    def keep(self) -> None:
        if self._path is not None and self._drawn:
            with contextlib.suppress(OSError):  # no cache can be written: drawn again next time
                signed.save(self._path, {**self._kept, **self._drawn})


def by_lan(kommuner: Sequence[Area]) -> list[tuple[str, list[Area]]]:
    """Municipalities grouped by län, both in Swedish alphabetical order."""
    groups: dict[str, list[Area]] = {}
    for area in kommuner:
        groups.setdefault(area.lan_name, []).append(area)
    return [(lan, groups[lan]) for lan in sorted(groups, key=swedish_key)]


def _write_area_page(env: Environment, out: Path, page: _Page, common: dict[str, Any], pieces: Pieces) -> None:
    view = page.view
    root = "" if view.area.level == "national" else "../../"
    settings = common["settings"]
    config = r.page_config(common["t"].language, settings.base_url, view, root, common["version"], common["question"])
    context = {**common, "question": common["question"].replace("{kommun}", view.area.name)}
    if view.area.level == "kommun":
        context["kit_href"] = "kit.html"  # the kommun's own printable kit, beside its page
    html = env.get_template("area.html").render(
        root=root,
        piece=pieces.at(root, context.get("kit_href")),
        view=view,
        config=config,
        page_url=r.site_url(settings.base_url, page.path.removesuffix("index.html")),
        **context,
    )
    _write(out / page.path, html)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
