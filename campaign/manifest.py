"""The build manifest: nothing changed, nothing done.

A kit is made from the campaign's files (its YAML files, its assets, the theme's
logo and fonts), this program's own files and the libraries that draw and count,
and the build's date in the campaign's time zone (the politicians' roles on
that day). ``build`` records the sha256 of all of them, the key, together with
what it said (notes and warnings) and what it wrote (each file's size and
modification time), in ``<campaign>/.cache/build/``. The next build first
works out the key again, before loading or validating anything: when it is the
same and the kit on disk is as it was left, the kit is kept as it is (it would
be rebuilt byte for byte the same) and the recorded notes and warnings are said
again. Any change to an input, a file of the kit touched by hand, another
program version or another day builds the kit again, but only what the change
touches: the record also keeps each output's key (a hash of everything that
makes it: a message's posts, the posts files, a group of areas' pages and
data) with the files it wrote, and an output whose key is unchanged, and whose
files are as that build left them, is hard-linked from the previous kit into
the new one (``campaign.kit.Reuse``). Messages' posts are kept in
``.cache/build/posts/``, QR codes in ``.cache/build/qr/``, the views' columns in ``.cache/build/site/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import zoneinfo
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from campaign import installed
from campaign.errors import Problem

if TYPE_CHECKING:
    from campaign.kit import Reuse

VERSION = 2
FOLDER = Path(".cache") / "build"
LIBRARIES = ("pillow", "jinja2", "pyyaml", "regex", "twitter-text-parser", "markupsafe", "segno")
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Kept:
    """What a kept build said the last time it ran."""

    notes: list[str]
    warnings: list[Problem]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def program() -> str:
    """This package's files (code, templates, registry data) by size and time, and the libraries' versions."""
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            st = os.stat(os.path.join(folder, name))
            h.update(f"{os.path.relpath(os.path.join(folder, name), PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for dist in LIBRARIES:
        h.update(f"{dist}={installed.version(dist) or '-'}\n".encode())
    return h.hexdigest()


def input_files(root: Path, extra: tuple[Path, ...] = ()) -> list[Path]:
    """The files a build reads from the campaign folder: messages/*.yaml, everything in assets/, the theme's files."""
    from campaign.files import campaign_files  # why here: the files a campaign is, as the loader reads them; only a key needs it

    found = set(campaign_files(root))
    assets = root / "assets"
    if assets.is_dir():
        found.update(p for p in assets.rglob("*") if p.is_file())
    found.update(p for p in extra if p.is_file())
    return sorted(found)


def snapshot(root: Path, extra: tuple[Path, ...] = ()) -> dict[str, str]:
    """Each input file (relative to the campaign folder) → the sha256 of its bytes, read now."""
    root = root.resolve()
    return {(p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p)): _sha(p) for p in input_files(root, extra)}


def key(files: dict[str, str], day: str) -> str:
    """The hash of everything that makes the kit: the input files, the program, the day."""
    h = hashlib.sha256(f"manifest {VERSION}\nday {day}\nprogram {program()}\n".encode())
    for rel, digest in sorted(files.items()):
        h.update(f"{rel}\0{digest}\n".encode())
    return h.hexdigest()


def _record_path(root: Path, out: Path) -> Path:
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return root / FOLDER / f"{name}.json"


def _written(out: Path) -> dict[str, list[int]]:
    """Each file of the kit: [size, modification time in ns]."""
    found = {}
    for folder, _dirs, files in os.walk(out):
        for name in files:
            path = os.path.join(folder, name)
            st = os.stat(path)
            found[os.path.relpath(path, out).replace(os.sep, "/")] = [st.st_size, st.st_mtime_ns]
    return found


def _day(now: dt.datetime, timezone: str) -> str:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(timezone)).date().isoformat()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.date().isoformat()


def unchanged(root: Path, out: Path, now: dt.datetime) -> Kept | None:
    """The last build's notes and warnings when nothing that makes the kit changed and the kit is intact, else None."""
    root = root.resolve()
    try:
        record = json.loads(_record_path(root, out).read_text(encoding="utf-8"))
        if record.get("version") != VERSION or not out.is_dir():
            return None
        files = snapshot(root, tuple(root / p for p in record["extra"]))
        if key(files, _day(now, record["timezone"])) != record["key"] or _written(out) != record["written"]:
            return None
        return Kept(list(record["notes"]), [Problem(**w) for w in record["warnings"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, an unreadable one, or a campaign folder that is gone: build


def reuse(root: Path, out: Path) -> Reuse:
    """The last build's outputs of the kit in ``out`` (none when there is no readable record), for ``Reuse``."""
    from campaign.kit import Reuse  # why here: the no-change check imports this module, and needs no model

    root = root.resolve()
    outputs: dict[str, object] = {}
    written: dict[str, list[int]] = {}
    try:
        data = json.loads(_record_path(root, out).read_text(encoding="utf-8"))
        if data.get("version") == VERSION and isinstance(data.get("outputs"), dict):
            outputs, written = data["outputs"], data["written"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no record or an unreadable one: everything is made
    return Reuse(out.resolve(), program(), outputs, written, root / FOLDER / "posts")


def record(
    root: Path,
    out: Path,
    before: dict[str, str],
    *,
    now: dt.datetime,
    timezone: str,
    theme_files: tuple[Path | None, ...],
    notes: list[str],
    warnings: list[Problem],
    outputs: dict[str, object] | None = None,
) -> None:
    """Write down what made the kit in ``out`` and what the build said, for the next build's check.

    ``before`` is the ``snapshot`` taken before loading: a file edited while
    the build ran then makes the next build build again.
    """
    root = root.resolve()
    extra = tuple(p.resolve() for p in theme_files if p is not None and p.resolve().is_relative_to(root))
    theme = {p.relative_to(root).as_posix(): p for p in extra}
    files = {**{rel: _sha(p) for rel, p in theme.items() if rel not in before}, **before}  # the rest as they were read
    data = {
        "version": VERSION,
        "key": key(files, _day(now, timezone)),
        "timezone": timezone,
        "extra": sorted(p.relative_to(root).as_posix() for p in extra),
        "notes": notes,
        "warnings": [asdict(w) for w in warnings],
        "written": _written(out),
        "outputs": outputs or {},
    }
    path = _record_path(root, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def forget(root: Path, out: Path) -> None:
    """Drop the record, so that the next build builds (called before a build replaces the kit)."""
    _record_path(root.resolve(), out).unlink(missing_ok=True)
