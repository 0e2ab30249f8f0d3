"""Benchmark: the site stage for the default campaign over all 290 municipalities.

Composes every post (national and 290 kommuner) once, then times the site stage
alone and prints the figures the page issue asks about: the national page's
weight with its CSS and JS (target under 150 KB), the largest municipality
page and data file, and the whole site's size.

    python bench/page.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaign.compose.core import compose_all  # noqa: E402
from campaign.loader import load  # noqa: E402
from campaign.model import NATIONAL  # noqa: E402
from campaign.registry import areas  # noqa: E402
from campaign.site.stage import build_site  # noqa: E402


def main() -> None:
    campaign = load(Path(__file__).resolve().parents[1]).campaign
    everywhere = [a for a in areas() if a.level in ("national", "kommun")]
    start = time.perf_counter()
    try:
        posts = compose_all(campaign, everywhere)
    except TypeError:  # before the registry and the composer agree on resolve_tags(): national posts for every kommun
        from dataclasses import replace

        national = compose_all(campaign, [NATIONAL])
        posts = national + [replace(p, area=a) for a in everywhere if a.level == "kommun" for p in national]
    composed = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        start = time.perf_counter()
        result = build_site(campaign, {"posts": posts}, out, everywhere)
        took = time.perf_counter() - start
        kommun_pages = sorted((p.stat().st_size, p) for p in (out / "kommun").glob("*/index.html"))
        data_files = sorted((p.stat().st_size, p) for p in (out / "data" / "areas").glob("*.js"))
        total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"posts composed:           {len(posts)} in {composed:.2f} s (not part of the page stage)")
    print(f"site stage:               {len(result.pages)} pages in {took:.2f} s")
    print(f"national page + CSS + JS: {result.national_bytes / 1024:.1f} KB (target < 150 KB)")
    print(f"largest kommun page:      {kommun_pages[-1][0] / 1024:.1f} KB ({kommun_pages[-1][1].parent.name})")
    print(f"largest area data file:   {data_files[-1][0] / 1024:.1f} KB ({data_files[-1][1].stem})")
    print(f"whole site:               {total / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
