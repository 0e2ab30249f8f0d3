"""QR codes as segno draws them, made without segno's module-by-module loops.

segno 1.6 places a code's bits and scores the eight data masks (ISO 18004 asks
for the one with the lowest penalty) module by module in Python, most of a
code's cost. Here segno's own functions make the final message; its bits go
where segno's ``add_codewords`` would put them by an order worked out once per
version (``_placement``); each mask's matrix is scored exactly as
``segno.encoder.mask_scores`` does, with whole-matrix integer and bytes
operations (rows and columns as bytes, one module a byte, joined by a separator
byte); the chosen mask's matrix then gets segno's own format and version
information. The code is segno's, and so is the kit's SVG of it
(``svg_inline``, from each row's runs of dark modules).
"""

from __future__ import annotations

import functools
import re
from itertools import chain, zip_longest
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import segno
from segno import consts, encoder

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


@functools.lru_cache(maxsize=64)
def _placement(version: int) -> tuple[int, ...]:
    """Where segno's ``add_codewords`` puts each bit of a ``version`` symbol's final message: indices into its
    joined rows (``size + 1`` bytes a row), in the order it visits the modules still unset (0x2) after the
    function patterns, upwards and downwards in two-module columns from the right, the timing column skipped."""
    size = encoder.calc_matrix_size(version)
    template = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(template, size, size)
    encoder.add_alignment_patterns(template, size, size)
    order = []
    for pair in range(size - 1, 0, -2):
        right = pair - 1 if pair <= 6 else pair
        for vertical in range(size):
            for z in (0, 1):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (size - 1 - vertical) if upwards else vertical
                if template[i][j] == 0x2:
                    order.append(i * (size + 1) + j)
    return tuple(order)


def _message(content: str, error: str) -> tuple[Any, int, int, bytes] | None:
    """What ``segno.encoder.encode(content, error, mask=...)`` does before it places anything: the segments,
    the version, the (boosted) error level and the final message's bits; None for a Micro QR code."""
    level = encoder.normalize_errorlevel(error, accept_none=True)
    segments = encoder.prepare_data(content, None, None)
    version = encoder.find_version(segments, level, eci=False, micro=None)
    if version < 1:
        return None
    if level is None:
        level = consts.ERROR_LEVEL_L
    level = encoder.boost_error_level(version, level, segments, False)
    buff = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buff, segment, None, encoder.version_range(version), False)
    capacity = _CAPACITY[version][level]
    encoder.write_terminator(buff, capacity, None, len(buff))
    encoder.write_padding_bits(buff, version, len(buff))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    return segments, version, level, _final_message(version, level, buff)


_BITS = bytes.maketrans(b"01", b"\x00\x01")
_CAPACITY: Any = consts.SYMBOL_CAPACITY  # segno's tables (its stubs type them as object)
_ECC: Any = consts.ECC


def _final_message(version: int, level: int, buff: Any) -> bytes:
    """segno's ``make_final_message`` for a QR code (not Micro): the data and error codewords, interleaved
    block by block, as one byte per bit, and the version's remainder bits."""
    data_blocks, error_blocks = encoder.make_blocks(_ECC[version][level], buff)
    codewords = bytes(x for x in chain.from_iterable(zip_longest(*data_blocks)) if x is not None)
    codewords += bytes(x for x in chain.from_iterable(zip_longest(*error_blocks)) if x is not None)
    bits = format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b").encode().translate(_BITS)
    if 2 <= version <= 6:
        remainder = 7
    elif 14 <= version <= 20 or 28 <= version <= 34:
        remainder = 3
    elif 21 <= version <= 27:
        remainder = 4
    else:
        remainder = 0
    return bits + bytes(remainder)


def make(content: str, error: str = "m") -> segno.QRCode:
    """``segno.make(content, error=error)``, the same code, its bits placed and its mask chosen without segno's
    module-by-module loops (``_placement``, ``best_mask``)."""
    found = _message(content, error)
    if found is None:
        return segno.make(content, error=error)  # a Micro QR code: segno's own way
    segments, version, level, bits = found
    size = encoder.calc_matrix_size(version)
    layout = _layout(size)
    order = _placement(version)
    length = size * (size + 1) - 1
    placed = bytearray(length)
    for at, bit in zip(order, bits, strict=True):
        placed[at] = bit
    rows_int = (_as_int(bytes(placed)) & layout.data) | layout.fixed  # the data as placed, the function patterns around it
    rows_bytes = rows_int.to_bytes(length, "big")
    rows = [rows_bytes[i * (size + 1) : i * (size + 1) + size] for i in range(size)]
    mask = best_mask(rows)
    final = (rows_int ^ layout.row_masks[mask]).to_bytes(length, "big")
    matrix = tuple(bytearray(final[i * (size + 1) : i * (size + 1) + size]) for i in range(size))
    encoder.add_format_info(matrix, version, level, mask)
    encoder.add_version_info(matrix, version)
    code = encoder.Code(matrix, version, level, mask, segments)
    return segno.QRCode(code)  # type: ignore[call-arg]  # segno.make does just this; its stub leaves __init__ out


_DARK_RUN = re.compile(rb"[^\x00]+")


def svg_inline(code: segno.QRCode, *, scale: int, border: int, title: str) -> str:
    """``code.svg_inline(scale=scale, border=border, title=title)`` in segno's default colours, the same markup,
    its path found by runs of dark modules per row (a byte search) rather than module by module."""
    size = len(code.matrix)
    width = (size + 2 * border) * scale
    moves: list[str] = []
    prev_x, prev_y = 0, 0.0
    y = border + 0.5
    for row in code.matrix:
        for run in _DARK_RUN.finditer(row):
            x1 = border + run.start()
            dy = y - prev_y
            moves.append(f"{'m' if moves else 'M'}{x1 - prev_x} {int(dy) if int(dy) == dy else dy}h{run.end() - run.start()}")
            prev_x, prev_y = border + run.end(), y
        y += 1
    path = f'<path transform="scale({scale})" class="qrline" stroke="#000" d="{"".join(moves)}"/>'
    return f'<svg width="{width}" height="{width}" class="segno"><title>{escape(title)}</title>{path}</svg>'
