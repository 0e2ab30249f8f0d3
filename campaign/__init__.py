"""campaign: turn one campaign's message bank into posts, images, a page and a schedule."""

from __future__ import annotations

__version__ = "0.1.0"
