"""Where a problem found after loading stands in its file.

Later stages (composing, cards, the registry's dates) find problems in the
resolved campaign and name them by key path ("messages[3]"). This module
reads the campaign's files again for the positions, so that every problem
the build gives has its file, line and column, like the loader's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from campaign.errors import Problem
from campaign.model import Campaign
from campaign.yamlfile import Located, Path_, YamlFileError, read_yaml

_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")

# A message-level problem is about its text: point at the text (or variants) rather than at "- id:".
_PREFERRED = {"messages": ("text", "variants")}


def parse_path(text: str) -> Path_:
    """``figures[3].value`` → ``("figures", 3, "value")`` (the inverse of ``yamlfile.format_path``)."""
    return tuple(int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _PART.finditer(text))


_CACHE: dict[tuple[str, int, int], Located | None] = {}


def document(campaign: Campaign, file: str) -> Located | None:
    """The campaign file ``file`` (as named in ``campaign.sources``), read again; None if it is gone or broken.

    Kept while the file is unchanged (its size and modification time), so that many problems read it once.
    """
    path = campaign.root / file
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        try:
            _CACHE[key] = read_yaml(path, file)
        except (OSError, YamlFileError):  # broken since loading: positions are then a courtesy
            _CACHE[key] = None
    return _CACHE[key]


def section_document(campaign: Campaign, section: str) -> Located | None:
    """The file holding ``section``, read again."""
    file = campaign.sources.get(section)
    return document(campaign, file) if file else None


def at(campaign: Campaign, section: str, path: Path_, message: str, severity: str = "error") -> Problem:
    """A problem at ``path`` (which starts with ``section``) in the section's file."""
    doc = section_document(campaign, section)
    if doc is None:
        from campaign.yamlfile import format_path

        return Problem(campaign.sources.get(section, "messages/"), 0, 0, format_path(path), message, severity)
    return doc.at(_preferred(doc, path), message, severity=severity)


def place(campaign: Campaign, problems: Iterable[Problem]) -> list[Problem]:
    """The same problems, each without a line given the line and column of its key path."""
    files = set(campaign.sources.values())
    out = []
    for problem in problems:
        doc = document(campaign, problem.file) if not problem.line and problem.path and problem.file in files else None
        if doc is None:
            out.append(problem)
            continue
        path = parse_path(problem.path)
        found = doc.at(_preferred(doc, path), problem.message, severity=problem.severity)
        out.append(Problem(found.file, found.line, found.column, problem.path, problem.message, problem.severity))
    return out


def _preferred(doc: Located, path: Path_) -> Path_:
    if len(path) == 2 and isinstance(path[1], int):
        for key in _PREFERRED.get(str(path[0]), ()):
            if (*path, key) in doc.values:
                return (*path, key)
    return path


def value_at(doc: Located, path: Path_) -> Any:
    """The raw value at ``path`` in the document (None when there is none)."""
    node: Any = doc.data
    for part in path:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            continue
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def find_text(doc: Located, under: Path_, needle: str) -> Path_ | None:
    """The first text value under ``under`` (in file order) that contains ``needle``."""
    hits = [
        p for p in doc.values if p[: len(under)] == under and isinstance(value_at(doc, p), str) and needle in value_at(doc, p)
    ]
    return min(hits, key=lambda p: doc.values[p]) if hits else None
