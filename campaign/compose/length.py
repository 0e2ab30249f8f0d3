"""Text length as each platform counts it.

- X: npm twitter-text 3.1 ``parseTweet`` exactly (campaign/compose/xtext.py, a
  port running twitter-text's own expressions): NFC, URLs 23 (bare domains
  too), each emoji as twemoji-parser 11 splits it 2, code points by the v3
  weight ranges, ``\r\n`` two characters; an empty text or one holding
  U+FFFE, U+FEFF or U+FFFF is refused.
- Bluesky: grapheme clusters (300) and UTF-8 bytes (3 000) of the text as the
  Bluesky app posts it: each http(s) link's visible text shortened as
  social-app's ``toShortUrl`` does (campaign/compose/facets.py).
- Mastodon: as the server's ``StatusLengthValidator`` counts: grapheme
  clusters of the text with each URL that twitter-text's extractor finds with
  a scheme counted as 23 and each mention ``@user@domain`` (Mastodon's
  ``Account::MENTION_RE``, not followed by ``@`` or ``://``) as ``@user``,
  overlapping entities dropped as twitter-text does; a blank text counts 0.
  The limit is per instance (500 by default).
- Threads, LinkedIn, Facebook, Instagram: UTF-16 code units, as their web
  composers (JavaScript string length) count; never less than the number of
  characters people see, so a post that fits here fits there.

The page's counter (campaign/site/static/count.js) implements the same rules;
tests/test_counters_node.py runs both against the reference libraries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from campaign.compose import xtext
from campaign.compose.facets import short_text
from campaign.compose.fit import Sizes
from campaign.compose.jsre import JS_SPACE
from campaign.compose.platforms import PLATFORMS, Platform
from campaign.compose.platforms import platform as get_platform

X_URL_WEIGHT = 23  # twitter-text transformed_url_length
MASTODON_URL_WEIGHT = 23  # Mastodon's StatusLengthValidator URL_PLACEHOLDER
_GRAPHEME = regex.compile(r"\X")
# A hashtag as the platforms link one: "#" at the start or after white space, then letters, marks, digits, "_".
HASHTAG = regex.compile(rf"(?:^|(?<=[{JS_SPACE}]))#([\p{{L}}\p{{M}}\p{{N}}_]+)")
# Mastodon's Account::MENTION_RE (app/models/account.rb): Onigmo's [[:word:]] is UTS #18 \w (below);
# the user part is case-insensitive ASCII, the domain any word characters joined by "." or "-".
_WORD = r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}"
_MASTODON_MENTION = regex.compile(rf"(?<![=/{_WORD}])@((?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*))(?:@[{_WORD}]+(?:[.-]+[{_WORD}]+)*)?")
# twitter-text's end_mention_match: a mention followed by one of these is none
_LATIN_ACCENTS = "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
_END_MENTION = regex.compile(rf"[@\uff20{_LATIN_ACCENTS}]|://")
_BLANK = regex.compile(r"[\p{White_Space}]*")  # ActiveSupport's String#blank?


def normalise_x(text: str) -> str:
    """NFC, as X's library normalises a text before counting it."""
    return unicodedata.normalize("NFC", text)


def x_length(text: str) -> int:
    """The twitter-text v3 weighted length of ``text`` (``parseTweet(text).weightedLength``).

    Counted line by line (each line cached, with the "\n" before it, which
    weighs 1): a URL or an emoji never spans a line break, NFC never joins
    across one, and what precedes a line's first link is that "\n", so the
    sum is exact (the differential test checks whole texts).
    """
    if "\n" not in text:
        return _x_line(text)
    first, *rest = text.split("\n")
    return _x_line(first) + sum(_x_line("\n" + line) for line in rest)


@lru_cache(maxsize=65536)
def _x_line(text: str) -> int:
    if text.isascii() and "." not in text:
        return len(text)  # no URL without a dot, no emoji in ASCII, every ASCII character weighs 1
    return xtext.weighted_units(xtext.utf16(unicodedata.normalize("NFC", text)))


def x_valid(text: str) -> bool:
    """False when X refuses the text whatever its length: it is empty or holds U+FFFE, U+FEFF or U+FFFF."""
    # (NFC never makes or removes U+FFFE, U+FEFF or U+FFFF, so the text is searched as it is)
    if not text:
        return False
    if text.isascii():
        return True
    chars = _invalid_chars()
    if chars is None:
        return not xtext.rules().invalid_chars.search(text)
    return not any(c in text for c in chars)  # three substring searches in C, not a regex scan


