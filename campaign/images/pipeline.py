"""Render cards into a folder with a manifest, through a content-hash cache.

An image's cache key hashes everything that decides its pixels: the size,
the layout shape, the card's words, the theme colours, the bytes of the fonts
and the logo, and the renderer's version (Pillow, FreeType, the shaper). The
cache lives in ``<campaign>/.cache/images/`` so that it survives the build's
folder swap; a rebuild with nothing changed draws nothing and links the cached
files into place. Misses are drawn on every core when there are enough.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from campaign import signed
from campaign.errors import CampaignError, CampaignInvalid, Problem
from campaign.images.cards import Card
from campaign.images.jpeg import jpeg_of, wants_jpeg
from campaign.images.layouts import merged_layouts
from campaign.images.render import Job, NoFit, check_fit, engine_version, render_card, render_png
from campaign.images.sizes import SIZES, Size
from campaign.images.theme import colours, font_paths
from campaign.kit import ImageFile
from campaign.model import Campaign

CACHE_DIR = Path(".cache") / "images"
INDEX = "index.pickle"  # signed (campaign.signed); see _Cache
PARALLEL_MIN = 24  # below this many misses a worker pool costs more than it saves
BATCH = 16

Progress = Callable[[str, int, int], None]


class ImageTooLarge(CampaignError):
    """An image is over its platform's byte limit."""


@dataclass(frozen=True)
class Rendered:
    """What drawing a set of cards gave: the images (as manifest rows) and how many were drawn, not cached."""

    images: tuple[ImageFile, ...]
    drawn: int

    @property
    def bytes(self) -> int:
        """All the images' bytes together."""
        return sum(i.bytes for i in self.images)


@dataclass(frozen=True)
class Planned:
    """One image to have: a card at a size, its job and cache key."""

    card: Card
    size: Size
    job: Job
    key: str

    @property
    def file(self) -> str:
        return f"{self.card.folder}/{self.card.name}-{self.size.name}.png"


