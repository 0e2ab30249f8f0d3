"""QR codes as segno draws them, with segno's choice of data mask found faster.

ISO 18004 asks for the data mask with the lowest penalty; segno 1.6 scores the
eight masks module by module in Python, most of a code's cost. Here the code is
encoded once (mask 0), the unmasked modules recovered, and each mask's matrix
scored exactly as ``segno.encoder.mask_scores`` does, with whole-matrix integer
and bytes operations (rows and columns as bytes, one module a byte, joined by a
separator byte). The chosen mask's matrix then gets segno's own format and
version information, so the code, and every drawing of it, is segno's.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import segno
from segno import encoder

_SEP = 0xFF  # between rows in a joined matrix: no module has this value
_FINDER_LIKE = bytes((1, 0, 1, 1, 1, 0, 1))  # N3's 1:1:3:1:1


class _Layout(NamedTuple):
    """A symbol size's fixed parts, as integers over joined rows (one module a byte)."""

    data: int  # 0xFF where a data module (or a separator) is
    fixed: int  # the function patterns as segno scores them: format and version areas, dark module still light
    row_masks: tuple[int, ...]  # per mask, the data modules it flips, over joined rows
    col_masks: tuple[int, ...]  # the same over joined columns


@functools.lru_cache(maxsize=64)
def _layout(size: int) -> _Layout:
    """The parts of a ``size`` x ``size`` symbol that do not depend on its content (segno's own functions)."""
    template = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(template, size, size)
    encoder.add_alignment_patterns(template, size, size)
    template[-8][8] = 0x0  # reserved; segno's is_encoding_region holds it out of the data as the dark module
    data = [[template[i][j] > 1 for j in range(size)] for i in range(size)]
    selector = _join([bytes(_SEP if d else 0 for d in row) for row in data])
    fixed = _join(
        [bytes(0 if d else v for d, v in zip(row, values, strict=True)) for row, values in zip(data, template, strict=True)], 0
    )
    row_masks, col_masks = [], []
    for pattern in encoder.get_data_mask_functions(False):
        flips = [bytes(int(data[i][j] and bool(pattern(i, j))) for j in range(size)) for i in range(size)]
        row_masks.append(_as_int(_join(flips, 0)))  # a separator stays a separator
        col_masks.append(_as_int(_join(_columns(flips), 0)))
    return _Layout(_as_int(selector), _as_int(fixed), tuple(row_masks), tuple(col_masks))


def _join(rows: list[bytes], sep: int = _SEP) -> bytes:
    return bytes((sep,)).join(rows)


def _columns(rows: list[bytes]) -> list[bytes]:
    return [bytes(col) for col in zip(*rows, strict=True)]


def _as_int(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _n1(joined: int, length: int) -> int:
    """Each run of five or more equal modules scores its length less two: three per window of five equal modules,
    less two per two windows in a row (a run of L has L - 4 windows, L - 5 pairs)."""
    left = joined ^ (joined >> 8)  # a zero byte: the module equals the one to its left
    window = left | (left >> 8) | (left >> 16) | (left >> 24)  # a zero byte: it ends five equal modules
    pairs = window | (window >> 8)
    # The first bytes compare with the zeros shifted in; no window ends there.
    return 3 * window.to_bytes(length, "big")[4:].count(0) - 2 * pairs.to_bytes(length, "big")[5:].count(0)


def _n2(rows: int, size: int, length: int) -> int:
    """Three points per 2x2 block of one value (segno counts every overlapping block)."""
    line = 8 * (size + 1)
    left = rows ^ (rows >> 8)  # a zero byte: the module equals the one to its left
    block = left | (left >> line) | (rows ^ (rows >> line))
    return 3 * block.to_bytes(length, "big")[size + 1 :].count(0)


def _n3(joined: bytes, size: int) -> int:
    """segno's n3_pattern_occurrences over every row (or column) of ``joined``, its skips included."""
    score = 0
    width = size + 1
    p = joined.find(_FINDER_LIKE)
    while p != -1:
        start = p - p % width
        idx = p - start
        end = p + 7
        if (
            idx in (0, size - 7)
            or not joined[max(p - 4, start) : p].strip(b"\x00")
            or not joined[end : min(end + 4, start + size)].strip(b"\x00")
        ):
            score += 40
        else:
            end = p + 4
        p = joined.find(_FINDER_LIKE, end)
    return score


def _n4(rows: bytes, size: int) -> int:
    dark = rows.count(1) + 2 * rows.count(2) + 3 * rows.count(3)  # segno adds up the values
    percent = float(dark) / (size**2)
    return 10 * int(abs(percent * 100 - 50) / 5)


def _penalty(rows: int, cols: int, size: int, length: int) -> int:
    """segno's evaluate_mask of a matrix given as joined rows and joined columns."""
    row_bytes = rows.to_bytes(length, "big")
    col_bytes = cols.to_bytes(length, "big")
    n1 = _n1(rows, length) + _n1(cols, length)
    n3 = _n3(row_bytes, size) + _n3(col_bytes, size)
    return n1 + _n2(rows, size, length) + n3 + _n4(row_bytes, size)


def _unmasked(matrix: Any, mask: int, size: int) -> list[bytes]:
    """The rows segno scores: data modules with ``mask`` taken off, function patterns as before format info."""
    layout = _layout(size)
    masked = _as_int(_join([bytes(row) for row in matrix])) ^ layout.row_masks[mask]
    joined = ((masked & layout.data) | layout.fixed).to_bytes(size * (size + 1) - 1, "big")
    return [joined[i * (size + 1) : i * (size + 1) + size] for i in range(size)]


def best_mask(rows: list[bytes]) -> int:
    """The data mask segno chooses for the unmasked ``rows``: the lowest penalty, the lowest number on a tie."""
    size = len(rows)
    layout = _layout(size)
    length = size * (size + 1) - 1
    joined_rows = _as_int(_join(rows))
    joined_cols = _as_int(_join(_columns(rows)))
    scores = [
        _penalty(joined_rows ^ rm, joined_cols ^ cm, size, length)
        for rm, cm in zip(layout.row_masks, layout.col_masks, strict=True)
    ]
    return scores.index(min(scores))


def make(content: str, error: str = "m") -> segno.QRCode:
    """``segno.make(content, error=error)``, the same code, its mask chosen without segno's slow scoring."""
    first = encoder.encode(content, error, None, None, 0, None, False, None, True)
    size = len(first.matrix)
    if first.version < 1 or size != len(first.matrix[0]):
        return segno.make(content, error=error)  # a Micro QR code: segno's own way
    rows = _unmasked(first.matrix, 0, size)
    mask = best_mask(rows)
    length = size * (size + 1) - 1
    final = (_as_int(_join(rows)) ^ _layout(size).row_masks[mask]).to_bytes(length, "big")
    matrix = tuple(bytearray(final[i * (size + 1) : i * (size + 1) + size]) for i in range(size))
    encoder.add_format_info(matrix, first.version, first.error, mask)
    encoder.add_version_info(matrix, first.version)
    code = encoder.Code(matrix, first.version, first.error, mask, first.segments)
    return segno.QRCode(code)  # type: ignore[call-arg]  # segno.make does just this; its stub leaves __init__ out
