"""X's weighted length and validity, as npm ``twitter-text`` 3.1 ``parseTweet`` computes them.

A line-by-line port of ``parseTweet``, ``extractUrlsWithIndices``,
``idna.toAscii`` and twemoji-parser's ``parse`` (the emoji data
``parseTweet`` uses), running twitter-text's own regular expressions from
``counter_data.json`` (regenerate: ``python tools/regen_counter_data.py``).
JavaScript matches UTF-16 code units, so the text is turned into a string of
code units first (an astral character becomes its two surrogates) and every
index is a code-unit index, as in the library. The differential test
(tests/test_counters_node.py) runs this, the page's count.js and the npm
library over generated texts and every emoji-test sequence.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Generic, TypeVar

import regex

from campaign.compose.compiled import compile_kept

DEFAULT_PROTOCOL = "https://"
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
MAX_DOMAIN_LABEL_LENGTH = 63
_ASTRAL = regex.compile("[\U00010000-\U0010ffff]")
_PUNYCODE_SEPARATORS = regex.compile("[.\u3002\uff0e\uff61]")
_NON_ASCII = regex.compile("[^\x20-\x7e]")
# Every URL's domain ends in "." and a TLD, and no TLD starts with a digit, a space or ASCII punctuation:
# without such a dot there is no URL (a fast exit; the regex is the library's slow part).
_MAYBE_TLD = regex.compile(r"\.[^\s0-9!-/:-@\[-`{-~]")


@cache
def data() -> dict[str, Any]:
    """The generated reference data (twitter-text's expressions and config, Bluesky's TLD list)."""
    text = (resources.files("campaign.compose") / "counter_data.json").read_text(encoding="utf-8")
    return json.loads(text)


P = TypeVar("P", re.Pattern[str], regex.Pattern[str])


class _Pattern(Generic[P]):
    """One of twitter-text's expressions, compiled the first time a ``_Rules`` is asked for it, then kept on it."""

    def __init__(self, key: str, compile_: Callable[[str], P]) -> None:
        self.key = key
        self.compile: Callable[[str], P] = compile_

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, rules: _Rules, owner: type | None = None) -> P:
        compiled = self.compile(rules._py[self.key])
        rules.__dict__[self.name] = compiled  # the instance's own attribute from now on
        return compiled


class _Rules:
    """twitter-text's expressions and config; each expression is compiled when first used (the URL ones,
    with the list of every TLD in them, cost about as much as composing a thousand posts)."""

    def __init__(self, py: dict[str, str], config: dict[str, Any]) -> None:
        self._py = py
        self.ranges: tuple[tuple[int, int, int], ...] = tuple((r["start"], r["end"], r["weight"]) for r in config["ranges"])
        self.default_weight: int = config["defaultWeight"]
        self.scale: int = config["scale"]
        self.url_length: int = config["transformedURLLength"]
        self.max_length: int = config["maxWeightedTweetLength"]

    # The two expressions holding every TLD (80 kB each) run on the standard library's engine: the
    # translation uses nothing but what both engines read alike (code-unit classes, groups, greedy
    # repeats, fixed-width look-arounds; no flags, no Unicode properties), and ``re`` compiles them
    # in about a third of ``regex``'s time and matches a link line in half of it. Their lists of TLDs
    # are written as tries (counter_data.json's ``py_re``: ``alternation.factored`` of them), which
    # ``re`` compiles in 0.08 s, not 0.19 s (extractUrl, paid by every build that counts an X post),
    # and whose engine code is kept from one run to the next (``compiled.compile_kept``: 0.13 s -> 1 ms).
    # tests/test_xtext_engines.py holds the two engines to the same matches over the differential
    # tests' texts.
    extract_url = _Pattern("extractUrl", compile_kept)
    valid_ascii_domain = _Pattern("validAsciiDomain", compile_kept)
    invalid_preceding = _Pattern("invalidUrlWithoutProtocolPrecedingChars", regex.compile)
    valid_tco = _Pattern("validTcoUrl", regex.compile)
    invalid_chars = _Pattern("invalidChars", regex.compile)
    emoji = _Pattern("emoji", regex.compile)


