"""Figures for the registry: lookups, tag resolution, coverage and CSV import at scale.

Run: python bench/registry.py   (prints figures; asserts nothing)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's package, as pytest's pythonpath does

from campaign.loader import load
from campaign.registry import PLATFORMS, AreaNotFound, coverage, find, kommuner, politicians, resolve_tags
from campaign.registry.csvio import export_csv, parse_csv
from campaign.registry.politicians import Handle, Politician, Role

ROOT = Path(__file__).resolve().parents[1]
ON = dt.date(2026, 2, 4)


def timed(label: str, fn, n: int = 1) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(n):
        fn()
    per = (time.perf_counter() - start) / n
    print(f"{label:<58} {per * 1000:9.3f} ms")
    return per


def synthetic(n_per_kommun: int = 2) -> list[Politician]:
    """Two politicians (chair, vice chair) in every kommun, with handles on most platforms."""
    people = []
    for a in kommuner():
        for i, title in enumerate(("ordförande", "vice ordförande")[:n_per_kommun]):
            pid = f"p{a.code}{i}"
            handles = {
                "x": Handle("x", f"x_{pid}"),
                "bluesky": Handle("bluesky", f"{pid}.example.org"),
                "mastodon": Handle("mastodon", f"{pid}@mastodon.example"),
            }
            role = Role("socialnämnden", title, a.code, dt.date(2023, 1, 1))
            people.append(Politician(pid, f"Person {pid}", "S", (role,), handles))
    return people


def main() -> None:
    names = [a.name for a in kommuner()]
    timed("find(): 290 names, lower case, no diacritics (all)", lambda: [find(n.lower().replace("ä", "a")) for n in names])
    timed("find(): one typo with suggestions ('Upsala')", lambda: _swallow("Upsala"), n=50)

    people = synthetic()
    text = export_csv(people)
    print(f"synthetic registry: {len(people)} politicians, CSV {len(text.encode()) / 1024:.0f} KiB")
    timed("export_csv() of 580 politicians", lambda: export_csv(people))
    timed("parse_csv() of 580 politicians (every row validated)", lambda: parse_csv(text.encode(), "bench.csv"))

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "messages", root / "messages")
        shutil.copytree(ROOT / "assets", root / "assets")
        from campaign.registry.csvio import dump_section

        (root / "messages" / "politicians.yaml").write_text(dump_section(people), encoding="utf-8")
        timed("load() of the default campaign with 580 politicians", lambda: load(root))
        campaign = load(root).campaign
        assert len(politicians(campaign)) == 580
        areas = kommuner()
        every = [(a, p) for a in areas for p in PLATFORMS]
        timed("resolve_tags(): 290 kommuner x 7 platforms", lambda: [resolve_tags(campaign, a, p, on=ON) for a, p in every])
        timed("coverage() of 290 kommuner", lambda: coverage(campaign, on=ON))


def _swallow(query: str) -> None:
    with contextlib.suppress(AreaNotFound):  # the error (with its suggestions) is what is measured
        find(query)


if __name__ == "__main__":
    main()
