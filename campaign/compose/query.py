"""Selecting posts for `campaign posts`: areas by kommun or län name/code, platforms, messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from campaign import registry
from campaign.compose.core import Post, compose_all
from campaign.compose.platforms import platform as get_platform
from campaign.errors import NotFound
from campaign.model import NATIONAL, Area, Campaign
from campaign.schema import suggest


def find_area(query: str, level: Literal["kommun", "lan"]) -> Area:
    """The kommun or län named (or coded) ``query``; the registry's NotFound (with suggestions) otherwise."""
    return registry.find(query, level)


def select(
    campaign: Campaign,
    *,
    kommuner: Sequence[str] = (),
    lan: Sequence[str] = (),
    platforms: Sequence[str] = (),
    messages: Sequence[str] = (),
    on: dt.date | None = None,
    instance_limit: int | None = None,
    every: bool = False,
) -> list[Post]:
    """The posts for the named areas (national when none is named; every area with ``every``), platforms
    and messages, tagging who holds the roles on ``on`` (default: the launch date)."""
    areas = [find_area(q, "kommun") for q in kommuner] + [find_area(q, "lan") for q in lan]
    if every:
        areas = list(registry.areas())
    plats = [get_platform(p).id for p in platforms] or None
    return compose_all(
        campaign,
        areas or [NATIONAL],
        plats,
        [_message_id(campaign, m) for m in messages] or None,
        on=on,
        instance_limit=instance_limit,
    )


def _message_id(campaign: Campaign, query: str) -> str:
    ids = [m.id for m in campaign.messages]
    if query in ids:
        return query
    raise NotFound(f"no message {query!r}{suggest(query, ids)}; messages: {', '.join(ids)}")