@cache
def rules() -> _Rules:
    found = data()
    return _Rules(found["py"] | found["py_re"], found["config"])  # the two on ``re`` as ``alternation.factored`` writes them


def utf16(text: str) -> str:
    """``text`` as a string of UTF-16 code units: each astral character becomes its two surrogates."""
    if text.isascii() or not _ASTRAL.search(text):
        return text
    return _ASTRAL.sub(_split_astral, text)


def _split_astral(match: regex.Match[str]) -> str:
    c = ord(match.group()) - 0x10000
    return chr(0xD800 + (c >> 10)) + chr(0xDC00 + (c & 0x3FF))


def from_utf16(units: str) -> str:
    """Code units back to text (pairs joined, lone surrogates kept)."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


@dataclass(frozen=True)
class UrlEntity:
    url: str  # code units, as the library's ``url``
    start: int  # code-unit indices
    end: int


def extract_urls(units: str, without_protocol: bool = True) -> list[UrlEntity]:
    """``extractUrlsWithIndices(text, {extractUrlsWithoutProtocol})`` over code units."""
    if not units or ("." not in units if without_protocol else ":" not in units) or not _MAYBE_TLD.search(units):
        return []
    r = rules()
    urls: list[UrlEntity] = []
    pos = 0
    while True:
        m = r.extract_url.search(units, pos)
        if m is None:
            return urls
        pos = m.end()
        before, url, protocol, domain, path = (m.group(i) or "" for i in (2, 3, 4, 5, 7))
        end = m.end()
        start = end - len(url)
        if not _valid_url(url, protocol or DEFAULT_PROTOCOL, domain):
            continue
        if not protocol:
            if not without_protocol or r.invalid_preceding.search(before):
                continue
            last: list[Any] | None = None
            ascii_end = 0
            for d in r.valid_ascii_domain.finditer(domain):
                ascii_domain = d.group()
                ascii_start = domain.find(ascii_domain, ascii_end)
                ascii_end = ascii_start + len(ascii_domain)
                last = [ascii_domain, start + ascii_start, start + ascii_end]
                urls.append(UrlEntity(*last))
            if last is None:
                continue
            if path:
                urls[-1] = UrlEntity(url.replace(domain, last[0], 1), last[1], end)
        else:
            tco = r.valid_tco.search(url)
            if tco:
                if tco.group(1) and len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group()
                end = start + len(url)
            urls.append(UrlEntity(url, start, end))


def _valid_url(url: str, protocol: str, domain: str) -> bool:
    # isValidUrl: idna.toAscii(domain) must succeed; it gives back the domain itself, so the
    # length test is on the URL as written.
    if not _to_ascii(domain):
        return False
    return len(protocol) + len(url) <= MAX_URL_LENGTH


def _to_ascii(domain: str) -> str | None:
    """twitter-text's ``idna.toAscii``: None when a label is empty or over 63 after punycode."""
    if domain[:4] == "xn--" and not rules().valid_ascii_domain.search(domain):
        return None
    for label in domain.split("."):
        n = _punycode_length(label)
        if n < 1 or n > MAX_DOMAIN_LABEL_LENGTH:
            return None
    return domain


@lru_cache(maxsize=4096)
def _punycode_length(label: str) -> int:
    """``punycode.toASCII(label).length`` (punycode.js 1.4.1: "@" splits, any of .。．｡ separates labels)."""
    prefix = ""
    if "@" in label:
        parts = label.split("@")
        prefix, label = parts[0] + "@", parts[1]
    pieces = _PUNYCODE_SEPARATORS.sub(".", label).split(".")
    encoded = []
    for piece in pieces:
        if _NON_ASCII.search(piece):
            text = from_utf16(piece)
            encoded.append("xn--" + text.encode("punycode").decode("ascii"))
        else:
            encoded.append(piece)
    return len(prefix) + len(".".join(encoded))