@lru_cache(maxsize=1)
def _invalid_chars() -> tuple[str, ...] | None:
    """The characters twitter-text's ``invalidChars`` matches (U+FEFF, U+FFFE, U+FFFF), found by running it
    over the BMP once; None when the expression could match beyond the BMP (then it is run on each text)."""
    pattern = xtext.rules().invalid_chars
    if regex.search(r"\\U|\\x\{|[\U00010000-\U0010ffff]", pattern.pattern):
        return None
    return tuple(sorted(set(pattern.findall("".join(map(chr, range(0x10000)))))))


def x_urls(text: str, without_protocol: bool = True) -> list[tuple[int, int]]:
    """twitter-text's URL entities as [start, end) code-point indices of ``text`` (already NFC)."""
    units = xtext.utf16(text)
    found = xtext.extract_urls(units, without_protocol)
    if units is text:
        return [(u.start, u.end) for u in found]
    return [(_cp_index(units, u.start), _cp_index(units, u.end)) for u in found]


def _cp_index(units: str, i: int) -> int:
    return len(xtext.from_utf16(units[:i]))


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
    """Mastodon's status length: graphemes, URLs 23, ``@user@domain`` as ``@user``, a blank text 0.

    Line by line, as for X: URLs, mentions and grapheme clusters end at "\n"
    (but "\r\n" is one cluster, so such texts are counted whole).
    """
    if "\n" not in text or "\r" in text:
        return _mastodon_line(text) if not _BLANK.fullmatch(text) else 0
    if _BLANK.fullmatch(text):
        return 0
    first, *rest = text.split("\n")
    return _mastodon_line(first) + sum(_mastodon_line("\n" + line) for line in rest)


@lru_cache(maxsize=65536)
def _mastodon_line(text: str) -> int:
    return _grapheme_line(mastodon_countable(text))


def mastodon_countable(text: str) -> str:
    """The text Mastodon counts: each URL replaced by 23 characters, each remote mention by ``@user``.

    As the server's ``countable_text``: the URLs (with a scheme) and the mentions
    of the whole text, overlapping ones dropped (the earlier start wins), each
    rewritten in place.
    """
    entities: list[tuple[int, int, str]] = []
    if "://" in text:
        entities += [(first, end, "x" * MASTODON_URL_WEIGHT) for first, end in x_urls(text, False)]
    if "@" in text:
        for m in _MASTODON_MENTION.finditer(text):
            if not _END_MENTION.match(text, m.end()):
                entities.append((m.start(), m.end(), "@" + m.group(1)))
    if not entities:
        return text
    pieces, start = [], 0
    for first, end, placeholder in sorted(entities):
        if first < start:
            continue  # overlaps the one before (twitter-text remove_overlapping_entities)
        pieces += [text[start:first], placeholder]
        start = end
    return "".join(pieces) + text[start:]


@dataclass(frozen=True)
class Count:
    """A text's length on one platform, against that platform's limit and its other rules."""

    platform: str
    length: int
    limit: int
    unit: str
    bytes: int | None = None  # UTF-8 bytes, where the platform limits them too
    byte_limit: int | None = None
    valid: bool = True  # False when the platform refuses the text whatever its length (X: empty, or U+FFFE/FEFF/FFFF)
    hashtags: int | None = None  # hashtags in the text, where the platform caps them
    max_hashtags: int | None = None
    links: int | None = None  # links in the text, where the platform caps them
    max_links: int | None = None

    @property
    def fits(self) -> bool:
        return not self.problems()

    @property
    def overflow(self) -> int:
        """How far over the limit the text is (0 when it fits), in the platform's unit."""
        return max(0, self.length - self.limit)

    def issues(self) -> list[tuple[str, dict[str, int]]]:
        """Every rule the text breaks, as (the page's string key, its values), in the order both say them."""
        out: list[tuple[str, dict[str, int]]] = []
        if not self.valid:
            out.append(("counter_refused", {}))
        if self.overflow:
            out.append(("counter_over", {"over": self.overflow}))
        if self.byte_limit is not None and (self.bytes or 0) > self.byte_limit:
            out.append(("counter_bytes", {"over": (self.bytes or 0) - self.byte_limit, "max": self.byte_limit}))
        if self.max_hashtags is not None and (self.hashtags or 0) > self.max_hashtags:
            out.append(("counter_hashtags", {"over": (self.hashtags or 0) - self.max_hashtags, "max": self.max_hashtags}))
        if self.max_links is not None and (self.links or 0) > self.max_links:
            out.append(("counter_links", {"over": (self.links or 0) - self.max_links, "max": self.max_links}))
        return out

    def problems(self) -> list[str]:
        """Every rule the text breaks, in the words ``campaign count`` and the page's counter use.

        The page says the same (campaign/site/static/page.js from campaign/site/strings.py, whose
        English entries are these words: tests/test_page_caps_browser.py checks both).
        """
        return [problem_words(key, values) for key, values in self.issues()]

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
        if self.max_links is not None:
            data.update(links=self.links, max_links=self.max_links)
        if not self.valid:
            data["valid"] = False
        return data


