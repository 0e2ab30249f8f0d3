"""Differential test: the Python counters and the page's own count.js against the reference libraries.

npm ``twitter-text`` 3.1 ``parseTweet`` (X's weighted length and validity) and
npm ``@atproto/api`` ``RichText`` after the Bluesky app's ``shortenLinks``
(graphemes, bytes, posted text, link and tag facets) answer for over 10 000
generated texts (keycaps, emoji sequences, text-presentation selectors, URLs
with and without a scheme, IDN and Swedish domains, 63-character labels,
dots/dashes/underscores/slashes after domains, other schemes, right-to-left
letters run into domains, "\\r\\n", invalid characters) and for every
sequence of Unicode's emoji-test data (npm ``emoji-test-regex-pattern``'s
``index-strings.txt``, alone and between words). The Python counter
(campaign.compose.length, .xtext, .facets) and count.js, as the build writes
it, must give the same answer for every one. A failure prints the shortest
text that still disagrees.

npm packages go into ``$CAMPAIGN_NODE_CACHE`` (default ``~/.cache/campaign-node``);
the test skips with the reason when node, npm or the registry is missing.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from campaign.compose.facets import facets, short_text
from campaign.compose.length import count, graphemes, utf8_bytes, x_length
from campaign.site.assets import count_script
from tests import differential
from tests.npm import node_modules

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).parent / "node" / "counters.cjs"
PACKAGES = ("twitter-text@3.1.0", "@atproto/api@0.19.19", "emoji-test-regex-pattern@2.6.0")
N_TEXTS = 10_000

LABEL63 = "a" * 63
PIECES = {
    "swedish": [
        "socialtjänst",
        "Åsa",
        "över",
        "LVU-ärende",
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
    "emoji": [
        "😷",
        "👍🏽",
        "👨‍👩‍👧‍👦",
        "🇸🇪",
        "🏳️‍🌈",
        "🏳️‍⚧️",
        "1️⃣",
        "1⃣",
        "#️⃣",
        "*️⃣",
        "©",
        "®",
        "©️",
        "™",
        "❤️",
        "❤",
        "❤︎",
        "☺",
        "⌚",
        "🧑‍⚕️",
        "❤️‍🔥",
        "👩‍🦽",
        "🧏‍♀️",
        "🐕‍🦺",
        "🧑‍🤝‍🧑",
        "👁️‍🗨️",
        "👁‍🗨",
        "♾️",
        "♾",
        "🫶🏼",
        "🧑🏿‍🚀",
        "\u2640\ufe0e",
        "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    ],
    "cjk": ["日本語", "中文", "한국어", "ｶﾀｶﾅ", "你好，世界", "ᄀ", "ㄱ"],
    "rtl": ["العربية", "עברית", "فارسی", "\u200f", "\u202b"],
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
        "https://t.co/" + "a" * 41,
        "socialtjanst.se",
        "uppsala.se/politik",
        "malmö.se",
        "göteborg.se/välfärd",
        "https://malmö.se/",
        "https://москва.рф/",
        "москва.рф",
        "https://例え.jp/パス",
        "https://مثال.مصر/",
        "https://ελ.gr",
        f"{LABEL63}.se",
        f"a{LABEL63}.se",
        f"https://{LABEL63}.se/x",
        f"https://a{LABEL63}.se/x",
        "https://" + "b" * 70 + ".com/",
        "a.se.",
        "a.se-",
        "a.se_",
        "a.se/",
        "a.se/b.",
        "ftp://a.se/x",
        "mailto:info@a.se",
        "xmpp:a@b.se",
        "HTTPS://A.SE/X",
        "https://a.se:8080/x",
        "https://user:pw@a.se/x",
        "https://a.se/a/../b?q=1#frag",
        "https://a.se/?",
        "https://a.se/" + "x" * 20,
        "https://a.se/%7Ex",
        "xn--malm-8qa.se",
        "https://xn--p1ai.xn--p1ai/",
    ],
    "glue": ["العربيةwww.test.se/sida", "日本語example.com", "åäöexample.com", "x.com", "@vision.bsky.social", "a@b.se"],
    "tag": [
        "#socialtjänst",
        "#svpol",
        "#Socialchefsrapporten2022",
        "#123",
        "#tag.",
        "#välfärd!",
        "#a_b",
        "＃full",
        "#😷",
        "$ABC",
        "$abcdef",
    ],
    "mention": ["@anna_s", "@bo.bsky.social", "@asa@mastodon.example", "@"],
    "odd": ["\ufffe", "\ufeff", "\uffff", "\u2028", "\u00ad", "\u200b"],
    "space": [" ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\u00a0", "\u3000", ""],
}


def generate(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    kinds = [k for k in PIECES if k != "space"]
    texts = []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(1, 25)):
            kind = rng.choice(kinds) if rng.random() < 0.7 else "swedish"
            words.append(rng.choice(PIECES[kind]))
            words.append(rng.choice(PIECES["space"]))
        texts.append("".join(words).strip(" "))
    return texts


def node_cache() -> Path:
    """node_modules with the reference libraries (installed once, under the cache's lock)."""
    return node_modules(*PACKAGES, need_node=True)


def node_runner(tmp_path_factory: pytest.TempPathFactory, script: Path) -> Callable[[list[str]], Any]:
    """``run(texts)``: ``script`` run by node over ``texts`` (JSON on stdin) with the page's count.js as the build
    writes it and the reference libraries on NODE_PATH; its JSON answer."""
    modules = node_cache()
    built = tmp_path_factory.mktemp("count") / "count.js"
    built.write_text(
        count_script((ROOT / "campaign" / "site" / "static" / "count.js").read_text(encoding="utf-8")), encoding="utf-8"
    )
    env = {**os.environ, "NODE_PATH": str(modules)}

    def run(texts: list[str]) -> Any:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as stdin:
            json.dump(texts, stdin)
            stdin.seek(0)
            done = subprocess.run(
                ["node", str(script), str(built)], stdin=stdin, capture_output=True, text=True, env=env, timeout=600
            )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    return run


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[str]], list[dict]]:
    return node_runner(tmp_path_factory, SCRIPT)