def extract_emoji(units: str) -> list[tuple[int, int]]:
    """twemoji-parser 11's ``parse``: each emoji's [start, end) in code units."""
    return [m.span() for m in rules().emoji.finditer(units)]


@dataclass(frozen=True)
class Parsed:
    weighted_length: int
    valid: bool


def parse_tweet(text: str) -> Parsed:
    """``parseTweet(text)``: the weighted length and whether X takes the text (1-280, no invalid character)."""
    units = utf16(unicodedata.normalize("NFC", text))
    length = weighted_units(units)
    r = rules()
    valid = not r.invalid_chars.search(units) and 0 < length <= r.max_length
    return Parsed(length, valid)


def weighted_units(units: str) -> int:
    """The weighted length of code units that are already NFC."""
    r = rules()
    entities: dict[int, tuple[int, int]] = {}  # start -> (length to skip, weight), the library's hash maps
    emoji = {}
    for start, end in extract_emoji(units) if _maybe_emoji(units) else ():
        emoji[start] = (end - start, r.default_weight)
    for u in extract_urls(units):
        entities[u.start] = (len(u.url), r.url_length * r.scale)
    for start, value in emoji.items():
        entities.setdefault(start, value)  # a URL starting at the same index wins, as in parseTweet's loop
    total, at, n = 0, 0, len(units)
    for start in sorted(entities):
        if start < at:
            continue  # inside an entity already counted
        if start > at and _pair_at(units, start - 1):
            # the loop steps over this index as the second half of a surrogate pair (a high
            # surrogate at or after ``at`` is always where a step starts)
            continue
        total += _plain(units, at, start)
        skip, weight = entities[start]
        total += weight
        at = start + max(skip, 1)
    if at < n:
        total += _plain(units, at, n)
    return total // r.scale


def _maybe_emoji(units: str) -> bool:
    # Every twemoji sequence holds a unit above U+2000 or a keycap base followed by U+FE0F/U+20E3; © and ® too.
    return not units.isascii() and bool(_EMOJI_HINT.search(units))


_EMOJI_HINT = regex.compile("[\u00a9\u00ae\u2000-\uffff]")


def _pair_at(units: str, i: int) -> bool:
    return 0xD800 <= ord(units[i]) <= 0xDBFF and i + 1 < len(units) and 0xDC00 <= ord(units[i + 1]) <= 0xDFFF


def _plain(units: str, start: int, end: int) -> int:
    """The scaled weight of units[start:end] outside entities, as the loop steps: by code point, a
    surrogate pair weighing what its low half weighs (the default), a lone surrogate the default."""
    seg = units[start:end]
    light, heavy = _weights()
    if seg.isascii():
        return len(seg) * light
    # Every unit weighs "light"; a heavy unit adds the difference; a pair's two units (light + light)
    # weigh one default, which the config check in _weights() makes sure of.
    return len(seg) * light + (heavy - light) * (len(_heavy_unit().findall(seg)) + len(_LONE_SURROGATE.findall(seg)))


_LONE_SURROGATE = regex.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")


@cache
def _weights() -> tuple[int, int]:
    r = rules()
    light = {w for lo, hi, w in r.ranges}
    if len(light) != 1 or 2 * next(iter(light)) != r.default_weight or any(hi >= 0xD800 for lo, hi, w in r.ranges):
        raise RuntimeError("counter_data.json: a twitter-text config this port was not written for")
    return next(iter(light)), r.default_weight


@cache
def _heavy_unit() -> regex.Pattern[str]:
    light = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi, w in rules().ranges)
    return regex.compile(f"[^{light}\\ud800-\\udfff]")