REFUSED = "empty, or a character the platform does not take"
# Each problem's words, as campaign/site/strings.py has them in English for the page: "{one|more}" by {over}.
PROBLEM_WORDS = {
    "counter_refused": REFUSED,
    "counter_over": "{over} {character|characters} too long",
    "counter_bytes": "{over} {byte|bytes} over the limit of {max}",
    "counter_hashtags": "{over} {hashtag|hashtags} over the limit of {max}",
    "counter_links": "{over} {link|links} over the limit of {max}",
}
_PLURAL = regex.compile(r"\{([^{}|]*)\|([^{}]*)\}")


def problem_words(key: str, values: dict[str, int]) -> str:
    """One problem in ``campaign count``'s words: ``2 hashtags over the limit of 1``."""
    words = _PLURAL.sub(lambda m: m.group(1) if values.get("over") == 1 else m.group(2), PROBLEM_WORDS[key])
    return words.format(**values)


_UNITS = {"x": "weighted characters", "bluesky": "graphemes", "mastodon": "characters", "utf16": "characters"}


def platform_rules() -> dict[str, dict[str, Any]]:
    """The platform table's rules for the page's counter (count.js ``check``), with the CLI's words."""
    return {
        p.id: {
            "counter": p.counter,
            "limit": p.limit,
            "unit": _UNITS[p.counter],
            "maxBytes": p.max_bytes,
            "maxHashtags": p.max_hashtags,
            "maxLinks": p.max_links,
            "refused": REFUSED,
        }
        for p in PLATFORMS.values()
    }


def limit_of(p: Platform, instance_limit: int | None = None) -> int:
    """The platform's limit; a Mastodon instance may set its own."""
    return instance_limit if (instance_limit and p.id == "mastodon") else p.limit


def bluesky_text(text: str) -> str:
    """The text as the Bluesky app posts it: each http(s) link's visible text shortened."""
    if "http" not in text:
        return text
    return short_text(text)


def measure(p: Platform, text: str) -> int:
    """The length of ``text`` in ``p``'s own unit."""
    kind = p.counter
    if kind == "x":
        return x_length(text)
    if kind == "bluesky":
        return graphemes(bluesky_text(text))
    if kind == "mastodon":
        return mastodon_length(text)
    return utf16_units(text)


def fits(p: Platform, text: str, limit: int) -> bool:
    """Whether ``text`` fits ``p`` under ``limit`` (and the byte limit, where there is one)."""
    if p.counter == "bluesky":
        text = bluesky_text(text)
    if p.max_bytes is not None and len(text) * 4 > p.max_bytes and utf8_bytes(text) > p.max_bytes:
        return False  # (a code point is at most 4 bytes, so a short text needs no encoding)
    if p.counter == "bluesky":
        return graphemes(text) <= limit
    if p.counter == "x" and not x_valid(text):
        return False
    return measure(p, text) <= limit


def pieces_length(p: Platform, pieces: tuple[str, ...], limit: int) -> int | None:
    """``measure(p, text)`` when ``fits(p, text, limit)``, else None, for ``text = "".join(pieces)``, from each
    piece's cached counts: a body shared by seven platforms, a kommun's mentions ending forty messages
    or a link and hashtags ending a thousand posts are each counted once.

    Every counter is the sum of the pieces' where each piece after the first starts a line (each
    counter counts line by line, and nothing it counts spans a line break), or follows a space
    and starts with neither white space nor a character that joins the one before it (a mark,
    a joiner: nothing X, Bluesky or Mastodon counts as one then spans the two; a space composes
    with nothing under NFC, and a link or a mention may begin after a space as at the start).
    Bytes add up too. Elsewhere, or where a piece holds "\r" ("\r\n" is one grapheme) or is
    blank (Mastodon counts a blank text 0), the text is counted whole.
    """
    counter = p.counter
    length = size = 0
    valid = False
    for i, piece in enumerate(pieces):
        if i and piece[:1] != "\n":
            found = _spaced(counter, piece) if _joins_cleanly(pieces[i - 1], piece) else None
        else:
            found = _piece(counter, piece)
        if found is None:
            return _whole(p, "".join(pieces), limit)
        length += found[0]
        size += found[1]
        if not found[2]:
            return None  # a character X refuses
        valid = valid or bool(piece)
    if length > limit or (p.max_bytes is not None and size > p.max_bytes):
        return None
    if counter == "x" and not valid:
        return None  # empty
    return length


