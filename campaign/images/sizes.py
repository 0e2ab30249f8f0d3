"""The image sizes each platform wants: one table, each limit with its source.

Sources (checked November 2026, see shared/PLATFORMS.md): X media docs (5 MB
photos, 16:9 convention 1200×675); Open Graph / Facebook / LinkedIn link
images 1200×630 (1.91:1, 8 MB); Instagram feed 1080×1080 and 1080×1350
(aspect 4:5 to 1.91:1, 8 MB as reported by third parties); Bluesky lexicon
``app.bsky.embed.images`` blob limit 1 000 000 bytes before April 2026
(2 000 000 since): we stay under the old limit so that every client accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    height: int
    max_bytes: int
    platforms: tuple[str, ...]

    @property
    def shape(self) -> str:
        """Which layout variant the size uses: landscape, square or portrait."""
        ratio = self.width / self.height
        if ratio >= 1.25:
            return "landscape"
        if ratio >= 0.9:
            return "square"
        return "portrait"


SIZES: dict[str, Size] = {
    s.name: s
    for s in (
        Size("x", 1200, 675, 5_000_000, ("x", "mastodon", "threads")),
        Size("og", 1200, 630, 8_000_000, ("facebook", "linkedin", "opengraph")),
        Size("square", 1080, 1080, 8_000_000, ("instagram",)),
        Size("portrait", 1080, 1350, 8_000_000, ("instagram",)),
        Size("bluesky", 1600, 900, 1_000_000, ("bluesky",)),
    )
}
SHAPES = ("landscape", "square", "portrait")
