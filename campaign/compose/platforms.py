"""The one platform table: every limit and rule the composer and the other stages use.

A change in a platform's rules is one edit here. Sources are in
``../shared/PLATFORMS.md`` (checked November 2026); each row says where its
figures come from. Other stages import :data:`PLATFORMS` and :func:`platform`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from campaign.errors import NotFound

Counter = Literal["x", "bluesky", "mastodon", "utf16"]


@dataclass(frozen=True)
class Platform:
    """What a post on one platform may hold and how its text is counted."""

    id: str  # the id used in campaign files, CLI options and file names
    name: str  # as people write it
    limit: int  # the text limit, in the unit ``counter`` counts
    counter: Counter  # which length function counts as the platform does (see length.py)
    threads: bool  # a too-long body may become a numbered thread of replies
    text_mentions: bool  # "@handle" in plain text tags someone; otherwise a politician is named
    clickable_links: bool  # a URL in the text is a link
    max_hashtags: int | None  # a cap on hashtags a post, None when there is none in practice
    max_bytes: int | None = None  # a second limit in UTF-8 bytes (Bluesky)
    max_links: int | None = None  # links a post may carry (Threads)
    source: str = ""  # where the figures come from


# Order is the order of output files and listings.
PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        # twitter-text config v3 (weighted length 280: URLs 23, emoji 2, CJK 2), official library and
        # its conformance suite; PLATFORMS.md "Text length".
        Platform(
            "x",
            "X",
            280,
            "x",
            threads=True,
            text_mentions=True,
            clickable_links=True,
            max_hashtags=None,
            source="twitter-text config v3 (npm twitter-text, conformance/validate.yml)",
        ),
        # app.bsky.feed.post lexicon: text maxGraphemes 300, maxLength 3000 (bytes); facets for links/mentions/tags.
        Platform(
            "bluesky",
            "Bluesky",
            300,
            "bluesky",
            threads=True,
            text_mentions=True,
            clickable_links=True,
            max_hashtags=None,
            max_bytes=3000,
            source="app.bsky.feed.post lexicon (maxGraphemes 300, maxLength 3000)",
        ),
        # Mastodon StatusLengthValidator: 500 graphemes by default, per instance
        # (GET /api/v2/instance → configuration.statuses.max_characters); URLs 23, @user@domain as @user.
        Platform(
            "mastodon",
            "Mastodon",
            500,
            "mastodon",
            threads=True,
            text_mentions=True,
            clickable_links=True,
            max_hashtags=None,
            source="Mastodon StatusLengthValidator; /api/v2/instance max_characters",
        ),
        # Meta's Threads docs: 500 characters, at most 5 links, one topic tag a post.
        Platform(
            "threads",
            "Threads",
            500,
            "utf16",
            threads=True,
            text_mentions=True,
            clickable_links=True,
            max_hashtags=1,
            max_links=5,
            source="Threads API docs (500 characters, 5 links, 1 topic tag)",
        ),
        # Third-party figure (3 000); mentions need structured URNs, so politicians are named.
        Platform(
            "linkedin",
            "LinkedIn",
            3000,
            "utf16",
            threads=False,
            text_mentions=False,
            clickable_links=True,
            max_hashtags=None,
            source="third-party figure (3 000 characters); Posts API for mentions",
        ),
        # Old third-party figure (63 206); Facebook strips plain "@Name", so politicians are named.
        Platform(
            "facebook",
            "Facebook",
            63206,
            "utf16",
            threads=False,
            text_mentions=False,
            clickable_links=True,
            max_hashtags=None,
            source="third-party figure (63 206 characters)",
        ),
        # Caption 2 200; links are not clickable; at most 5 hashtags since December 2025 (reported, was 30).
        Platform(
            "instagram",
            "Instagram",
            2200,
            "utf16",
            threads=False,
            text_mentions=True,
            clickable_links=False,
            max_hashtags=5,
            source="Instagram caption 2 200; 5-hashtag cap reported December 2025",
        ),
    )
}

PLATFORM_IDS: tuple[str, ...] = tuple(PLATFORMS)


def platform(platform_id: str) -> Platform:
    """The platform with this id; :class:`NotFound` naming the known ones otherwise."""
    try:
        return PLATFORMS[platform_id.strip().lower()]
    except KeyError:
        from campaign.schema import suggest  # only for this error: the schema module brings the YAML loader with it

        raise NotFound(
            f"unknown platform {platform_id!r}{suggest(platform_id, PLATFORM_IDS)}; known: {', '.join(PLATFORM_IDS)}"
        ) from None
