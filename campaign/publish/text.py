"""From a plan entry to the parts of a post: the composer, once per account's platform.

The queue stores composed text (and Bluesky facets), so what is sent is what
`schedule list --text` and `publish --dry-run` show, even if the message bank
changes later (until the plan is loaded again).
"""

from __future__ import annotations

from typing import Any

from campaign.compose import compose
from campaign.model import Area, Campaign, Message


def compose_parts(
    campaign: Campaign, message: Message, platform: str, area: Area, instance_limit: int | None = None
) -> tuple[list[tuple[str, list[dict[str, Any]]]], str | None]:
    """The (text, facets) of each part of ``message`` for ``platform`` and ``area``, and its link URL."""
    post = compose(campaign, message, area, platform, instance_limit=instance_limit)
    parts = [(part.text, [dict(f) for f in part.facets]) for part in post.parts]
    return parts, post.link
