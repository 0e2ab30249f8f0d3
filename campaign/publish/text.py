"""From a message to the parts of a post: the composer when it is there.

The queue stores composed text (and Bluesky facets), so this is the one place
that knows how text is made. ``campaign.compose.compose`` does the real work;
until it is available a plain fallback renders the national text with the
link and hashtags, and finds link and tag facets itself.
"""

from __future__ import annotations

import re
from typing import Any

from campaign.model import NATIONAL, Campaign, Message
from campaign.templating import context, render

_URL = re.compile(r"https?://[^\s]+[^\s.,;:!?)\]]")
_TAG = re.compile(r"(?<![\w#])#(\w*[^\W\d_]\w*)")


def compose_parts(campaign: Campaign, message: Message, platform: str) -> tuple[list[tuple[str, list[dict[str, Any]]]], str | None]:
    """The (text, facets) of each part of ``message`` for ``platform``, and its link URL."""
    try:
        from campaign.compose import compose  # type: ignore[attr-defined]
    except ImportError:
        return _fallback(campaign, message, platform)
    post = compose(campaign, message, NATIONAL, platform)
    parts = [(part.text, [dict(f) for f in part.facets]) for part in post.parts]
    return parts, getattr(post, "link", None)


def _fallback(campaign: Campaign, message: Message, platform: str) -> tuple[list[tuple[str, list[dict[str, Any]]]], str | None]:
    body = render(message.variants[0], context(campaign, NATIONAL, message.figures, message.link))
    url = campaign.link(message.link).url if message.link else None
    tags = [*message.hashtags, *(h.tag for h in campaign.hashtags if h.required)]
    tail = " ".join(["#" + t for t in dict.fromkeys(tags)])
    text = "\n\n".join(p for p in (body, url, tail) if p)
    return [(text, facets(text) if platform == "bluesky" else [])], url


def facets(text: str) -> list[dict[str, Any]]:
    """Bluesky link and tag facets for ``text``, with UTF-8 byte offsets."""
    out: list[dict[str, Any]] = []
    for m in _URL.finditer(text):
        out.append(_facet(text, m.start(), m.end(), {"$type": "app.bsky.richtext.facet#link", "uri": m.group()}))
    for m in _TAG.finditer(text):
        out.append(_facet(text, m.start(), m.end(), {"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}))
    return sorted(out, key=lambda f: f["index"]["byteStart"])


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    byte_start = len(text[:start].encode("utf-8"))
    byte_end = byte_start + len(text[start:end].encode("utf-8"))
    return {"$type": "app.bsky.richtext.facet", "index": {"byteStart": byte_start, "byteEnd": byte_end}, "features": [feature]}
