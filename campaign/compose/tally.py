"""What a build says of its posts, counted so that counts add up: one message's at a time.

The build's warnings about its posts (``compose.stage.warnings``) and its
note on them (``output.summary``) are made from a ``Tally``. Tallies of
different messages add up to the tally of all their posts, so a build works
out each message's once, keeps it while the message is unchanged, and adds
them: an edit to one message counts only that message's posts again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from campaign.compose.core import Dropped, Post
from campaign.compose.length import HASHTAG
from campaign.compose.platforms import PLATFORMS


@dataclass
class PlatformTally:
    """One platform's posts: how many, and what was dropped from them (to fit, or over its hashtag cap)."""

    posts: int = 0
    shortened: int = 0  # posts that lost something to fit the length
    lost: Counter[str] = field(default_factory=Counter)  # what they lost, by value
    capped: int = 0  # posts that lost a hashtag over the platform's cap
    left_out: Counter[str] = field(default_factory=Counter)  # those hashtags, by value

    def drop(self, dropped: Iterable[Dropped]) -> None:
        """Count what one post of the platform dropped."""
        lost = [d.value for d in dropped if d.reason != "cap"]
        self.shortened += bool(lost)
        self.lost.update(lost)
        left_out = [d.value for d in dropped if d.reason == "cap"]
        self.capped += bool(left_out)
        self.left_out.update(left_out)

    def add(self, other: PlatformTally) -> None:
        self.posts += other.posts
        self.shortened += other.shortened
        self.lost.update(other.lost)
        self.capped += other.capped
        self.left_out.update(other.left_out)


@dataclass
class Tally:
    """What the warnings and the summary are made from, for some posts (see the module's docstring)."""

    posts: int = 0
    threads: int = 0
    areas: set[tuple[str, str]] = field(default_factory=set)  # (level, code) of each area with a post
    platforms: dict[str, PlatformTally] = field(default_factory=dict)
    short_threads: dict[tuple[str, str], int] = field(default_factory=dict)  # (message, platform) → areas threaded
    hashtags: dict[tuple[str, str], int] = field(default_factory=dict)  # (message, platform) → hashtags over the cap
    identical: dict[str, int] = field(default_factory=dict)  # message → most kommuner handed one same text

    @classmethod
    def of(cls, posts: Iterable[Post]) -> Tally:
        tally = cls()
        same: dict[str, dict[tuple[str, str], int]] = {}  # message → (platform, kommun's text) → kommuner
        caps = {pid: p.max_hashtags for pid, p in PLATFORMS.items()}
        platforms = tally.platforms
        area = None
        kommun = False
        for post in posts:  # one pass, the area looked at only when it changes (posts come area by area)
            if post.area is not area:
                area = post.area
                tally.areas.add((area.level, area.code))
                kommun = area.level == "kommun"
            parts = post.parts
            platform = post.platform
            mine = platforms.get(platform)
            if mine is None:
                mine = platforms[platform] = PlatformTally()
            mine.posts += 1
            if post.dropped:
                mine.drop(post.dropped)
            if len(parts) > 1:
                tally.threads += 1
                if post.kind == "short":
                    key = (post.message_id, platform)
                    tally.short_threads[key] = tally.short_threads.get(key, 0) + 1
            cap = caps[platform]
            # Each hashtag has its "#": a part with no more of them than the cap has no more hashtags either.
            if cap is not None and any(part.text.count("#") > cap for part in parts):
                n = max(len(HASHTAG.findall(part.text)) for part in parts)
                if n > cap:
                    tally.hashtags[(post.message_id, platform)] = n
            if kommun:
                texts = same.get(post.message_id)
                if texts is None:
                    texts = same[post.message_id] = {}
                text = (platform, parts[0].text if len(parts) == 1 else post.text)
                texts[text] = texts.get(text, 0) + 1
        tally.posts = sum(mine.posts for mine in platforms.values())
        for message_id, texts in same.items():
            tally.identical[message_id] = max(texts.values())
        return tally

    def add(self, other: Tally) -> None:
        """Add another message's tally (a message's counts are its own: the keys by message never meet)."""
        self.posts += other.posts
        self.threads += other.threads
        self.areas |= other.areas
        for platform_id, theirs in other.platforms.items():
            self.platforms.setdefault(platform_id, PlatformTally()).add(theirs)
        for key, n in other.short_threads.items():
            self.short_threads[key] = self.short_threads.get(key, 0) + n
        self.hashtags.update(other.hashtags)
        for message_id, n in other.identical.items():
            self.identical[message_id] = max(self.identical.get(message_id, 0), n)


def total(tallies: Iterable[Tally]) -> Tally:
    """The tally of all the posts the ``tallies`` count."""
    whole = Tally()
    for tally in tallies:
        whole.add(tally)
    return whole
