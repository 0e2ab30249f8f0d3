"""Selecting posts for `campaign posts`: areas by kommun or län name/code, platforms, messages."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from campaign.compose.core import Post, compose_all
from campaign.compose.platforms import platform as get_platform
from campaign.errors import NotFound
from campaign.model import NATIONAL, Area, Campaign


def find_area(query: str, level: str) -> Area:
    """The kommun or län named (or coded) ``query``, through the registry's ``find``."""
    registry = _registry()
    find = getattr(registry, "find", None)
    if find is None:
        raise NotFound(f"cannot look up {query!r}: the municipality registry (campaign.registry.find) is not available")
    if "level" in inspect.signature(find).parameters:
        area = find(query, level=level)
    else:
        area = find(query)
    if area.level != level:
        what = "a kommun" if level == "kommun" else "a län"
        raise NotFound(f"{query!r} is {area.name} ({area.level}), not {what}")
    return area


def _registry() -> Any:
    try:
        from campaign import registry
    except ImportError:
        return None
    return registry


def select(
    campaign: Campaign, *, kommuner: Sequence[str] = (), lan: Sequence[str] = (),
    platforms: Sequence[str] = (), messages: Sequence[str] = (),
) -> list[Post]:
    """The posts for the named areas (national when none is named), platforms and messages."""
    areas = [find_area(q, "kommun") for q in kommuner] + [find_area(q, "lan") for q in lan]
    plats = [get_platform(p).id for p in platforms] or None
    return compose_all(campaign, areas or [NATIONAL], plats, [_message_id(campaign, m) for m in messages] or None)


def _message_id(campaign: Campaign, query: str) -> str:
    ids = [m.id for m in campaign.messages]
    if query in ids:
        return query
    from campaign.schema import suggest

    raise NotFound(f"no message {query!r}{suggest(query, ids)}; messages: {', '.join(ids)}")
