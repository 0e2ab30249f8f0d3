"""Benchmark: compose every post of the default campaign and of a generated large one for the whole country.

    python bench/compose.py [--messages 40] [--rounds 3]

First the default campaign (messages/: what `campaign build` composes; its 28 392 posts in the
2.6 s that issue 16 measured are the issue's "about 11 000 posts per second"), each round with the
composer's memos emptied first. Then a generated campaign, harder (7 % of its posts are threads,
against 0.1 % of the default's): messages with variants and figures with values for every län and
a third of the kommuner, a chair and a vice chair with Bluesky and Mastodon handles in every
kommun; it composes national + 21 län + 290 kommuner × every message × every platform and prints
posts per CPU second: the first round cold, the later ones with what the composer memoised before,
then as many rounds again with those memos emptied first (what one build's composing costs, the
program and its data loaded). Target: at least 50 000 posts per CPU second (issue 16).

Each round frees the posts of the round before before its clock starts: a build composes once, and
freeing the million objects of another run's posts (about 5 % of a round) is no part of composing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaign.compose import compose_all  # noqa: E402
from campaign.compose.core import forget_counts  # noqa: E402
from campaign.loader import load  # noqa: E402
from campaign.registry import areas, kommuner  # noqa: E402

LONG = [
    "{{ figure.words | upper_first }} socialsekreterare {{ figure.where }} {{ figure.statement }}. Det är barn, unga och "
    "utsatta vuxna som får betala. {% if kommun %}Vad gör {{ kommun }} åt det?{% else %}Vi kräver resurser.{% endif %}",
    "I {{ area.name }} är läget allvarligt: {{ figure.percent }} {{ figure.statement }} {{ figure.note }}. Socialtjänsten "
    "behöver bemanning och budget som gör det möjligt att följa lagen, och det behövs nu.",
    "{{ figure.words | upper_first }} av de tillfrågade {{ figure.where }} {{ figure.statement }}. Ingen ska behöva vara "
    "rädd på jobbet 😷. Vi kräver en säkerhetskommission för socialtjänsten och minst två handläggare i varje LVU-ärende.",
]
SHORT = [
    "{{ figure.words | upper_first }} socialsekreterare {{ figure.statement }}.",
    "Socialtjänsten {{ figure.where }}: {{ figure.percent }} {{ figure.statement }}.",
]


def generate(root: Path, n_messages: int, rng: random.Random) -> None:
    shutil.copytree(ROOT / "messages", root / "messages")
    shutil.copytree(ROOT / "assets", root / "assets")
    m = root / "messages"
    (m / "plan.yaml").unlink(missing_ok=True)  # the default plan names the default messages, which are replaced here
    lan_codes = sorted({k.lan_code for k in kommuner()})
    some = [k.code for k in kommuner() if rng.random() < 0.33]
    figures = ["figures:"]
    for i in range(20):
        figures += [
            f"  - id: f{i}",
            "    kind: share",
            f"    value: {rng.randint(10, 90)}",
            f"    statement: anger skäl nummer {i} till att de är missnöjda med arbetet",
            "    source: Genererad undersökning",
            "    fieldwork: {start: 2025-09-01, end: 2025-09-30}",
            "    sample_size: 2000",
            "    link: rapport",
            "    example: true",
            "    regions:",
        ]
        figures += [f'      "{c}": {{value: {rng.randint(10, 90)}}}' for c in lan_codes]
        figures += ["    municipalities:"] + [f'      "{c}": {{value: {rng.randint(10, 90)}}}' for c in some]
    (m / "figures.yaml").write_text("\n".join(figures) + "\n", encoding="utf-8")
    messages = ["messages:"]
    for i in range(n_messages):
        long = i % 2 == 0
        pool = LONG if long else SHORT
        variants = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
        messages += [
            f"  - id: m{i}",
            f"    kind: {'long' if long else 'short'}",
            f"    figures: [f{i % 20}]",
            "    link: rapport",
            f"    hashtags: [extra{i % 5}]",
            "    variants:",
        ]
        messages += ["      - " + repr(v).replace("\\'", "''") for v in variants]
    (m / "messages.yaml").write_text("\n".join(messages) + "\n", encoding="utf-8")
    people = ["politicians:"]
    for k in kommuner():
        for title in ("ordförande", "vice ordförande"):
            pid = f"p{k.code}-{'chair' if title == 'ordförande' else 'vice'}"
            people += [
                f"  - id: {pid}",
                f"    name: Politiker {k.name} {title}",
                "    party: S",
                "    example: true",
                "    roles:",
                f'      - {{body: socialnämnden, title: {title}, kommun: "{k.code}", start: 2023-01-01, end: 2026-12-31}}',
                "    handles:",
                f"      bluesky: {{handle: {pid}.example.org, id: 'did:web:{pid}.example.org'}}",
                f"      mastodon: {pid}@mastodon.example",
                "    source: https://www.example.org/",
                "    verified: 2026-01-01",
            ]
    (m / "politicians.yaml").write_text("\n".join(people) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    everywhere = areas()
    default = load(ROOT).campaign
    compose_all(default, everywhere)  # (the program's first run: expressions compiled, data loaded)
    for round_ in range(1, args.rounds + 1):
        forget_counts()
        posts = []  # (the round before's posts freed before the clock starts: see the docstring)
        started, cpu = time.perf_counter(), time.process_time()
        posts = compose_all(default, everywhere)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        threads = sum(1 for p in posts if p.is_thread)
        print(
            f"default campaign, round {round_}, memos emptied first: {len(posts)} posts ({threads} threads) in {seconds:.2f} s wall, "
            f"{cpu:.2f} s CPU = {len(posts) / cpu:,.0f} posts per CPU second"
        )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "large"
        generate(root, args.messages, random.Random(2026))
        started = time.perf_counter()
        campaign = load(root).campaign
        print(f"loaded the generated campaign in {time.perf_counter() - started:.2f} s")
    for round_ in range(1, args.rounds + 1):
        posts = []  # (the round before's posts freed before the clock starts: see the docstring)
        started, cpu = time.perf_counter(), time.process_time()
        posts = compose_all(campaign, everywhere)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        parts = sum(len(p.parts) for p in posts)
        threads = sum(1 for p in posts if p.is_thread)
        print(
            f"round {round_}: {len(posts)} posts ({len(everywhere)} areas × {len(campaign.messages)} messages × 7 platforms; "
            f"{parts} parts, {threads} threads) in {seconds:.2f} s wall, {cpu:.2f} s CPU = {len(posts) / cpu:,.0f} posts per CPU second"
            + ("  (first round: caches cold)" if round_ == 1 else "")
        )
    # Rounds 2 and on reuse what the composer memoised in the rounds before (the bodies' and tails'
    # counts): a build composes once, so these rounds compose with those memos emptied first, the
    # program and the platforms' data loaded (forget_counts): what one build's composing costs.
    for round_ in range(1, args.rounds + 1):
        forget_counts()
        posts = []  # (the round before's posts freed before the clock starts: see the docstring)
        started, cpu = time.perf_counter(), time.process_time()
        posts = compose_all(campaign, everywhere)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"round {round_}, memos emptied first: {len(posts)} posts in {seconds:.2f} s wall, {cpu:.2f} s CPU = "
            f"{len(posts) / cpu:,.0f} posts per CPU second"
        )
    # The wall time depends on what else the machine runs; CPU time is the figure to compare.


if __name__ == "__main__":
    main()
