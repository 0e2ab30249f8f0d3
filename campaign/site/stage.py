"""Build stage (placeholder until its issue lands)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campaign.build import Kit


def write(kit: Kit, staging: Path) -> None:
    """Write this stage's part of the kit into ``staging``."""
