"""Rules the counting and fitting must keep at their edges, where a loosened
condition passed every other test (mutation testing found them): X's weight
ranges, Bluesky's byte limit beside its grapheme limit, and where a thread's
tail joins its last part.

Two mutants stay alive on purpose, being equivalent: moving the start of X's
second range from U+2000 to U+2001 (the counter normalises to NFC first, and
U+2000 becomes U+2002), and checking the tail against its last part with one
line break instead of two (the thread's own check of every finished part
refuses the result, and the wider labels of longer threads end the same way).
"""

from __future__ import annotations

import dataclasses

import pytest

from campaign.compose.core import PostTooLong, compose
from campaign.compose.fit import thread
from campaign.compose.length import count, fits, x_length
from campaign.compose.platforms import PLATFORMS
from campaign.loader import load
from campaign.model import NATIONAL, Campaign, Message
from tests.conftest import REPO

# twitter-text config v3 (the reference's own table): code points weigh 100 (one character)
# in the ranges 0-4351, 8192-8205, 8208-8223 and 8242-8247, and 200 (two) everywhere else.
LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
EDGES = sorted({c for lo, hi in LIGHT_RANGES for c in (lo - 1, lo, hi, hi + 1) if c >= 0})


def _weight(code_point: int) -> int:
    return 1 if any(lo <= code_point <= hi for lo, hi in LIGHT_RANGES) else 2


@pytest.mark.parametrize("code_point", EDGES, ids=[f"U+{c:04X}" for c in EDGES])
def test_x_weighs_each_side_of_every_range_edge_as_config_v3(code_point: int) -> None:
    char = chr(code_point)
    text = f"a{char}b"  # inside a word, as a user would write it
    assert x_length(text) == 2 + _weight(code_point), f"U+{code_point:04X}"
    assert x_length(char * 10) == 10 * _weight(code_point), f"U+{code_point:04X}"


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme: five code points, 18 bytes of UTF-8


def test_bluesky_holds_300_graphemes_to_its_3000_byte_limit_too() -> None:
    bluesky = PLATFORMS["bluesky"]
    text = FAMILY * 300  # 300 graphemes: at the grapheme limit, but 5 400 bytes
    assert len(text.encode()) == 5_400
    assert not fits(bluesky, text, bluesky.limit)
    assert not count("bluesky", text).fits
    at_limit = FAMILY * 166 + "a" * 12  # 178 graphemes, exactly 3 000 bytes
    assert len(at_limit.encode()) == 3_000 and fits(bluesky, at_limit, bluesky.limit)
    assert not fits(bluesky, at_limit + "a", bluesky.limit)  # 3 001 bytes


def _with_text(text: str) -> tuple[Campaign, Message]:
    campaign = load(REPO).campaign
    message = Message(id="familjer", kind="long", variants=(text,), figures=(), link=None, hashtags=(), tag=None)
    return dataclasses.replace(campaign, messages=(message,)), message


def test_a_composed_bluesky_post_of_family_emoji_stays_under_3000_bytes() -> None:
    words = " ".join([FAMILY * 10] * 27)  # 296 graphemes, 4 886 bytes
    campaign, message = _with_text(words)
    post = compose(campaign, message, NATIONAL, "bluesky")
    assert len(post.parts) > 1, "4 886 bytes of emoji cannot be one Bluesky post"
    for part in post.parts:
        assert len(part.text.encode()) <= 3_000 and count("bluesky", part.text).fits


def test_a_word_over_3000_bytes_is_refused_for_bluesky_with_its_bytes() -> None:
    campaign, message = _with_text(FAMILY * 290)  # one word: 290 graphemes, 5 220 bytes
    with pytest.raises(PostTooLong, match="5220 of 3000 bytes"):
        compose(campaign, message, NATIONAL, "bluesky")


def under(n: int):
    return lambda text: len(text) <= n


BODY = "Ett två tre. Fyra fem sex."
TAIL = "https://x.se/a #tag"


def test_the_tail_joins_the_last_part_exactly_when_it_fits_after_a_blank_line() -> None:
    joined = f"1/1 {BODY}\n\n{TAIL}"
    assert thread(BODY, TAIL, under(len(joined))) == (joined,)
    # One character short: a second part, and the link keeps the body's last sentence with it
    # (no part is only a link and hashtags).
    assert thread(BODY, TAIL, under(len(joined) - 1)) == ("1/2 Ett två tre.", f"2/2 Fyra fem sex.\n\n{TAIL}")


def test_a_thread_of_an_empty_body_is_its_tail_alone() -> None:
    assert thread("", TAIL, under(100)) == (f"1/1 {TAIL}",)
