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
from typing import Any

import regex

from campaign.model import Mention

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"
MAX_TAG_GRAPHEMES = 64  # app.bsky.richtext.facet#tag: maxGraphemes 64

_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
# @atproto/api richtext/util.ts TAG_REGEX and TRAILING_PUNCTUATION_REGEX.
_TAG = regex.compile(
    rf"(^|\s)[#＃]((?!\ufe0f)[^\s{_INVISIBLE}]*[^\d\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)?"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_GRAPHEME = regex.compile(r"\X")


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of code point ``index`` in ``text``."""
    return len(text[:index].encode("utf-8"))


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)}, "features": [feature]}


def link_facets(text: str) -> list[dict[str, Any]]:
    from twitter_text.extract_urls import extract_urls_with_indices

    facets = []
    for url in extract_urls_with_indices(text) if "." in text else ():
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
        pattern = regex.compile(rf"(?<![\w@./]){regex.escape('@' + mention.handle)}(?![\w.-]*\w)")
        for match in pattern.finditer(text):
            facets.append(_facet(text, match.start(), match.end(), {"$type": MENTION, "did": mention.did}))
    return facets


def facets(text: str, mentions: Iterable[Mention] = ()) -> tuple[dict[str, Any], ...]:
    """Every link, mention (with a DID) and hashtag facet of ``text``, in text order."""
    found = link_facets(text) + mention_facets(text, mentions) + tag_facets(text)
    return tuple(sorted(found, key=lambda f: (f["index"]["byteStart"], f["index"]["byteEnd"])))
