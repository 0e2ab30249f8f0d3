"""Benchmark: one printed kit's QR code, segno's own mask search against campaign.site.qr.

Draws the code (and its inline SVG, as the kit does) for 300 addresses like the
kommun pages', with plain ``segno.make(url, error="m")``, with a fixed mask (the
floor: no mask search at all) and with ``campaign.site.qr.make`` (and its ``svg_inline``, as
the kit draws it); prints CPU
milliseconds per code and checks that every SVG is segno's, byte for byte.

    python bench/qr.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import segno  # noqa: E402

from campaign.site import qr  # noqa: E402

URLS = [f"https://example.se/kommun/{n:04d}/" for n in range(100, 400)]


def _svg(code: segno.QRCode, url: str) -> str:
    return code.svg_inline(scale=3, border=2, title=url)


def _ours(code: segno.QRCode, url: str) -> str:
    return qr.svg_inline(code, scale=3, border=2, title=url)


def _per_code(
    make: Callable[[str], segno.QRCode], draw: Callable[[segno.QRCode, str], str] = _svg
) -> tuple[float, float, list[str]]:
    """CPU ms per code without and with its SVG, and the SVGs."""
    start = time.process_time()
    codes = [make(url) for url in URLS]
    made = time.process_time() - start
    svgs = [draw(code, url) for code, url in zip(codes, URLS, strict=True)]
    drawn = time.process_time() - start
    return made * 1000 / len(URLS), drawn * 1000 / len(URLS), svgs


def main() -> None:
    qr.make(URLS[0])  # imports and the version's layout, as a build pays once
    rows = {
        "segno.make (8 masks scored by segno)": lambda url: segno.make(url, error="m"),
        "segno.make, fixed mask 2 (the floor)": lambda url: segno.make(url, error="m", mask=2),
        "campaign.site.qr.make": lambda url: qr.make(url, error="m"),
    }
    results = {name: _per_code(make) for name, make in rows.items()}
    results["campaign.site.qr.make and svg_inline"] = _per_code(rows["campaign.site.qr.make"], _ours)
    for name, (made, drawn, _) in results.items():
        print(f"{name:<38} {made:5.2f} ms CPU per code, {drawn:5.2f} ms with its SVG")
    reference = results["segno.make (8 masks scored by segno)"][2]
    same = reference == results["campaign.site.qr.make"][2] == results["campaign.site.qr.make and svg_inline"][2]
    masks = len({segno.make(url, error="m").mask for url in URLS})
    print(f"SVGs identical to segno's: {same} ({len(URLS)} addresses, {masks} distinct masks)")


if __name__ == "__main__":
    main()