def lines_length(p: Platform, pieces: tuple[str, ...], limit: int) -> int | None:
    """``pieces_length`` where each piece after the first starts with "\n" (a post's body, then its mentions
    line, then its link and hashtag lines): the composer's common case, each piece counted as it is."""
    counter = p.counter
    length = size = 0
    for piece in pieces:
        found = _piece(counter, piece)
        if found is None:
            return _whole(p, "".join(pieces), limit)
        if not found[2]:
            return None  # a character X refuses
        length += found[0]
        size += found[1]
    if length > limit or (p.max_bytes is not None and size > p.max_bytes):
        return None
    if counter == "x" and not any(pieces):
        return None  # empty
    return length


def _joins_cleanly(before: str, piece: str) -> bool:
    return before.endswith(" ") and bool(piece) and not _JOINS_BEFORE.match(piece)


def _spaced(counter: str, piece: str) -> tuple[int, int, bool] | None:
    """A piece's share of a text where it follows a space: counted with that space before it (what
    some expressions look back at: twitter-text finds a link in "åäöexample.com" at its start
    otherwise than after a space), less the space's own 1 (a space weighs 1 everywhere, 1 byte).

    A long piece is the sum of its sentences so counted (as :func:`_piece` sums them, under the keys
    a body's own sentences were memoised under: a thread part's sentences are its body's)."""
    if len(piece) > 80 and "\r" not in piece:
        return _spaced_sentences(counter, piece)
    found = _piece(counter, " " + piece)
    return None if found is None else (found[0] - 1, found[1] - 1, found[2])


def _spaced_sentences(counter: str, piece: str) -> tuple[int, int, bool] | None:
    """``_spaced(counter, piece)`` as the sum of the piece's sentences, each after a space ("\r" aside)."""
    length = size = 0
    valid = True
    for sentence in sentence_pieces(piece):
        found = _sentence(counter, sentence, True)
        if found is None:
            return None
        length, size, valid = length + found[0], size + found[1], valid and found[2]
    return length, size, valid


# What must not start a piece after a space: white space (a blank piece, or one Mastodon strips) and
# what joins the character before it into one grapheme (GB9, GB9a).
_JOINS_BEFORE = regex.compile(
    rf"[{JS_SPACE}\p{{White_Space}}\p{{Grapheme_Cluster_Break=Extend}}"
    r"\p{Grapheme_Cluster_Break=ZWJ}\p{Grapheme_Cluster_Break=SpacingMark}]"
)
_NUMBERED = regex.compile(r"[0-9]{1,2}/[0-9]{1,2} ")  # a thread part's "2/3 "


def composed_length(p: Platform, text: str, limit: int) -> int | None:
    """``measure(p, text)`` when ``fits(p, text, limit)``, else None, for the composer's many tries: the text
    cut before its last blank line (the tail), after the tail's first line (its mentions, as a post's
    are cut: ``core.tail_pieces``) and after a thread part's number, and counted from the pieces
    (:func:`pieces_length`), so that the same sentences tried under other numbers, and the same tail
    under other bodies, are counted once."""
    key = (p.id, limit, text)
    if key in _TRIED:
        return _TRIED[key]
    if len(_TRIED) > 100_000:  # (each key holds a text: some 50 MB at most)
        _TRIED.clear()
    i = text.rfind("\n\n")
    head, rest = (text[:i], text[i:]) if i > 0 else (text, "")
    numbered = _NUMBERED.match(head)
    pieces: tuple[str, ...] = (
        (head[: numbered.end()], head[numbered.end() :]) if numbered and numbered.end() < len(head) else (head,)
    )
    if rest:
        cut = rest.find("\n", 2)
        pieces += (rest[:cut], rest[cut:]) if cut > 2 else (rest,)
    found = _TRIED[key] = pieces_length(p, pieces, limit)
    return found


_TRIED: dict[tuple[str, int, str], int | None] = {}  # the composer tries a thread's parts more than once


