"""Posts as files and listings: JSON, CSV (one row per thread part), Markdown, plain text.

Every function returns text and is deterministic: posts keep the order
``compose_all`` gives them, keys are sorted, line endings are ``\\n``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence

from campaign.compose.core import Post
from campaign.compose.length import count
from campaign.compose.platforms import PLATFORMS

CSV_COLUMNS = (
    "message", "kind", "platform", "area_level", "area_code", "area_name", "lan_code", "variant",
    "part", "parts", "text", "length", "limit", "link", "hashtags", "mentions", "dropped",
)
_UNIT = {"x": "weighted", "bluesky": "graphemes", "mastodon": "characters", "utf16": "characters"}


def to_json(posts: Sequence[Post]) -> str:
    """A JSON array with one post a line (sorted keys): compact for 30 000 posts, yet diffable line by line."""
    if not posts:
        return "[]\n"
    lines = (json.dumps(p.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) for p in posts)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def to_csv(posts: Sequence[Post]) -> str:
    """One row per part, so a thread can be posted row by row; lists joined by spaces; ``variant`` is the 0-based index."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for post in posts:
        for i, part in enumerate(post.parts, 1):
            writer.writerow([
                post.message_id, post.kind, post.platform, post.area.level, post.area.code, post.area.name,
                post.area.lan_code, post.variant, i, len(post.parts), part.text, part.length, part.limit,
                post.link or "", " ".join("#" + t for t in post.hashtags),
                " ".join(m.handle or m.name for m in post.mentions), "; ".join(str(d) for d in post.dropped),
            ])
    return buffer.getvalue()


def _fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text}\n{ticks}"


def _footer(post: Post, i: int) -> str:
    part = post.parts[i]
    bits = [f"{part.length}/{part.limit} {_UNIT[PLATFORMS[post.platform].counter]}"]
    if len(post.parts) > 1:
        bits.append(f"part {i + 1} of {len(post.parts)}")
    if i == len(post.parts) - 1 and post.dropped:
        bits.append("dropped: " + ", ".join(str(d) for d in post.dropped))
    return " · ".join(bits)


def to_markdown(platform_id: str, posts: Sequence[Post], title: str) -> str:
    """A readable file for one platform: a heading per area, a copyable block per post (and part)."""
    p = PLATFORMS[platform_id]
    mine = [post for post in posts if post.platform == platform_id]
    lines = [f"# {title}: {p.name}", "", f"{len(mine)} posts. Limit: {p.limit} {_UNIT[p.counter]}; source: {p.source}.", ""]
    area = None
    for post in mine:
        if post.area != area:
            area = post.area
            lines += [f"## {area.name}" + (f" ({area.code})" if area.code else ""), ""]
        variant = f", variant {post.variant + 1}" if post.variant else ""
        lines += [f"### {post.message_id} ({post.kind}{variant})", ""]
        for i, part in enumerate(post.parts):
            lines += [_fence(part.text), "", _footer(post, i), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_text(posts: Sequence[Post]) -> str:
    """Posts for a terminal: a header line, the text, a blank line."""
    blocks = []
    for post in posts:
        for i, part in enumerate(post.parts):
            header = f"== {PLATFORMS[post.platform].name} · {post.area.name} · {post.message_id}"
            blocks.append(f"{header} ({_footer(post, i)}) ==\n{part.text}\n")
    return "\n".join(blocks)


def summary(posts: Sequence[Post]) -> str:
    """One line for the build: how many posts and threads, what was dropped and how often."""
    threads = sum(1 for p in posts if p.is_thread)
    areas = len({(p.area.level, p.area.code) for p in posts})
    dropped: Counter[str] = Counter()
    for post in posts:
        for d in post.dropped:
            dropped[f"{d.value} ({d.reason}) on {post.platform}"] += 1
    line = f"posts: {len(posts)} posts for {areas} areas, {threads} threads"
    if dropped:
        worst = sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0]))
        line += "; dropped: " + ", ".join(f"{what} ×{n}" for what, n in worst[:8])
        if len(worst) > 8:
            line += f", and {len(worst) - 8} more kinds"
    return line


def fits_everywhere(posts: Sequence[Post]) -> bool:
    """True when every part fits its platform by that platform's own count (a self-check)."""
    return all(count(post.platform, part.text, instance_limit=part.limit).fits for post in posts for part in post.parts)
