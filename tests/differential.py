"""Differential checking against a reference: find the texts that disagree, and shrink the shortest.

``disagree(text, answer)`` gives lines such as ``"python 12 != 13"``; ``kind(line)`` names the check a
line is about, so a shrunk text keeps failing the same check, not just any.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Run = Callable[[list[str]], list[Any]]
Disagree = Callable[[str, Any], list[str]]


def shrink(text: str, run: Run, disagree: Disagree, kind: Callable[[str], str]) -> tuple[str, list[str]]:
    """The shortest text found, by deleting pieces, that still disagrees on the same checks."""
    kinds = {kind(w) for w in disagree(text, run([text])[0])}
    size = max(1, len(text) // 2)
    while size >= 1:
        candidates = [text[:i] + text[i + size :] for i in range(len(text) - size + 1)]
        answers = run(candidates) if candidates else []
        smaller = next((c for c, a in zip(candidates, answers, strict=True) if {kind(w) for w in disagree(c, a)} & kinds), None)
        if smaller is None:
            size //= 2
        else:
            text = smaller
            size = min(size, max(1, len(text) // 2))
    return text, disagree(text, run([text])[0])


def check(texts: list[str], run: Run, disagree: Disagree, kind: Callable[[str], str], reference: str) -> None:
    """Fail with how many of ``texts`` disagree with ``reference``, and the shortest text that still does."""
    answers = run(texts)
    wrong = [t for t, a in zip(texts, answers, strict=True) if disagree(t, a)]
    if wrong:
        shortest, why = shrink(min(wrong, key=len), run, disagree, kind)
        pytest.fail(
            f"{len(wrong)} of {len(texts)} texts disagree with {reference}; the shortest that still does: {shortest!r}: {why}"
        )