_WHOLE: dict[tuple[str, int, str], int | None] = {}


def _whole(p: Platform, text: str, limit: int) -> int | None:
    key = (p.id, limit, text)
    try:
        return _WHOLE[key]
    except KeyError:
        pass
    if len(_WHOLE) > 50_000:
        _WHOLE.clear()
    found = _WHOLE[key] = measure(p, text) if fits(p, text, limit) else None
    return found


@lru_cache(maxsize=131072)
def _piece(counter: str, text: str) -> tuple[int, int, bool] | None:
    """(length, UTF-8 bytes as posted, no character X refuses) of one piece, or None: count it whole.

    A long piece is the sum of its sentences (cut after the space that follows each one, see
    :func:`pieces_length` and :func:`_spaced`), each counted once: a message's sentences recur in
    every area.
    """
    if "\r" in text:
        return None
    counted = plain(text)
    if counted is not None:
        return counted.count(counter)
    sentences = sentence_pieces(text) if len(text) > 80 else (text,)
    if len(sentences) == 1:
        return _counted(counter, text)
    length = size = 0
    valid = True
    for i, sentence in enumerate(sentences):
        found = _sentence(counter, sentence, bool(i))
        if found is None:
            return _counted(counter, text)
        length, size, valid = length + found[0], size + found[1], valid and found[2]
    return length, size, valid


# Plain text: characters each of which every counter counts as one (its own grapheme, NFC whatever is
# beside it, no emoji, one UTF-16 unit, no character X refuses), and nothing any counter finds as an
# entity: no "://" (a link with a scheme), no "." before a letter or digit (a domain), no "@" (a
# mention). Its length is its number of characters everywhere, but X weighs those of PLAIN_HEAVY 2.
# tests/test_compose_pieces.py holds each character of the class to the counters.
PLAIN_CHARS = "\t\n -~\u00a0-\u00a8\u00aa-\u00ac\u00af-\u02ff\u2010-\u201f\u2026\u202f\u20ac\u2212"
PLAIN_HEAVY = "\u2026\u202f\u20ac\u2212"  # (… narrow no-break space € −: outside twitter-text's light ranges)
_NOT_PLAIN = re.compile(rf"[^{PLAIN_CHARS}]|\.(?=\w)|://|@")
_NOT_PLAIN_CHAR = re.compile(rf"[^{PLAIN_CHARS}]")
_DOT_BEFORE_WORD = re.compile(r"\.(?=\w)")


_PLAIN_LATIN_1 = bytes(i for i in range(256) if not _NOT_PLAIN_CHAR.match(chr(i)))  # (as ISO 8859-1 bytes)


def not_plain(text: str) -> bool:
    """Whether ``_NOT_PLAIN`` finds something in ``text``: its literal cases as substring tests, the dot
    looked for only where there is one, and a text of ISO 8859-1 characters (most bodies) checked as
    bytes with the plain ones deleted, which is several times quicker than the expression trying every
    case at every character."""
    if "@" in text or "://" in text or ("." in text and _DOT_BEFORE_WORD.search(text) is not None):
        return True
    try:
        latin_1 = text.encode("latin-1")
    except UnicodeEncodeError:
        return _NOT_PLAIN_CHAR.search(text) is not None
    return bool(latin_1.translate(None, _PLAIN_LATIN_1))


@dataclass(frozen=True, slots=True)
class Plain:
    """A plain text's counts (see ``PLAIN_CHARS``): the same on every counter but X's."""

    length: int  # characters: the length on every counter but X
    bytes: int  # UTF-8
    x_length: int  # twitter-text's weighted length
    facets: bool  # it may hold a Bluesky tag or cashtag ("#", "$"); it holds no link or mention

    def count(self, counter: str) -> tuple[int, int, bool]:
        """What ``_piece(counter, text)`` gives."""
        return (self.x_length if counter == "x" else self.length), self.bytes, True


@lru_cache(maxsize=65536)
def plain(text: str) -> Plain | None:
    """The counts of ``text`` when it is plain and not blank (each of a post's bodies is counted for four
    counters and seven platforms), else None: count it the usual way."""
    if "\r" in text or not_plain(text) or not text.strip():
        return None
    n = len(text)
    size = len(text.encode("utf-8"))
    return Plain(n, size, n if size == n else n + _heavy(text), "#" in text or "$" in text)  # (size n: ASCII)


