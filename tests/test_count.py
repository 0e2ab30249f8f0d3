"""Platform table and length counters, and `campaign count`."""

from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.compose.length import count, graphemes, mastodon_length, utf16_units, x_length
from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS, platform
from campaign.errors import NotFound
from tests.conftest import SHARED

URL = "https://kampanj.example.org/rapport/socialsekreterarna-2019?utm_source=x&utm_medium=social"


def test_the_table_has_every_platform_with_its_limit_and_source() -> None:
    assert PLATFORM_IDS == ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")
    limits = {p.id: p.limit for p in PLATFORMS.values()}
    assert limits == {
        "x": 280,
        "bluesky": 300,
        "mastodon": 500,
        "threads": 500,
        "linkedin": 3000,
        "facebook": 63206,
        "instagram": 2200,
    }
    assert PLATFORMS["bluesky"].max_bytes == 3000
    assert PLATFORMS["instagram"].max_hashtags == 5 and not PLATFORMS["instagram"].clickable_links
    assert {p.id for p in PLATFORMS.values() if p.threads} == {"x", "bluesky", "mastodon", "threads"}
    assert {p.id for p in PLATFORMS.values() if not p.text_mentions} == {"linkedin", "facebook"}
    assert all(p.source for p in PLATFORMS.values())


def test_the_table_matches_platforms_md() -> None:
    doc = SHARED / "PLATFORMS.md"
    if not doc.exists():
        pytest.skip(f"{doc} is not here")
    section = doc.read_text(encoding="utf-8").split("## Text length")[1].split("\n## ")[0]
    rows = {cells[1].strip(): cells[2] for cells in (line.split("|") for line in section.splitlines() if line.startswith("| "))}
    for p in PLATFORMS.values():
        first_number = re.search(r"\d[\d  ]*", rows[p.name]).group()
        assert int(re.sub(r"\D", "", first_number)) == p.limit, p.name


def test_an_unknown_platform_is_named_with_a_suggestion() -> None:
    with pytest.raises(NotFound, match=r"unknown platform 'blusky' \(did you mean 'bluesky'\?\); known: x, bluesky"):
        platform("blusky")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hej", 3),
        (URL, 23),  # every URL weighs 23
        ("läs example.com nu", 4 + 23 + 3),  # a bare domain is a URL too
        ("😷", 2),
        ("👨‍👩‍👧‍👦", 2),  # a ZWJ family is one emoji
        ("👍🏽", 2),  # skin tone
        ("🇸🇪", 2),  # a flag
        ("日本語", 6),  # CJK weighs 2
        ("a…b", 4),  # U+2026 is outside the weight-1 ranges
        ("45\u00a0%", 4),  # no-break space weighs 1
        ("a\u2013b", 3),  # en dash weighs 1
        ("a\r\nb", 4),  # "\r\n" is two characters, as in the JavaScript library
        ("e\u0301", 1),  # NFC first: é
        ("© 2026", 6),  # a bare © weighs 1 in the official JavaScript (the Python port says 2)
        ("©\ufe0f 2026", 7),  # with VS16 it is an emoji: 2
    ],
)
def test_x_counts_as_twitter_text_v3(text: str, expected: int) -> None:
    assert x_length(text) == expected


PIECES = [
    *list("aåäöAÅÄÖ .,!?-–…€→•#@%\xa0\n\r日本😷👍🏽1#"),
    " example.com ",
    " https://a.se/x?y=1 ",
    "́",
    "\u200d",
    "️",
    "⃣",
    "ᄀ",
    "†",
]


@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
@settings(max_examples=400, deadline=None)
def test_the_line_by_line_x_count_agrees_with_the_whole_text(text: str) -> None:
    # (the whole-text port is checked against npm twitter-text itself in tests/test_counters_node.py)
    from campaign.compose.xtext import parse_tweet

    assert x_length(text) == parse_tweet(text).weighted_length


def test_bluesky_counts_graphemes_and_bytes() -> None:
    assert graphemes("åäö") == 3
    assert graphemes("👨‍👩‍👧‍👦 e\u0301") == 3
    assert graphemes("a\r\nb") == 3
    c = count("bluesky", "ö" * 300)
    assert (c.length, c.bytes, c.fits) == (300, 600, True)
    c = count("bluesky", "👨‍👩‍👧‍👦" * 120)  # 120 graphemes but 3 000 bytes
    assert (c.length, c.bytes, c.fits) == (120, 3000, True)
    c = count("bluesky", "👨‍👩‍👧‍👦" * 121)
    assert (c.length, c.bytes, c.fits) == (121, 3025, False)


