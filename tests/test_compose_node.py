"""Differential test: the composer's X and Bluesky counters against the official JavaScript libraries.

npm ``twitter-text`` (v3, X's own counter) and ``@atproto/api``'s ``RichText``
(Bluesky's graphemes, bytes and facet detection) count thousands of generated
texts - Swedish, emoji sequences, URLs with and without a scheme, CJK,
hashtags, line endings - and the composer must agree on every one.

The npm packages are installed once into ``$CAMPAIGN_NODE_CACHE`` (default
``~/.cache/campaign-node``); the test skips with the reason when node, npm or
the network is missing. Run it alone with ``pytest tests/test_compose_node.py``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from campaign.compose.facets import facets
from campaign.compose.length import graphemes, normalise_x, utf8_bytes, x_length

pytestmark = pytest.mark.node

SCRIPT = Path(__file__).parent / "node" / "compose_counters.cjs"
PACKAGES = ("twitter-text@3", "@atproto/api@0")
N_TEXTS = 3000

PIECES = {
    "swedish": [
        "socialtjänst",
        "Åsa",
        "över",
        "välfärd",
        "LVU-ärende",
        "Ängelholm",
        "45\u00a0%",
        "3,5",
        "–",
        "—",
        "…",
        "«citat»",
        "”citat”",
        "e\u0301",
        "A\u030a",
        "ﬁ",
    ],
    "emoji": ["😷", "👍🏽", "👨‍👩‍👧‍👦", "🇸🇪", "🏳️‍🌈", "1️⃣", "#️⃣", "©", "®", "™", "❤️", "☺", "⌚", "🧑🏿‍🚀", "👁‍🗨", "🫶🏼"],
    "cjk": ["日本語", "中文", "한국어", "ｶﾀｶﾅ", "你好，世界", "ᄀ", "ㄱ"],
    "url": [
        "https://kampanj.example.org/rapport?utm_source=x&utm_medium=social",
        "http://a.se/ö",
        "example.com",
        "www.example.org/a",
        "https://sv.wikipedia.org/wiki/Socialtjänst",
        "kampanj.example.org/rapport/socialsekreterarna-2019",
        "https://a.se/x.",
        "(https://a.se/y)",
        "https://t.co/abc",
        "socialtjanst.se",
        "uppsala.se/politik",
    ],
    "tag": ["#socialtjänst", "#svpol", "#Socialchefsrapporten2022", "#123", "#tag.", "#välfärd!", "#a_b", "＃full", "#😷"],
    "mention": ["@anna_s", "@bo.bsky.social", "@asa@mastodon.example", "@"],
    "space": [" ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u00a0"],
}


def generate(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    kinds = list(PIECES)
    texts = []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(1, 30)):
            kind = rng.choice(kinds[:-1]) if rng.random() < 0.6 else "swedish"
            words.append(rng.choice(PIECES[kind]))
            words.append(rng.choice(PIECES["space"]))
        texts.append("".join(words).strip())
    return texts


def node_modules() -> Path:
    """A node_modules with the reference packages, installing them on first use."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are not installed")
    cache = Path(os.environ.get("CAMPAIGN_NODE_CACHE", Path.home() / ".cache" / "campaign-node"))
    modules = cache / "node_modules"
    if (modules / "twitter-text").is_dir() and (modules / "@atproto" / "api").is_dir():
        return modules
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / "package.json").exists():
        (cache / "package.json").write_text('{"name": "campaign-node-cache", "private": true}\n', encoding="utf-8")
    try:
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=cache, capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        pytest.skip("npm install timed out (no network?)")
    if done.returncode != 0:
        pytest.skip(f"npm install failed (no network?): {done.stderr.strip()[-300:]}")
    return modules


def reference(texts: list[str]) -> list[dict]:
    env = {**os.environ, "NODE_PATH": str(node_modules())}
    done = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(texts), capture_output=True, text=True, env=env, timeout=300, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[dict]]:
    texts = generate(2026, N_TEXTS)
    x_texts = [normalise_x(t) for t in texts]  # X normalises before counting; the JS library does NFC itself
    results = reference(texts + x_texts)
    for i, r in enumerate(results[N_TEXTS:]):
        results[i]["x"] = r["x"]
    return texts, results[:N_TEXTS]


def test_x_weighted_length_matches_twitter_text(corpus: tuple[list[str], list[dict]]) -> None:
    texts, expected = corpus
    wrong = [(t, x_length(t), e["x"]) for t, e in zip(texts, expected, strict=False) if x_length(t) != e["x"]]
    assert not wrong, f"{len(wrong)} of {len(texts)} differ, e.g. {wrong[:3]}"


def test_bluesky_graphemes_and_bytes_match_richtext(corpus: tuple[list[str], list[dict]]) -> None:
    texts, expected = corpus
    wrong = [(t, graphemes(t), e["graphemes"]) for t, e in zip(texts, expected, strict=False) if graphemes(t) != e["graphemes"]]
    assert not wrong, f"{len(wrong)} of {len(texts)} differ, e.g. {wrong[:3]}"
    assert [utf8_bytes(t) for t in texts] == [e["bytes"] for e in expected]


def test_bluesky_tag_facets_match_richtext(corpus: tuple[list[str], list[dict]]) -> None:
    texts, expected = corpus
    wrong = []
    for text, e in zip(texts, expected, strict=False):
        ours = [
            [f["index"]["byteStart"], f["index"]["byteEnd"], "tag", f["features"][0]["tag"]]
            for f in facets(text)
            if "tag" in f["features"][0]
        ]
        theirs = [f for f in e["facets"] if f[2] == "tag"]
        if ours != theirs:
            wrong.append((text, ours, theirs))
    assert not wrong, f"{len(wrong)} of {len(texts)} differ, e.g. {wrong[:3]}"


def test_composed_bluesky_posts_have_the_facets_bluesky_finds(tmp_path: Path) -> None:
    from campaign.compose import compose_all
    from campaign.loader import load
    from tests.conftest import REPO
    from tests.tagged import areas, tagged_copy

    campaign = load(tagged_copy(REPO, tmp_path / "kampanj")).campaign  # politicians with Bluesky handles and DIDs
    posts = compose_all(campaign, areas(), ["bluesky"])
    parts = [part for post in posts for part in post.parts]
    expected = reference([part.text for part in parts])
    for part, e in zip(parts, expected, strict=False):
        assert part.length == e["graphemes"] <= 300 and utf8_bytes(part.text) == e["bytes"]
        ours = [
            [
                f["index"]["byteStart"],
                f["index"]["byteEnd"],
                f["features"][0]["$type"].split("#")[1],
                f["features"][0].get("uri") or f["features"][0].get("tag"),
            ]
            for f in part.facets
            if "did" not in f["features"][0]
        ]
        assert ours == e["facets"], part.text