@pytest.fixture(scope="module")
def emoji_test() -> list[str]:
    path = node_cache() / "emoji-test-regex-pattern" / "dist" / "latest" / "index-strings.txt"
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def _facets(text: str) -> list[list]:
    found = [
        [
            f["index"]["byteStart"],
            f["index"]["byteEnd"],
            f["features"][0]["$type"].split("#")[1],
            f["features"][0].get("uri") or f["features"][0].get("tag"),
        ]
        for f in facets(text)
    ]
    return sorted(found)


def disagreements(text: str, answer: dict) -> list[str]:
    """What differs from the reference for one text: ``python x``, ``page bluesky``, ..."""
    ref = answer["ref"]
    wrong = []
    if [x_length(text), count("x", text).fits] != ref["x"]:
        wrong.append(f"python x {[x_length(text), count('x', text).fits]} != {ref['x']}")
    if answer["page"]["x"] != ref["x"]:
        wrong.append(f"page x {answer['page']['x']} != {ref['x']}")
    posted = short_text(text)
    mine = [graphemes(posted), utf8_bytes(posted), posted]
    if mine != ref["bsky"][:3]:
        wrong.append(f"python bluesky {mine} != {ref['bsky'][:3]}")
    if _facets(text) != sorted(ref["bsky"][3]):
        wrong.append(f"python facets {_facets(text)} != {sorted(ref['bsky'][3])}")
    if answer["page"]["bsky"] != ref["bsky"][:3]:
        wrong.append(f"page bluesky {answer['page']['bsky']} != {ref['bsky'][:3]}")
    return wrong


def check(texts: list[str], run: Callable[[list[str]], list[dict]]) -> None:
    differential.check(texts, run, disagreements, lambda w: w.split(" [")[0].rsplit(" ", 1)[0], "the reference")


def test_generated_texts_count_as_the_reference_libraries(reference: Callable[[list[str]], list[dict]]) -> None:
    texts = generate(2026, N_TEXTS)
    assert len(set(texts)) > 9_000
    check(texts, reference)


def test_every_emoji_test_sequence_counts_as_the_reference_libraries(
    reference: Callable[[list[str]], list[dict]], emoji_test: list[str]
) -> None:
    assert len(emoji_test) > 5_000
    check(emoji_test + [f"a {e}b.se {e}" for e in emoji_test], reference)


def test_composed_bluesky_posts_are_what_the_bluesky_app_posts(reference: Callable[[list[str]], list[dict]]) -> None:
    """Every Bluesky post of the default kit: handed to the app with its links written out, the app
    would post exactly the composed text, with the same link and tag facets and the same length."""
    from campaign.compose import compose_all
    from campaign.loader import load
    from campaign.registry import areas

    posts = compose_all(load(ROOT).campaign, areas(), ["bluesky"])
    parts = [part for post in posts for part in post.parts]
    full = []
    for part in parts:
        data = part.text.encode("utf-8")
        for f in sorted(part.facets, key=lambda f: -f["index"]["byteStart"]):
            if "uri" in f["features"][0]:
                data = data[: f["index"]["byteStart"]] + f["features"][0]["uri"].encode() + data[f["index"]["byteEnd"] :]
        full.append(data.decode("utf-8"))
    assert sum(p.text != t for p, t in zip(parts, full, strict=True)) > 1000  # the links were shortened
    for part, text, answer in zip(parts, full, reference(full), strict=True):
        graphemes_, bytes_, posted, found = answer["ref"]["bsky"]
        ours = sorted(
            [
                f["index"]["byteStart"],
                f["index"]["byteEnd"],
                f["features"][0]["$type"].split("#")[1],
                f["features"][0].get("uri") or f["features"][0].get("tag"),
            ]
            for f in part.facets
            if "did" not in f["features"][0]
        )
        assert (posted, graphemes_, bytes_, sorted(found)) == (part.text, part.length, len(part.text.encode()), ours), text
        assert part.length <= 300 and bytes_ <= 3000
