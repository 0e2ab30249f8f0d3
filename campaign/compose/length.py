"""Text length as each platform counts it.

- X: twitter-text config v3 weighted length (``twitter_text.parse_tweet``),
  after NFC and ``\\r\\n`` → ``\\n`` (the Python port counts ``\\r\\n`` as one
  character where the official JavaScript counts two; X itself normalises).
  Texts that cannot hold an emoji take an exact fast path (the emoji regex is
  95 % of ``parse_tweet``'s time); the tests check both paths agree. One
  correction: the Python port counts a bare © or ® (no VS16) as an emoji (2)
  where the official JavaScript counts 1; we follow the JavaScript (the
  differential test against npm twitter-text found it).
- Bluesky: grapheme clusters (300) and UTF-8 bytes (3 000), no URL shortening.
- Mastodon: grapheme clusters with each http(s) URL counted as 23 and
  ``@user@domain`` as ``@user``; the limit is per instance (500 by default).
- Threads, LinkedIn, Facebook, Instagram: UTF-16 code units, as their web
  composers (JavaScript string length) count; never less than the number of
  characters people see, so a post that fits here fits there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from campaign.compose.platforms import Platform
from campaign.compose.platforms import platform as get_platform

X_URL_WEIGHT = 23  # twitter-text transformed_url_length
MASTODON_URL_WEIGHT = 23  # Mastodon's StatusLengthValidator URL_PLACEHOLDER
_GRAPHEME = regex.compile(r"\X")
# Characters that may be part of an emoji sequence, or are invalid for X: VS16, the keycap
# mark, and everything above the weight-1 ranges. (A bare © or ® weighs 1 in the JavaScript.)
_X_SLOW = re.compile("[\ufe0f\u20e3\u2038-\U0010ffff]")
_X_TEXT_STYLE = ("\u00a9", "\u00ae")
# The code points that weigh 2 in config v3: all outside 0-10FF, 2000-200D, 2010-201F, 2032-2037.
_X_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
_MAYBE_DOMAIN = re.compile(r"\.[^\W\d_]")
_WORD = re.compile(r"\S+")
# A hashtag as the platforms link one: "#" at the start or after white space, then word characters.
HASHTAG = re.compile(r"(?:^|(?<=\s))#(\w+)")
_MASTODON_MENTION = re.compile(r"(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)", re.IGNORECASE)


def normalise_x(text: str) -> str:
    """NFC and one kind of line ending, as X sees a text before counting it."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def x_length(text: str) -> int:
    """The twitter-text v3 weighted length of ``text``.

    Counted line by line (each line cached): a URL or an emoji sequence never
    spans a line break, NFC never joins across one, and "\n" weighs 1, so the
    sum is exact (the property and differential tests check whole texts).
    """
    text = normalise_x(text)
    if "\n" not in text:
        return _x_line(text)
    lines = text.split("\n")
    return sum(map(_x_line, lines)) + len(lines) - 1


@lru_cache(maxsize=65536)
def _x_line(text: str) -> int:
    if _X_SLOW.search(text):
        return _x_with_emoji(text)
    length, start = 0, 0
    for url in _urls(text):
        first, end = url["indices"]
        length += _x_plain(text[start:first]) + X_URL_WEIGHT
        start = end
    return length + _x_plain(text[start:])


def _urls(text: str, without_protocol: bool = True) -> list[dict]:
    """twitter-text's URL entities; skipped when no "." is followed by a letter (every domain has one)."""
    if not _MAYBE_DOMAIN.search(text):
        return []
    from twitter_text.extract_urls import extract_urls_with_indices

    return extract_urls_with_indices(text, without_protocol)


def _x_plain(text: str) -> int:
    return len(text) + len(_X_HEAVY.findall(text))


def _x_with_emoji(text: str) -> int:
    """``parse_tweet``'s loop: URLs 23, emoji sequences 2, other code points by range."""
    from twitter_text.extract_emojis import extract_emojis_with_indices

    urls = {u["indices"][0]: u["indices"][1] for u in _urls(text)}
    emoji = {}
    for word in _WORD.finditer(text):  # no emoji sequence holds a space, and the emoji regex has no lookaround:
        if _X_SLOW.search(word.group()):  # matching word by word is exact, and far faster on long lines
            for e in extract_emojis_with_indices(word.group()):
                if e["emoji"] not in _X_TEXT_STYLE:
                    emoji[word.start() + e["indices"][0]] = word.start() + e["indices"][1]
    spans = sorted(
        [(start, end, X_URL_WEIGHT) for start, end in urls.items()]
        + [(start, end, 2) for start, end in emoji.items() if not any(u <= start < e for u, e in urls.items())]
    )
    length, at = 0, 0
    for start, end, weight in spans:
        if start < at:  # inside an entity already counted (the URL wins, as in parse_tweet's loop)
            continue
        length += _x_plain(text[at:start]) + weight
        at = end
    return length + _x_plain(text[at:])


def x_valid(text: str) -> bool:
    """False when the text holds a character X refuses (U+FFFE, U+FEFF, U+FFFF)."""
    from twitter_text.has_invalid_characters import has_invalid_characters

    return not has_invalid_characters(normalise_x(text))


