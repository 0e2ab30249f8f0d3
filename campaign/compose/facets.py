"""Bluesky rich-text facets: what makes links, mentions and hashtags clickable.

A facet marks a byte range of the post's UTF-8 text (``byteStart`` inclusive,
``byteEnd`` exclusive) with one feature, in the shape of the
``app.bsky.richtext.facet`` lexicon, ready for JSON:

    {"index": {"byteStart": 0, "byteEnd": 23},
     "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://…"}]}

Links are found as Bluesky's own client finds them (URLs with a scheme, and
bare domains given ``https://``); hashtags by Bluesky's tag rule (after
start or whitespace, not only digits, trailing punctuation stripped, at most
64 graphemes); a mention only when its DID is known, since the facet needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import regex

from campaign.model import Mention

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"
MAX_TAG_GRAPHEMES = 64  # app.bsky.richtext.facet#tag: maxGraphemes 64

_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
# @atproto/api richtext/util.ts TAG_REGEX and TRAILING_PUNCTUATION_REGEX.
_TAG = regex.compile(rf"(^|\s)[#＃]((?!\ufe0f)[^\s{_INVISIBLE}]*[^\d\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)?")
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_GRAPHEME = regex.compile(r"\X")


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of code point ``index`` in ``text``."""
    return len(text[:index].encode("utf-8"))


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)}, "features": [feature]}


def link_facets(text: str) -> list[dict[str, Any]]:
    from campaign.compose.length import _urls

    facets = []
    for url in _urls(text):
        start, end = url["indices"]
        uri = url["url"] if "://" in url["url"] else "https://" + url["url"]
        facets.append(_facet(text, start, end, {"$type": LINK, "uri": uri}))
    return facets


def tag_facets(text: str) -> list[dict[str, Any]]:
    facets = []
    for match in _TAG.finditer(text):
        tag = match.group(2)
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", tag.strip())
        if not tag or len(_GRAPHEME.findall(tag)) > MAX_TAG_GRAPHEMES:
            continue
        start = match.start() + len(match.group(1))
        facets.append(_facet(text, start, start + 1 + len(tag), {"$type": TAG, "tag": tag}))
    return facets


def mention_facets(text: str, mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    facets = []
    for mention in mentions:
        if not (mention.handle and mention.did):
            continue
        if "@" + mention.handle not in text:
            continue
        for match in _mention_pattern(mention.handle).finditer(text):
            facets.append(_facet(text, match.start(), match.end(), {"$type": MENTION, "did": mention.did}))
    return facets


@lru_cache(maxsize=4096)
def _mention_pattern(handle: str) -> regex.Pattern[str]:
    # "@handle" standing alone: not inside an e-mail address, a URL or a longer handle
    return regex.compile(rf"(?<![\w@./]){regex.escape('@' + handle)}(?![\w.-]*\w)")


def facets(text: str, mentions: Iterable[Mention] = ()) -> tuple[dict[str, Any], ...]:
    """Every link, mention (with a DID) and hashtag facet of ``text``, in text order."""
    found = mention_facets(text, mentions)
    offset = 0
    for line in text.split("\n"):  # links and tags end at a line break; each line's are cached
        for start, end, feature in _line_facets(line):
            found.append({"index": {"byteStart": offset + start, "byteEnd": offset + end}, "features": [dict(feature)]})
        offset += len(line.encode("utf-8")) + 1
    return tuple(sorted(found, key=lambda f: (f["index"]["byteStart"], f["index"]["byteEnd"])))


@lru_cache(maxsize=16384)
def _line_facets(line: str) -> tuple[tuple[int, int, tuple[tuple[str, str], ...]], ...]:
    return tuple(
        (f["index"]["byteStart"], f["index"]["byteEnd"], tuple(f["features"][0].items()))
        for f in link_facets(line) + tag_facets(line)
    )
