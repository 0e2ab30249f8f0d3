"""Benchmark: the page for the default campaign, national and all 290 municipalities.

Builds the whole kit once (posts, images, page), then times the site stage
alone on the same results and prints the figures the page issue asks about:
the national page's weight with its CSS and JS (target under 150 KB, before
images), the largest municipality page and data file, and the site's size.

    python bench/page.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaign.build import build  # noqa: E402
from campaign.site.stage import build_site, registry_areas  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        built = build(ROOT, Path(tmp) / "kit")
        whole = time.perf_counter() - start
        out = Path(tmp) / "site"
        start = time.perf_counter()
        result = build_site(built.kit.campaign, built.posts, built.images, out, registry_areas())
        took = time.perf_counter() - start
        pages = sorted((p.stat().st_size, p.parent.name) for p in (out / "kommun").glob("*/index.html"))
        data = sorted((p.stat().st_size, p.stem) for p in (out / "data" / "areas").glob("*.js"))
        total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"whole kit (posts, images, page): {whole:.2f} s")
    print(f"site stage alone:                {len(result.pages)} pages in {took:.2f} s")
    print(f"national page + CSS + JS:        {result.national_bytes / 1024:.1f} KB (target < 150 KB, before images)")
    print(
        f"municipality pages:              median {pages[len(pages) // 2][0] / 1024:.1f} KB, largest {pages[-1][0] / 1024:.1f} KB ({pages[-1][1]})"
    )
    print(
        f"area data files:                 median {data[len(data) // 2][0] / 1024:.1f} KB, largest {data[-1][0] / 1024:.1f} KB ({data[-1][1]})"
    )
    print(f"site without images:             {total / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
