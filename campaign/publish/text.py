"""From a plan entry to the parts of a post: the composer, once per account's platform.

The queue stores composed text (and Bluesky facets), so what is sent is what
`schedule list --text` and `publish --dry-run` show, even if the message bank
changes later (until the plan is loaded again). Politicians are tagged as
they hold office on the day the post goes out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign.compose import compose
from campaign.model import Area, Campaign, Message
from campaign.registry import resolve_tags


def compose_parts(
    campaign: Campaign, message: Message, platform: str, area: Area, on: dt.date, instance_limit: int | None = None
) -> tuple[list[tuple[str, list[dict[str, Any]]]], str | None]:
    """The (text, facets) of each part of ``message`` for ``platform`` and ``area``, and its link URL."""
    rules = message.tag if message.tag is not None else campaign.settings.tag
    tags = resolve_tags(campaign, area, platform, tuple(rules), on=on) if rules and area.level == "kommun" else ()
    post = compose(campaign, message, area, platform, tags=tags, instance_limit=instance_limit)
    parts = [(part.text, [dict(f) for f in part.facets]) for part in post.parts]
    return parts, post.link