def plain_count(counter: str, text: str) -> tuple[int, int, bool]:
    """(length, UTF-8 bytes, True) of a non-blank plain text (``_NOT_PLAIN`` finds nothing in it) on ``counter``:
    what :func:`_counted` gives, without running any counter's expressions."""
    n = len(text)
    if counter == "x" and not text.isascii():
        n += _heavy(text)
    return n, len(text.encode("utf-8")), True


def _heavy(text: str) -> int:
    """How many characters of ``PLAIN_HEAVY`` the text holds (each a quick scan, none in a text of ISO 8859-1)."""
    return text.count("\u2026") + text.count("\u202f") + text.count("\u20ac") + text.count("\u2212")


@lru_cache(maxsize=131072)
def _sentence(counter: str, text: str, after_space: bool) -> tuple[int, int, bool] | None:
    if not after_space:
        return _counted(counter, text)
    found = _counted(counter, " " + text)  # with the space before it, as in the text (see _spaced)
    return None if found is None else (found[0] - 1, found[1] - 1, found[2])


def _counted(counter: str, text: str) -> tuple[int, int, bool] | None:
    if counter == "x":
        return x_length(text), utf8_bytes(text), x_valid(text) or not text
    if counter == "bluesky":
        posted = bluesky_text(text)
        return graphemes(posted), utf8_bytes(posted), True
    if counter == "mastodon":
        return None if _BLANK.fullmatch(text) else (mastodon_length(text), utf8_bytes(text), True)
    return utf16_units(text), utf8_bytes(text), True


_SENTENCE_GAP = regex.compile(r"(?<=[.!?…:;,][\"'”»)]*) (?=\S)")


@lru_cache(maxsize=65536)
def sentence_pieces(text: str) -> tuple[str, ...]:
    """``text`` cut after each space that follows a sentence or clause stop (each piece but the last ends
    with that space), where the next piece starts cleanly (:func:`pieces_length`): what every counter,
    and the Bluesky facets, give as the sum of the pieces'."""
    out, start = [], 0
    for gap in _SENTENCE_GAP.finditer(text):
        cut = gap.end()
        if not _JOINS_BEFORE.match(text, cut):
            out.append(text[start:cut])
            start = cut
    out.append(text[start:])
    return tuple(out)


def count(platform_id: str | Platform, text: str, *, instance_limit: int | None = None) -> Count:
    """Count ``text`` as the platform does. ``instance_limit`` overrides Mastodon's 500."""
    p = platform_id if isinstance(platform_id, Platform) else get_platform(platform_id)
    posted = bluesky_text(text) if p.counter == "bluesky" else text
    return Count(
        platform=p.id,
        length=measure(p, text),
        limit=limit_of(p, instance_limit),
        unit=_UNITS[p.counter],
        bytes=utf8_bytes(posted) if p.max_bytes is not None else None,
        byte_limit=p.max_bytes,
        valid=x_valid(text) if p.counter == "x" else True,
        hashtags=len(HASHTAG.findall(text)) if p.max_hashtags is not None else None,
        max_hashtags=p.max_hashtags,
        links=len(x_urls(text)) if p.max_links is not None else None,
        max_links=p.max_links,
    )


@lru_cache(maxsize=64)
def part_sizes(p: Platform, limit: int) -> Sizes:
    """How ``p`` counts a thread part's pieces under ``limit``, for :func:`campaign.compose.fit.thread`: each
    piece's share of a text as :func:`pieces_length` adds it up, None where it does not add up.

    A piece after a space must start cleanly; it is the sum of its sentences (:func:`sentence_pieces`),
    each after a space (the counts the body's own were memoised under). A piece with a line break after
    its first line is that line, then the rest from the break (a tail: its mentions, then its link
    and hashtags, as :func:`campaign.compose.core.tail_pieces` cuts it and a post counted them)."""
    counter = p.counter

    def count(piece: str, after_space: bool) -> tuple[int, int, bool] | None:
        if "\r" in piece:
            return None
        start = len(piece) - len(piece.lstrip("\n"))
        cut = piece.find("\n", start)
        line, rest = (piece[:cut], piece[cut:]) if cut > 0 else (piece, "")
        if not after_space:
            found = _piece(counter, line)
        elif not line or _JOINS_BEFORE.match(line):
            return None
        else:
            found = _spaced_sentences(counter, line)
        if found is None or not rest:
            return found
        more = _piece(counter, rest)
        return None if more is None else (found[0] + more[0], found[1] + more[1], found[2] and more[2])

    return Sizes(count, limit, p.max_bytes)