@lru_cache(maxsize=64)
def _file_hash(path: str, mtime_ns: int, length: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_hash(path: str | Path | None) -> str:
    """sha256 of a file's bytes, cached while it is unchanged."""
    if not path:
        return ""
    st = os.stat(path)
    return _file_hash(str(path), st.st_mtime_ns, st.st_size)


def cache_key(job: Job, static: str | None = None) -> str:
    """The hash of everything that decides a job's pixels.

    ``static`` is the hash of the parts many jobs share (layout shape, theme,
    font and logo bytes, renderer), worked out once per shape by ``plan_images``.
    """
    if static is None:
        static = static_key(job.shape, job.colours, job.fonts, job.logo)
    words = json.dumps([job.width, job.height, job.values], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{static}\n{words}".encode()).hexdigest()


def static_key(shape: dict[str, Any], theme_colours: dict[str, str], fonts: dict[str, str], logo: str | None) -> str:
    """The hash of what a card's words do not change."""
    data = {
        "renderer": engine_version(),
        "shape": shape,
        "colours": theme_colours,
        "fonts": {k: file_hash(v) for k, v in fonts.items()},
        "logo": file_hash(logo),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def plan_images(campaign: Campaign, cards: Iterable[Card], sizes: Iterable[str] | None = None) -> list[Planned]:
    """Every (card, size) with its job and cache key."""
    theme = campaign.settings.theme
    layouts = merged_layouts(campaign.extra.get("layouts"))
    theme_colours = colours(theme)
    fonts = {k: str(v) for k, v in sorted(font_paths(theme).items())}
    logo = str(theme.logo) if theme.logo else None
    chosen = [SIZES[s] for s in (sizes or SIZES)]
    statics = {
        (kind, shape): static_key(layout, theme_colours, fonts, logo)
        for kind, shapes in layouts.items()
        for shape, layout in shapes.items()
    }
    planned = []
    for card in cards:
        for size in chosen:
            kind = card.layout_kind
            job = Job(size.width, size.height, layouts[kind][size.shape], card.values, theme_colours, fonts, logo)
            planned.append(Planned(card, size, job, cache_key(job, statics[kind, size.shape])))
    return planned


Stamp = tuple[int, int]  # a cache file's size and modification time, as its build wrote it


def _stamp(path: str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class _Cache:
    """Rendered PNGs (and their JPEGs) by key, with an index of each PNG's sha256 and length.

    The files are hard-linked into the kit as they are, and the cache sits in the campaign folder, which
    others may write to or hand on (a zip, a repository, a network drive). So the index is kept signed with
    this user's key (``campaign.signed``), and it holds each file's stamp (size and modification time) as
    this user's build wrote it: a file whose stamp differs (written over since), a file the index does not
    name, or an index not signed by this user (a cache that came with someone else's folder), is a miss,
    and the card is drawn again.
    """

    def __init__(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only campaign folder: draw everything, keep nothing
            folder = Path(tempfile.mkdtemp(prefix="campaign-images-"))
        self.folder = folder
        self.base = str(folder)
        kept = signed.read(folder / INDEX)
        self.index: dict[str, tuple[str, int, Stamp, Stamp | None]] = kept if isinstance(kept, dict) else {}
        self.dirty = False

    def path(self, key: str) -> Path:
        return Path(self.location(key))

    def location(self, key: str) -> str:
        return os.path.join(self.base, key[:2], key + ".png")

    def jpeg_location(self, key: str) -> str:
        """The JPEG made from the PNG of ``key`` (for Instagram's sizes)."""
        return os.path.join(self.base, key[:2], key + ".jpg")

    def get(self, key: str) -> tuple[str, int] | None:
        """The sha256 and length of the PNG of ``key``, when its file is the one this user's build wrote."""
        entry = self.index.get(key)
        if entry is None or _stamp(self.location(key)) != entry[2]:
            return None
        return entry[0], entry[1]

    def jpeg(self, key: str) -> bool:
        """Whether the JPEG of ``key`` is the one this user's build made."""
        entry = self.index.get(key)
        return entry is not None and entry[3] is not None and _stamp(self.jpeg_location(key)) == entry[3]

    def put(self, key: str, sha: str, length: int) -> None:
        """Note the PNG of ``key`` (and its JPEG, where there is one) as just written by this build."""
        png = _stamp(self.location(key))
        if png is None:
            self.index.pop(key, None)
        else:
            self.index[key] = (sha, length, png, _stamp(self.jpeg_location(key)))
        self.dirty = True

    def put_jpeg(self, key: str) -> None:
        entry = self.index.get(key)
        if entry is not None:
            self.index[key] = (*entry[:3], _stamp(self.jpeg_location(key)))
            self.dirty = True

    def prune(self, keep: set[str]) -> int:
        """Delete cached images no longer wanted; the number deleted."""
        gone = 0
        for folder in os.scandir(self.base):
            if not folder.is_dir():
                continue
            for item in os.scandir(folder.path):
                key = item.name.split(".", 1)[0]  # <key>.png and its <key>.jpg
                if key not in keep:
                    os.unlink(item.path)
                    self.index.pop(key, None)
                    self.dirty, gone = True, gone + 1
        return gone

    def save(self) -> None:
        if self.dirty:
            with contextlib.suppress(OSError):  # no index can be written: drawn again next time
                signed.save(self.folder / INDEX, self.index)
            (self.folder / "index.json").unlink(missing_ok=True)  # the unsigned index of earlier versions
            self.dirty = False


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _render_batch(batch: list[tuple[str, Job, str, str]]) -> list[tuple[str, str, Any]]:
    """Worker: draw each job into its cache file (and its JPEG, where one is wanted); (key, sha256, length) or (key, "nofit", details)."""
    results: list[Any] = []
    for key, job, path, jpeg in batch:
        try:
            data, jpeg_data = render_card(job) if jpeg else (render_png(job), None)
        except NoFit as exc:
            results.append((key, "nofit", (exc.element, exc.text, exc.box, exc.min_px)))
            continue
        _keep(path, data)
        if jpeg_data is not None:
            _keep(jpeg, jpeg_data)  # from the drawing: the PNG's own image, not decoded again
        results.append((key, hashlib.sha256(data).hexdigest(), len(data)))
    return results


def _keep(path: str, data: bytes) -> None:
    """Write a cache file, read-only: the build hard-links it, and an editor saving over build/images/… must not change the cache."""
    _atomic_write(Path(path), data)
    os.chmod(path, 0o444)


def _draw(misses: list[Planned], cache: _Cache, progress: Progress | None, done: int, total: int, workers: int) -> dict[str, Any]:
    """Draw the misses, in worker processes when there are enough; key → result."""
    unique = list({p.key: p for p in misses}.values())
    jobs = [
        (p.key, p.job, str(cache.path(p.key)), cache.jpeg_location(p.key) if wants_jpeg(p.size.platforms) else "") for p in unique
    ]
    batches = [jobs[i : i + BATCH] for i in range(0, len(jobs), BATCH)]
    results: dict[str, Any] = {}

    def collect(batch_results: list[Any]) -> None:
        nonlocal done
        for key, sha, extra in batch_results:
            results[key] = (sha, extra)
            if sha != "nofit":
                cache.put(key, sha, extra)
        done += len(batch_results)
        if progress:
            progress("images", done, total)

    if workers > 1 and len(unique) >= PARALLEL_MIN:
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for future in as_completed([pool.submit(_render_batch, b) for b in batches]):
                    collect(future.result())
        except (OSError, BrokenProcessPool):  # no worker processes here (a sandbox, no /dev/shm): draw in this one
            pass
    for batch in batches:
        if batch[0][0] not in results:
            collect(_render_batch(batch))
    return results


def _place(source: str, target: str, folders: set[str]) -> None:
    """Put a cached file at ``target``: a hard link when possible, else a copy."""
    folder = os.path.dirname(target)
    if folder not in folders:
        os.makedirs(folder, exist_ok=True)
        folders.add(folder)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def render_all(
    campaign: Campaign,
    cards: list[Card],
    out: Path,
    *,
    sizes: Iterable[str] | None = None,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    workers: int | None = None,
    prune: bool = False,
) -> Rendered:
    """Draw (or take from the cache) every card at every size into ``out``.

    Instagram-sized cards get their JPEG beside them (``ImageFile.jpeg``).
    Returns the images (sorted by file) and how many were drawn; raises
    CampaignInvalid naming each card and text that does not fit. With
    ``prune`` (a whole build), cached images this run did not use are deleted,
    so the cache holds one campaign's worth, not every past edit.
    """
    planned = plan_images(campaign, cards, sizes)
    cache = _Cache(cache_dir or campaign.root / CACHE_DIR)
    known = {p.key: cache.get(p.key) for p in planned}
    misses = [p for p in planned if known[p.key] is None]
    total = len(planned)
    if progress:
        progress("images", total - len(misses), total)
    drawn = _draw(misses, cache, progress, total - len(misses), total, workers or min(2, os.cpu_count() or 1)) if misses else {}
    if prune:
        cache.prune({p.key for p in planned})
    cache.save()
    failures = [(p, drawn[p.key][1]) for p in misses if drawn[p.key][0] == "nofit"]
    if failures:
        raise CampaignInvalid(_no_fit_problems(campaign, failures))
    entries: list[ImageFile] = []
    folders: set[str] = set()
    base = str(out)
    for p in planned:
        sha, length = known[p.key] or drawn[p.key]
        if length > p.size.max_bytes:
            raise ImageTooLarge(
                f"{p.file} is {length} bytes, over the limit of {p.size.max_bytes} bytes "
                f"for {', '.join(p.size.platforms)}; use a simpler logo"
            )
        _place(cache.location(p.key), os.path.join(base, p.file), folders)
        jpeg = None
        if wants_jpeg(p.size.platforms):  # Instagram's API takes JPEG only
            jpeg = p.file.removesuffix(".png") + ".jpg"
            made = cache.jpeg_location(p.key)
            if not cache.jpeg(p.key):  # none yet (or not this user's): made from the PNG, which is
                _keep(made, jpeg_of(Path(cache.location(p.key)).read_bytes()))
                cache.put_jpeg(p.key)
            _place(made, os.path.join(base, jpeg), folders)
        entries.append(entry(p, sha, length, jpeg))
    cache.save()
    return Rendered(tuple(sorted(entries, key=lambda e: e.file)), len({p.key for p in misses}))


def fit_problems(campaign: Campaign, cards: list[Card]) -> list[Problem]:
    """The errors drawing would give for texts that do not fit their boxes, found without drawing."""
    failures = []
    for p in {p.key: p for p in plan_images(campaign, cards)}.values():
        nofit = check_fit(p.job)
        if nofit is not None:
            failures.append((p, (nofit.element, nofit.text, nofit.box, nofit.min_px)))
    return _no_fit_problems(campaign, failures)


def entry(p: Planned, sha: str, length: int, jpeg: str | None = None) -> ImageFile:
    """One manifest row."""
    return ImageFile(
        file=p.file,
        card=p.card.kind,
        id=p.card.ident,
        area_level=p.card.area.level,
        area_code=p.card.area.code,
        area_name=p.card.area.name,
        size=p.size.name,
        platforms=p.size.platforms,
        width=p.size.width,
        height=p.size.height,
        bytes=length,
        alt=p.card.alt,
        sha256=sha,
        jpeg=jpeg,
    )


_SECTIONS = {"figure": "figures", "message": "messages", "demand": "demands"}


def _no_fit_problems(campaign: Campaign, failures: list[tuple[Planned, Any]]) -> list[Problem]:
    problems = []
    for p, (element, text, box, min_px) in failures:
        section = _SECTIONS[p.card.kind]
        ids = [x.id for x in getattr(campaign, section)]
        path = f"{section}[{ids.index(p.card.ident)}]" if p.card.ident in ids else section
        template = p.job.shape["elements"][element].get("text", "")
        where = "" if p.card.area.level == "national" else f" for {p.card.area.level} {p.card.area.code} {p.card.area.name}"
        problems.append(
            Problem(
                campaign.sources.get(section, "messages/"),
                0,
                0,
                path,
                f"card {p.card.name}{where}, size {p.size.name} ({p.size.width}×{p.size.height}): the text of layout element "
                f"{element} ({template}) does not fit its {box[0]}×{box[1]} px box even at the minimum size {min_px} px; "
                f"shorten it or lower min_size in the layout: {text if len(text) <= 160 else text[:159] + '…'!r}",
            )
        )
    return problems


def write_manifest(out: Path, images: Iterable[ImageFile]) -> None:
    """``manifest.json``: every image with its size, bytes, alt text and hash.

    One image per line, keys sorted: diffable, deterministic, and written by
    the C encoder (an indented dump of thousands of rows takes a third of a second).
    """
    rows = ",\n".join("    " + json.dumps(i.row(), ensure_ascii=False, sort_keys=True) for i in images)
    text = '{\n  "images": [\n' + rows + ("\n" if rows else "") + "  ]\n}\n"
    (out / "manifest.json").parent.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(text, encoding="utf-8")
