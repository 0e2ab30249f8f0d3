"""A thread's tries counted as sums (fit.thread with length.part_sizes) split a body where counting each try's
text splits it, and a thread part's Bluesky facets joined from its pieces' are the whole part's.

The tries are runs of a body's sentences, clauses or words under a number, with or without the tail: with
``sizes`` each is the sum of its units' counts, each counted once. These tests hold the sums to the texts
counted whole (length.fits, the counter tests/test_counters_node.py holds to the references): the same
parts, the same errors, over the differential tests' generated texts (every kind of space, emoji, links
with and without a scheme, "\\r\\n", invalid characters) and generated Swedish messages.
"""

from __future__ import annotations

import dataclasses
import random
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaign.compose import fit as fitting
from campaign.compose.core import _part_pieces, forget_counts
from campaign.compose.facets import facets, short_text, spaced_facets
from campaign.compose.fit import DoesNotFit, Sizes, thread
from campaign.compose.length import fits, part_sizes, sentence_pieces
from campaign.compose.platforms import PLATFORMS, Platform
from campaign.model import Mention
from tests.test_compose_props import sentences
from tests.test_counters_mastodon import generate as mastodon_texts
from tests.test_counters_node import PIECES
from tests.test_counters_node import generate as node_texts

THREADED = [p for p in PLATFORMS.values() if p.threads]
# Bluesky with a byte limit that binds before its grapheme limit does (emoji and CJK are 3-4 bytes a grapheme)
TIGHT_BYTES = dataclasses.replace(PLATFORMS["bluesky"], max_bytes=160)
TAILS = [
    "",
    "@anna_s @bo.bsky.social\nhttps://kampanj.example.org/rapport?utm_source=x&utm_medium=social\n#socialtjänst #välfärd",
    "https://kampanj.example.org/r\n#socialtjänst",
    "Anna Andersson (ordförande i socialnämnden), Bo Berg\nLänk i bio: https://a.se/x\n#a",
    "@asa@mastodon.example\nhttps://a.se/ö?x=1\n#TryggSocialtjänst #svpol #extra",
]
MENTIONS = (Mention("p1", "Bo", "", "bo.bsky.social", "did:plc:bo"), Mention("p2", "Anna", "", "anna_s", "did:plc:anna"))


def outcome(p: Platform, body: str, tail: str, limit: int, sizes: Sizes | None) -> tuple[str, ...] | tuple[str, str, str]:
    """The parts, or the error (its kind, text and reason): each try counted whole unless ``sizes`` is given."""
    try:
        return thread(body, tail, lambda text: fits(p, text, limit), sizes)
    except DoesNotFit as exc:
        return (type(exc).__name__, exc.text, exc.reason)


def bodies(rng: random.Random, n: int) -> list[str]:
    """Bodies of the differential tests' pieces (every class of text they check), mostly joined as sentences
    and words are, sometimes by the white space where the sums do not hold."""
    kinds = [kind for kind in PIECES if kind != "space"]
    joints = [" "] * 12 + [". ", ", ", "! ", ".\n", ".\n\n", ".  ", ". \n", "? ", "… ", " – "]
    rare = ["\u00a0", "\t", "\r\n", "\u3000", " \u0301", "\u2028"]
    out = []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(2, 60)):
            words.append(rng.choice(PIECES[rng.choice(kinds) if rng.random() < 0.5 else "swedish"]))
            words.append(rng.choice(rare) if rng.random() < 0.01 else rng.choice(joints))
        out.append("".join(words[:-1]))
    return out


