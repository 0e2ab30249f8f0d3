"""The registry: Sweden's kommuner and län, and the politicians a campaign tags."""

from __future__ import annotations

from campaign.registry.areas import (
    LEVELS, AmbiguousArea, AreaNotFound, all_lan, area, areas, find, fold, kommun, kommuner, lan, loose,
)

__all__ = [
    "LEVELS", "AmbiguousArea", "AreaNotFound", "all_lan", "area", "areas", "find", "fold", "kommun", "kommuner",
    "lan", "loose",
]
