"""Differential test: Mastodon's length, by the Python counter and the page's count.js, against the server's rule.

The reference (tests/node/mastodon.cjs) is what Mastodon's
``StatusLengthValidator#countable_text`` does, built from the parts it runs:
twitter-text's URL extractor with a scheme (npm ``twitter-text`` 3.1, which
passes the conformance suite of the Ruby gem the server uses), Mastodon's
``Account::MENTION_RE`` with its ``Extractor``'s ``end_mention_match`` check,
overlapping entities removed, each URL as 23 characters and each mention as
``@user``, then grapheme clusters (ICU's segmenter, as Ruby's); a blank text
counts 0.

Mastodon.py's ``get_status_length`` (Mastodon.py 2.3 with ``graphemeu``) is
not the reference here because it departs from the server where these texts
go: ``graphemeu`` 0.11 splits a flag after a control character (``"\\n🇸🇪"``
3 where the server counts 2), it counts a URL wherever twitter-text's bare
expression matches (a 70-letter domain label too, which the extractor refuses),
and its mention expression is the server's old one (no ``.`` in a user name,
ASCII domains only: ``@anna@socialtjänst.se``). The last test keeps it as a
second opinion on the default kit's posts, where none of that applies.

Over 10 000 generated texts (URLs with and without a scheme, Swedish and other
IDN domains, ``@user@instance`` in every form the expression cares about,
emoji sequences, ``\\r\\n``, hashtags, blank texts) the Python counter
(``campaign.compose.length.mastodon_length``) and count.js, as the build
writes it, must give the reference's answer. A failure prints the shortest
text that still disagrees.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from campaign.compose.length import mastodon_length
from tests import differential
from tests.test_counters_node import PIECES, node_runner

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).parent / "node" / "mastodon.cjs"
N_TEXTS = 10_000

MASTODON_PIECES = {
    "mention": [
        "@anna",
        "@anna_s",
        "@anna@social.example",
        "@Anna@Mastodon.Social",
        "@anna.s@socialtjänst.se",
        "@åsa@mastodon.example",
        "@anna@socialtjänst.se",
        "@anna@mastodon.nu.",
        "@a-b@x-y.z",
        "@a..b@c--d.e",
        "@a@b.se@c",
        "@a@b.se@",
        "@a@b.se://x",
        "@anna@",
        "@anna@.se",
        "@annaé@b.se",
        "@anna@b.se\u0301",
        "@anna@日本.jp",
        "@anna@b_c.se",
        "＠anna@b.se",
        "e@anna@b.se",
        "=@anna@b.se",
        "/@anna@b.se",
        "(@anna@b.se)",
        "@@anna@b.se",
        "@anna@b.se,",
        "@bo.bsky.social",
        "@",
    ],
    "url": [
        *PIECES["url"],
        "https://social.example/@anna",
        "https://a.se/x#@anna@b.se",
        "https://a.se/?u=@anna@b.se",
        "https://socialtjänst.se/ärende",
        "http://xn--socialtjnst-q8a.se/",
        "https://a.se/x\u0301",
        "https://a.se/",
        "https://a.se",
        "http://a.se:80",
        "https://" + "c" * 64 + ".se/x",
    ],
    "tag": PIECES["tag"],
    "emoji": PIECES["emoji"],
    "text": [*PIECES["swedish"], *PIECES["cjk"], *PIECES["rtl"], *PIECES["glue"], *PIECES["odd"]],
}
SPACES = [" ", " ", " ", "\n", "\r\n", "\r\n\r\n", "\n\n", "\r", "\t", "\u00a0", "\u3000", "\u2028", ""]


def generate(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    kinds = list(MASTODON_PIECES)
    texts = []
    for i in range(n):
        if i % 200 == 0:  # now and then a blank text, which the server counts 0
            texts.append("".join(rng.choice(SPACES) for _ in range(rng.randint(0, 4))))
            continue
        words = []
        for _ in range(rng.randint(1, 25)):
            kind = rng.choice(kinds) if rng.random() < 0.75 else "text"
            words.append(rng.choice(MASTODON_PIECES[kind]))
            words.append(rng.choice(SPACES))
        texts.append("".join(words).strip(" "))
    return texts


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[str]], list[list[int]]]:
    return node_runner(tmp_path_factory, SCRIPT)


def disagreements(text: str, answer: list[int]) -> list[str]:
    """``python`` and/or ``page``, each with its count and the reference's."""
    ref, page = answer
    wrong = []
    if mastodon_length(text) != ref:
        wrong.append(f"python {mastodon_length(text)} != {ref}")
    if page != ref:
        wrong.append(f"page {page} != {ref}")
    return wrong


def check(texts: list[str], run: Callable[[list[str]], list[list[int]]]) -> None:
    differential.check(texts, run, disagreements, lambda w: w.split()[0], "Mastodon's rule")


def test_generated_texts_count_as_the_mastodon_server(reference: Callable[[list[str]], list[list[int]]]) -> None:
    texts = generate(2026, N_TEXTS)
    assert len(set(texts)) > 9_000
    assert sum("\r\n" in t for t in texts) > 2_000 and sum("@" in t and "ä" in t for t in texts) > 1_000
    check(texts, reference)


def test_the_server_rule_in_examples(reference: Callable[[list[str]], list[list[int]]]) -> None:
    """What the rule means, each with the reference's own answer."""
    cases = {
        "hej @anna@social.uppsala.example": len("hej @anna"),
        "@anna.s@socialtjänst.se": len("@anna.s"),  # Mastodon.py: 23 (its old expression)
        "@a@b.se@c": len("@a@b.se@c"),  # followed by "@": no mention
        "=@anna@b.se": len("=@anna@b.se"),  # after "=" or "/": no mention (Mastodon.py: 6)
        "@anna@socialtjänst.se": len("@anna"),  # Mastodon.py: 12 (ASCII domains only)
        "https://kampanj.example.org/" + "x" * 100: 23,
        "https://" + "b" * 70 + ".com/": len("https://" + "b" * 70 + ".com/"),  # no URL: a label over 63
        "example.com": len("example.com"),  # no scheme: counted as written
        "\n🇸🇪": 2,  # Mastodon.py: 3 (graphemeu)
        "a\r\nb": 3,
        " \n ": 0,  # blank
    }
    texts = list(cases)
    for text, want, answer in zip(texts, cases.values(), reference(texts), strict=True):
        assert answer == [want, want], text
        assert mastodon_length(text) == want, text


def test_mastodon_py_agrees_on_the_default_kit() -> None:
    """Mastodon.py's count as a second opinion where none of its departures applies: every part of
    every Mastodon post of the default kit (plain text, UTM links, local and remote mentions)."""
    mastodon = pytest.importorskip("mastodon")
    from campaign.compose import compose_all
    from campaign.loader import load
    from campaign.registry import areas

    parts = [part for post in compose_all(load(ROOT).campaign, areas(), ["mastodon"]) for part in post.parts]
    assert len(parts) > 1_000 and any("@" in p.text and "://" in p.text for p in parts)
    try:
        theirs = [mastodon.Mastodon.get_status_length(p.text) for p in parts]
    except NotImplementedError:
        pytest.skip("Mastodon.py's grapheme module (graphemeu) is not installed")
    assert [p.length for p in parts] == theirs
    assert [mastodon_length(p.text) for p in parts] == theirs
