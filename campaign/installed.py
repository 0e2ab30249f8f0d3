"""The versions of installed distributions, read off the names of their ``*.dist-info`` folders.

A build keys its record and caches by the versions of the libraries that shape its output.
``importlib.metadata`` answers that, at the cost of importing it (about 30 ms: email, zipfile, csv) in every
build, even one that keeps the kit as it is; the folder names on ``sys.path`` say the same (the installer
writes ``<name>-<version>.dist-info``, PEP 427), looked up in the order the import system looks, first found
first. A distribution installed in any other way (an egg, a zip) is asked of ``importlib.metadata``.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _dist_infos() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = sorted(p.name for p in Path(entry or ".").iterdir())
        except OSError:  # a zip, or a folder gone
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, _, version = name.removesuffix(".dist-info").partition("-")
                found.setdefault(_normal(dist), version)
    return found


def version(dist: str) -> str | None:
    """The installed version of the distribution ``dist`` (as ``importlib.metadata.version`` says it), or None
    when it is not installed."""
    found = _dist_infos().get(_normal(dist))
    if found is not None:
        return found
    from importlib import metadata  # why here: only a distribution without a dist-info folder needs it

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None
