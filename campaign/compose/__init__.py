"""The composer: exact, platform-sized posts for every message, area and platform.

Public API (stable; the images, page and publishing stages use it):

- ``PLATFORMS``, ``platform(id) -> Platform`` (platforms.py): the one table of
  limits and rules (limit, counter, threads, text mentions, clickable links,
  hashtag cap, byte limit), each with its source.
- ``count(platform, text, *, instance_limit=None) -> Count`` (length.py): the
  length as the platform counts it, its limit, ``fits``, ``overflow``.
- ``compose(campaign, message, area, platform, *, tags=None, instance_limit=None, on=None) -> Post``:
  one post. ``tags`` is the registry's ``Tagging`` (or a sequence of
  ``Mention``); None asks the registry (``campaign.registry.resolve_tags``)
  for the roles held on ``on`` (default: the campaign's launch date).
- ``compose_all(campaign, areas, platforms=None, messages=None, *, instance_limit=None, on=None, progress=None)
  -> list[Post]``: every combination, sorted by area (national, län, kommun;
  by code), message (campaign order), platform (table order). All failures
  are raised together as ``CampaignInvalid``.
- ``Post`` (frozen): ``message_id, kind, platform, area, variant, parts``
  (``Part``: ``text, length, limit, facets``), ``link`` (final URL with UTM),
  ``hashtags``, ``mentions``, ``dropped`` (``Dropped``: kind, value, reason),
  ``levels``; ``.text``, ``.is_thread``, ``.to_json()``.
- ``facets(text, mentions)`` (facets.py): Bluesky ``app.bsky.richtext.facet`` dicts.
- ``with_utm(url, utm, platform_id)`` (utm.py).

Layout of a post: the body, a blank line, then one line each for the
mentions, the link and the hashtags. A thread's parts start "1/3 "; the
mentions, link and hashtags go on the last part. Variants rotate by the
area's place among its siblings (kommuner of its län in code order), offset by
a hash of the message id, so neighbours get different phrasings. A figure
whose value is the län's or the nation's, in a text that does not say so,
gets its note ("(riksgenomsnitt)", "(siffra för Uppsala län)") after the
sentence that gives it.

Decisions: Instagram captions carry the link as text after "Länk i bio: "
(it is not clickable there; the URL, with ``utm_source=instagram``, is what
goes in the bio). On LinkedIn and Facebook, where a plain "@name" tags no one,
politicians are named with their role. Threads allows one topic tag, so it
keeps the highest-priority (required first) tag.
"""

from __future__ import annotations

from campaign.compose.core import Dropped, Part, Post, PostTooLong, RenderFailed, compose, compose_all
from campaign.compose.facets import facets
from campaign.compose.length import Count, count
from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS, Platform, platform
from campaign.compose.utm import with_utm

__all__ = [
    "PLATFORMS",
    "PLATFORM_IDS",
    "Count",
    "Dropped",
    "Part",
    "Platform",
    "Post",
    "PostTooLong",
    "RenderFailed",
    "compose",
    "compose_all",
    "count",
    "facets",
    "platform",
    "with_utm",
]