def graphemes(text: str) -> int:
    """Extended grapheme clusters (what people see as one character).

    Line by line, cached: a cluster never spans "\n" (only "\r\n" is one).
    """
    if text.isascii() and "\r" not in text:
        return len(text)
    if "\n" not in text or "\r" in text:
        return _grapheme_line(text)
    lines = text.split("\n")
    return sum(map(_grapheme_line, lines)) + len(lines) - 1


@lru_cache(maxsize=65536)
def _grapheme_line(text: str) -> int:
    if not text or (max(text) < "\u0300" and "\r\n" not in text):  # no combining marks, joiners or emoji below U+0300
        return len(text)
    return len(_GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_units(text: str) -> int:
    """JavaScript's ``string.length``: astral characters count two."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def mastodon_length(text: str) -> int:
    """Mastodon's status length: graphemes, URLs 23, ``@user@domain`` as ``@user``.

    Line by line, as for X: URLs, mentions and grapheme clusters end at "\n"
    (but "\r\n" is one cluster, so such texts are counted whole).
    """
    if "\n" not in text or "\r" in text:
        return _mastodon_line(text)
    lines = text.split("\n")
    return sum(map(_mastodon_line, lines)) + len(lines) - 1


@lru_cache(maxsize=65536)
def _mastodon_line(text: str) -> int:
    return _grapheme_line(mastodon_countable(text))


def mastodon_countable(text: str) -> str:
    """The text Mastodon counts: each URL replaced by 23 characters, remote mentions shortened."""
    if "://" in text:
        pieces, start = [], 0
        for url in _urls(text, False):
            first, end = url["indices"]
            pieces += [text[start:first], "x" * MASTODON_URL_WEIGHT]
            start = end
        text = "".join(pieces) + text[start:]
    if "@" in text:
        text = _MASTODON_MENTION.sub(r"\1@\3", text)
    return text


@dataclass(frozen=True)
class Count:
    """A text's length on one platform, against that platform's limit."""

    platform: str
    length: int
    limit: int
    unit: str
    bytes: int | None = None  # UTF-8 bytes, where the platform limits them too
    byte_limit: int | None = None
    valid: bool = True  # False when the text holds a character the platform refuses
    hashtags: int | None = None  # hashtags in the text, where the platform caps them
    max_hashtags: int | None = None

    @property
    def fits(self) -> bool:
        fits_bytes = self.byte_limit is None or (self.bytes or 0) <= self.byte_limit
        fits_tags = self.max_hashtags is None or (self.hashtags or 0) <= self.max_hashtags
        return self.valid and self.length <= self.limit and fits_bytes and fits_tags

    @property
    def overflow(self) -> int:
        """How far over the limit the text is (0 when it fits), in the platform's unit."""
        return max(0, self.length - self.limit)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "platform": self.platform,
            "length": self.length,
            "limit": self.limit,
            "unit": self.unit,
            "fits": self.fits,
            "overflow": self.overflow,
        }
        if self.byte_limit is not None:
            data.update(bytes=self.bytes, byte_limit=self.byte_limit)
        if self.max_hashtags is not None:
            data.update(hashtags=self.hashtags, max_hashtags=self.max_hashtags)
        if not self.valid:
            data["valid"] = False
        return data


_UNITS = {"x": "weighted characters", "bluesky": "graphemes", "mastodon": "characters", "utf16": "characters"}


def limit_of(p: Platform, instance_limit: int | None = None) -> int:
    """The platform's limit; a Mastodon instance may set its own."""
    return instance_limit if (instance_limit and p.id == "mastodon") else p.limit


def measure(p: Platform, text: str) -> int:
    """The length of ``text`` in ``p``'s own unit."""
    kind = p.counter
    if kind == "x":
        return x_length(text)
    if kind == "bluesky":
        return graphemes(text)
    if kind == "mastodon":
        return mastodon_length(text)
    return utf16_units(text)


def fits(p: Platform, text: str, limit: int) -> bool:
    """Whether ``text`` fits ``p`` under ``limit`` (and the byte limit, where there is one)."""
    if p.max_bytes is not None and len(text) * 4 > p.max_bytes and utf8_bytes(text) > p.max_bytes:
        return False  # (a code point is at most 4 bytes, so a short text needs no encoding)
    return measure(p, text) <= limit


def count(platform_id: str | Platform, text: str, *, instance_limit: int | None = None) -> Count:
    """Count ``text`` as the platform does. ``instance_limit`` overrides Mastodon's 500."""
    p = platform_id if isinstance(platform_id, Platform) else get_platform(platform_id)
    return Count(
        platform=p.id,
        length=measure(p, text),
        limit=limit_of(p, instance_limit),
        unit=_UNITS[p.counter],
        bytes=utf8_bytes(text) if p.max_bytes is not None else None,
        byte_limit=p.max_bytes,
        valid=x_valid(text) if p.counter == "x" else True,
        hashtags=len(HASHTAG.findall(text)) if p.max_hashtags is not None else None,
        max_hashtags=p.max_hashtags,
    )