def test_mastodon_counts_urls_as_23_and_remote_mentions_as_local() -> None:
    assert mastodon_length(URL) == 23
    assert mastodon_length("hej @anna@social.uppsala.example") == len("hej @anna")
    assert mastodon_length("example.com") == len("example.com")  # no scheme: counted as written
    assert mastodon_length("👨‍👩‍👧‍👦") == 1
    assert count("mastodon", "x" * 501).fits is False
    assert count("mastodon", "x" * 501, instance_limit=1000).fits is True
    assert count("mastodon", "x" * 501, instance_limit=1000).limit == 1000


def test_meta_and_linkedin_count_utf16_units() -> None:
    assert utf16_units("åäö") == 3
    assert utf16_units("😷") == 2
    assert count("instagram", "a" * 2200).fits and not count("instagram", "a" * 2201).fits


def test_x_refuses_invalid_characters() -> None:
    c = count("x", "a\ufffeb")
    assert not c.valid and not c.fits


# ------------------------------------------------------------------ the command


def test_count_prints_length_limit_and_fit(cli) -> None:
    result = cli("count", "--platform", "x", "Varannan socialsekreterare " + URL)
    assert (result.code, result.out) == (0, "x: 50 of 280 weighted characters: fits\n")


def test_count_exits_1_when_the_text_does_not_fit(cli) -> None:
    result = cli("count", "-p", "mastodon", "--instance-limit", "10", "hej hej hej hej")
    assert (result.code, result.out) == (1, "mastodon: 15 of 10 characters: does not fit (5 characters too long)\n")


def test_count_reads_stdin_and_prints_json(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Åäö 😷\n"))
    result = cli("count", "--platform", "bluesky", "--json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "platform": "bluesky",
        "length": 5,
        "limit": 300,
        "unit": "graphemes",
        "fits": True,
        "overflow": 0,
        "bytes": 11,
        "byte_limit": 3000,
    }


def test_count_names_bytes_over_on_bluesky(cli) -> None:
    result = cli("count", "-p", "bluesky", "👨‍👩‍👧‍👦" * 121)
    assert result.code == 1
    assert result.out == "bluesky: 121 of 300 graphemes, 3025 of 3000 bytes: does not fit (25 bytes over the limit of 3000)\n"


def test_count_holds_instagram_to_its_hashtag_cap(cli) -> None:
    text = "Tagga #a #b #c #d #e #f, inte https://a.se/#ankare"  # a URL fragment is no hashtag
    result = cli("count", "-p", "instagram", text)
    assert result.code == 1
    assert result.out == "instagram: 50 of 2200 characters, 6 of 5 hashtags: does not fit (1 hashtag over the limit of 5)\n"
    five = cli("count", "-p", "instagram", "--json", "#a #b #c #d #e")
    assert (five.code, json.loads(five.out)["hashtags"], json.loads(five.out)["fits"]) == (0, 5, True)
    assert "hashtags" not in json.loads(cli("count", "-p", "x", "--json", "#a").out)  # no cap on X


def test_count_with_an_unknown_platform_exits_3(cli) -> None:
    result = cli("count", "-p", "myspace", "hej")
    assert result.code == 3
    assert result.err.startswith("error: unknown platform 'myspace'; known: x, bluesky, mastodon")


def test_counts_are_on_nfc_text_for_x_only() -> None:
    decomposed = unicodedata.normalize("NFD", "åäö")
    assert x_length(decomposed) == 3
    assert graphemes(decomposed) == 3  # graphemes are the same either way


def test_the_page_says_the_problems_in_the_cli_words() -> None:
    """The page's English strings are campaign count's words; Swedish has each key, with the same values."""
    from campaign.compose.length import PROBLEM_WORDS, problem_words
    from campaign.site.strings import STRINGS

    for key, words in PROBLEM_WORDS.items():
        assert STRINGS["en"][key] == words, key
        assert key in STRINGS["sv"] and STRINGS["sv"][key].count("{max}") == words.count("{max}"), key
    assert problem_words("counter_hashtags", {"over": 1, "max": 5}) == "1 hashtag over the limit of 5"
    assert problem_words("counter_links", {"over": 2, "max": 5}) == "2 links over the limit of 5"
