"""Text fitting: measure, wrap, shrink to a minimum size.

A pure function over an injected measure, so that it is tested without fonts:
``fit`` returns the largest whole pixel size at which the text, wrapped at its
ordinary spaces, fits the box, or None when even the minimum size does not.
No-break spaces (U+00A0, "45 %") never break a line, a spaced en dash
("höst – vinter") stays with the word before it, so no line starts with a dash,
and a one-letter word ("i", "å") stays with the word after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

EN_DASH = "\u2013"

# measure(text, size) -> width in pixels
Measure = Callable[[str, int], float]
Metrics = Callable[[int], tuple[float, float]]  # size -> (ascent, descent) of the ink, in pixels


@dataclass(frozen=True)
class Fitted:
    """Lines at one size, and the height the block takes."""

    size: int
    lines: tuple[str, ...]
    pitch: float  # distance between baselines
    ascent: float
    descent: float

    @property
    def height(self) -> float:
        return self.ascent + self.descent + self.pitch * (len(self.lines) - 1)


def words(text: str) -> list[list[str]]:
    """Paragraphs (hard line breaks) of breakable pieces; a spaced en dash joins the word before."""
    paragraphs = []
    for paragraph in text.split("\n"):
        pieces: list[str] = []
        for piece in paragraph.split(" "):
            if not piece:
                continue
            if pieces and (piece == EN_DASH or piece.startswith(EN_DASH + "\u00a0")):
                pieces[-1] += " " + piece  # keep "text –" together: a line never starts with a dash
            else:
                pieces.append(piece)
        paragraphs.append(_glue_short_words(pieces))
    return paragraphs


def _glue_short_words(pieces: list[str]) -> list[str]:
    """A one-letter word ("i", "å", "ö") goes with the word after it, never alone at a line's end."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        if len(piece) == 1 and piece.isalpha():
            carry += piece + " "
            continue
        out.append(carry + piece)
        carry = ""
    if carry:
        if out:
            out[-1] += " " + carry.rstrip()
        else:
            out.append(carry.rstrip())
    return out


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str] | None:
    """Greedy wrap into lines no wider than ``width``; None if one piece alone is wider."""
    lines: list[str] = []
    for pieces in words(text):
        line = ""
        for piece in pieces:
            candidate = f"{line} {piece}" if line else piece
            if measure(candidate) <= width:
                line = candidate
                continue
            if not line or measure(piece) > width:
                return None
            lines.append(line)
            line = piece
        if line:
            lines.append(line)
    return lines


def fit_at(
    text: str, size: int, box: tuple[float, float], measure: Measure, metrics: Metrics, line_height: float, max_lines: int | None
) -> Fitted | None:
    """The text wrapped at one size, or None if it does not fit the box (width, height)."""
    lines = wrap(text, box[0], lambda s: measure(s, size))
    if not lines or (max_lines is not None and len(lines) > max_lines):
        return None
    ascent, descent = metrics(size)
    fitted = Fitted(size, tuple(lines), size * line_height, ascent, descent)
    return fitted if fitted.height <= box[1] else None


def balance(fitted: Fitted, text: str, width: float, measure: Callable[[str], float]) -> Fitted:
    """The same number of lines at the narrowest width that keeps it, so lines end evenly.

    Greedy wrapping leaves a short last line (or a lone first word); narrowing
    the measure until one more line would be needed evens them out.
    """
    if len(fitted.lines) < 2:
        return fitted
    low, high = max(measure(p) for para in words(text) for p in para), width
    best = fitted.lines
    for _ in range(12):
        if high - low < 1:
            break
        mid = (low + high) / 2
        lines = wrap(text, mid, measure)
        if lines is not None and len(lines) == len(fitted.lines):
            best, high = tuple(lines), mid
        else:
            low = mid
    paragraphs = words(text)
    if len(paragraphs) == 1:
        best = even_breaks(paragraphs[0], len(best), max(measure(line) for line in best), measure) or best
    return Fitted(fitted.size, best, fitted.pitch, fitted.ascent, fitted.descent)


def even_breaks(pieces: list[str], count: int, width: float, measure: Callable[[str], float]) -> tuple[str, ...] | None:
    """``count`` lines no wider than ``width`` whose ends are as even as possible.

    Dynamic programming over break points (a small Knuth–Plass): the cost is
    the squared slack of every line but the last, which only pays when it is
    under a third of the width (a lone word left hanging).
    """
    n = len(pieces)
    if count > n or count < 2 or n > 80:
        return None
    line_width = {(i, j): measure(" ".join(pieces[i:j])) for i in range(n) for j in range(i + 1, n + 1)}
    inf = float("inf")
    # cost[m][j]: the best cost of setting pieces[:j] in m lines; back[m][j]: where the m-th line starts
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for m in range(1, count + 1):
        for j in range(m, n + 1):
            for i in range(m - 1, j):
                w = line_width[i, j]
                if w > width or cost[m - 1][i] == inf:
                    continue
                slack = width - w
                last = m == count and j == n
                penalty = (max(0.0, width / 3 - w) ** 2) if last else slack * slack
                if cost[m - 1][i] + penalty < cost[m][j]:
                    cost[m][j], back[m][j] = cost[m - 1][i] + penalty, i
    if cost[count][n] == inf:
        return None
    lines, j = [], n
    for m in range(count, 0, -1):
        i = back[m][j]
        lines.append(" ".join(pieces[i:j]))
        j = i
    return tuple(reversed(lines))


def fit(
    text: str,
    box: tuple[float, float],
    measure: Measure,
    metrics: Metrics,
    *,
    size: int,
    min_size: int,
    line_height: float = 1.2,
    max_lines: int | None = None,
    balanced: bool = True,
) -> Fitted | None:
    """The largest size from ``size`` down to ``min_size`` at which ``text`` fits ``box``.

    Binary search over whole pixel sizes: fitting is monotonic in practice
    (smaller type never needs more room), and the result is always checked.
    """
    min_size = min(min_size, size)
    best = fit_at(text, min_size, box, measure, metrics, line_height, max_lines)
    if best is None:
        return None
    low, high = min_size + 1, size
    while low <= high:
        mid = (low + high) // 2
        trial = fit_at(text, mid, box, measure, metrics, line_height, max_lines)
        if trial is None:
            high = mid - 1
        else:
            best, low = trial, mid + 1
    return balance(best, text, box[0], lambda s: measure(s, best.size)) if balanced else best