def test_a_thread_of_sums_is_the_thread_of_texts_counted_whole() -> None:
    rng = random.Random(16)
    wrong, summed, tried = [], 0, 0
    for body in bodies(rng, 700):
        p = rng.choice([*THREADED, TIGHT_BYTES])
        tail = rng.choice(TAILS)
        limit = rng.choice([40, 80, 140, p.limit])
        forget_counts()
        sizes = part_sizes(p, limit)
        got = outcome(p, body, tail, limit, sizes)
        want = outcome(p, body, tail, limit, None)
        if got != want:
            wrong.append((p.id, limit, body, tail, got, want))
        tried += 1
        summed += any(run is not None for run in sizes.runs.values())
    assert not wrong, f"{len(wrong)} wrong, the shortest: {min(wrong, key=lambda w: len(w[2]))}"
    assert summed > tried / 2  # (the sums were used, not only the texts they fall back on)


@given(
    words=st.lists(sentences(), min_size=2, max_size=14),
    joints=st.lists(st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", " \n", "\u00a0", "\r\n"]), min_size=14, max_size=14),
    long_word=st.sampled_from(["", "x" * 70, "https://kampanj.example.org/" + "a" * 60, "👨‍👩‍👧" * 30]),
    tail=st.sampled_from(TAILS),
    platform=st.sampled_from([*THREADED, TIGHT_BYTES]),
    limit=st.sampled_from([50, 90, 140, 280, 300]),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_thread_of_generated_swedish_sentences_splits_as_counted_whole(
    words: list[str], joints: list[str], long_word: str, tail: str, platform: Platform, limit: int
) -> None:
    body = "".join(s + j for s, j in zip(words[:-1], joints, strict=False)) + words[-1]
    if long_word:
        body = body.replace(" ", f" {long_word} ", 1)
    forget_counts()
    sizes = part_sizes(platform, limit)
    got = outcome(platform, body, tail, limit, sizes)
    event("summed" if any(run is not None for run in sizes.runs.values()) else "texts")
    assert got == outcome(platform, body, tail, limit, None)


def recorded(p: Platform, tried: list[str]) -> fitting.Fits:
    def fits_recorded(text: str) -> bool:
        tried.append(text)
        return fits(p, text, p.limit)

    return fits_recorded


def test_a_plain_body_is_threaded_from_sums() -> None:
    """The fast path is taken where it should be (else the tests above would compare the texts with themselves)."""
    body = " ".join(["Det är barn, unga och utsatta vuxna som får betala 😷."] * 9)
    for p in THREADED:
        forget_counts()
        sizes = part_sizes(p, p.limit)
        tried: list[str] = []
        parts = thread(body, TAILS[1], recorded(p, tried), sizes)
        assert len(parts) > 1
        assert sizes.runs and all(run is not None for run in sizes.runs.values())
        assert tried == list(parts)  # only the parts made are counted as texts


def test_a_body_whose_sums_do_not_add_up_is_threaded_from_texts() -> None:
    p = PLATFORMS["x"]
    for joint in ("\u00a0", "\r\n"):
        body = joint.join(["Det är barn, unga och utsatta vuxna som får betala."] * 9)
        forget_counts()
        sizes = part_sizes(p, 100)
        assert thread(body, TAILS[2], lambda text: fits(p, text, 100), sizes) == outcome(p, body, TAILS[2], 100, None)
        assert sizes.runs and all(run is None for run in sizes.runs.values())
    assert fitting.MAX_PARTS == 25


def test_a_thread_parts_facets_joined_from_its_pieces_are_the_whole_parts() -> None:
    rng = random.Random(3)
    for text in node_texts(31, 1500) + mastodon_texts(32, 1500):
        label = rng.choice(["", "1/2 ", "12/25 "])
        tail = rng.choice(TAILS)
        part = label + text + ("\n\n" + tail if tail else "")
        for pieces in (
            _part_pieces(part),
            (label, *re.split(r"(?<= )", text), *(["\n\n" + tail] if tail else [])) if label else (),
        ):
            if not pieces:
                continue
            assert "".join(pieces) == part
            assert spaced_facets(pieces, MENTIONS) == facets(part, MENTIONS), pieces
            assert "".join(short_text(piece) for piece in pieces) == short_text(part), pieces
        assert "".join(sentence_pieces(text)) == text
