"""The composer counts a post from its pieces' cached counts (body, mentions, link and hashtags; a thread
part's number; a long piece's sentences): that must be exactly the whole text's count, on every
platform, and the Bluesky facets exactly the whole text's facets.

Run over the differential tests' generated texts (the classes the reference libraries were checked
on), cut and joined the way the composer joins them; the whole-text counters are the ones
tests/test_counters_node.py and tests/test_counters_mastodon.py hold to the references.
"""

from __future__ import annotations

import random

import pytest

from campaign.compose import length
from campaign.compose.facets import facets, pieces_facets, short_text
from campaign.compose.length import composed_length, fits, lines_length, measure, pieces_length, sentence_pieces
from campaign.compose.platforms import PLATFORMS
from campaign.model import Mention
from tests.test_counters_mastodon import generate as mastodon_texts
from tests.test_counters_node import generate as node_texts

BIG = 10**9
TAILS = [
    "@anna@social.example @bo.bsky.social",
    "https://kampanj.example.org/rapport?utm_source=x&utm_medium=social\n#socialtjänst #välfärd",
    "Anna Andersson (ordförande i socialnämnden), Bo Berg",
    "Länk i bio: https://a.se/x\n#a",
]
MENTIONS = (Mention("p1", "Bo", "", "bo.bsky.social", "did:plc:bo"), Mention("p2", "Anna", "", "anna_s", "did:plc:anna"))


def texts() -> list[str]:
    return node_texts(11, 2_500) + mastodon_texts(12, 2_500)


def cuts(text: str, rng: random.Random) -> tuple[str, ...]:
    """The text as the composer joins one: a body (perhaps a numbered part), then "\\n\\n" and tail lines."""
    head = rng.choice(["", "1/2 ", "12/25 "]) + text
    tail = rng.choice(TAILS).split("\n")
    return (head, "\n\n" + tail[0], *("\n" + line for line in tail[1:]))


@pytest.mark.parametrize("platform_id", list(PLATFORMS))
def test_a_text_counted_from_its_pieces_counts_as_the_whole(platform_id: str) -> None:
    p = PLATFORMS[platform_id]
    rng = random.Random(platform_id)
    wrong = []
    for text in texts():
        pieces = cuts(text, rng)
        whole = "".join(pieces)
        for limit in (BIG, measure(p, whole), max(0, measure(p, whole) - 1)):
            want = measure(p, whole) if fits(p, whole, limit) else None
            length._WHOLE.clear()  # (not the memos' answers: the pieces')
            length._TRIED.clear()
            got = (
                pieces_length(p, pieces, limit),
                composed_length(p, whole, limit),
                pieces_length(p, (text,), limit),
                lines_length(p, pieces, limit),  # (each piece after the first starts a line)
            )
            alone = measure(p, text) if fits(p, text, limit) else None
            if got != (want, want, alone, want):
                wrong.append((whole, limit, got, (want, want, alone, want)))
    assert not wrong, f"{len(wrong)} wrong, the shortest: {min(wrong, key=lambda w: len(w[0]))}"


def test_bluesky_facets_and_text_from_pieces_are_the_whole_texts() -> None:
    rng = random.Random(5)
    for text in texts():
        pieces = cuts(text, rng)
        whole = "".join(pieces)
        assert pieces_facets(pieces, MENTIONS) == facets(whole, MENTIONS), whole
        assert "".join(short_text(piece) for piece in pieces) == short_text(whole), whole
        assert "".join(sentence_pieces(text)) == text
