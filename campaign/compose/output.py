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

from campaign.compose.core import Post, written_mention
from campaign.compose.platforms import PLATFORMS

CSV_COLUMNS = (
    "message",
    "kind",
    "platform",
    "area_level",
    "area_code",
    "area_name",
    "lan_code",
    "variant",
    "part",
    "parts",
    "text",
    "length",
    "limit",
    "link",
    "hashtags",
    "mentions",
    "dropped",
)
_UNIT = {"x": "weighted", "bluesky": "graphemes", "mastodon": "characters", "utf16": "characters"}


def to_json(posts: Sequence[Post]) -> str:
    """A JSON array with one post a line (sorted keys): compact for 30 000 posts, yet diffable line by line."""
    if not posts:
        return "[]\n"
    lines = (json.dumps(p.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) for p in posts)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def to_csv(posts: Sequence[Post]) -> str:
    """One row per part, so a thread can be posted row by row; ``variant`` is the 0-based index.

    Hashtags are joined by spaces; mentions (as written in the text: "@handle",
    or the name where the platform cannot tag) and dropped items by "; ", since
    a name has spaces of its own.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for post in posts:
        for i, part in enumerate(post.parts, 1):
            writer.writerow(
                [
                    post.message_id,
                    post.kind,
                    post.platform,
                    post.area.level,
                    post.area.code,
                    post.area.name,
                    post.area.lan_code,
                    post.variant,
                    i,
                    len(post.parts),
                    part.text,
                    part.length,
                    part.limit,
                    post.link or "",
                    " ".join("#" + t for t in post.hashtags),
                    "; ".join(written_mention(m, PLATFORMS[post.platform]) for m in post.mentions),
                    "; ".join(str(d) for d in post.dropped),
                ]
            )
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
    """One line for the build: how many posts and threads, and per platform what was dropped.

    Drops to fit the length are listed per platform with how many of its posts
    lost something; drops over a platform's hashtag cap (a rule, not a surprise)
    are said once per platform.
    """
    threads = sum(1 for p in posts if p.is_thread)
    areas = len({(p.area.level, p.area.code) for p in posts})
    line = f"posts: {_n(len(posts), 'post')} for {_n(areas, 'area')}, {_n(threads, 'thread') if threads else 'no threads'}"
    shortened = [_shortened(pid, mine) for pid, mine in _by_platform(posts)]
    capped = [_capped(pid, mine) for pid, mine in _by_platform(posts)]
    if any(shortened):
        line += "; dropped to fit: " + ", ".join(s for s in shortened if s)
    if any(capped):
        line += "; hashtag cap: " + ", ".join(c for c in capped if c)
    return line


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _by_platform(posts: Sequence[Post]) -> list[tuple[str, list[Post]]]:
    groups: dict[str, list[Post]] = {}
    for post in posts:
        groups.setdefault(post.platform, []).append(post)
    return [(pid, groups[pid]) for pid in PLATFORMS if pid in groups]


def _shortened(platform_id: str, posts: list[Post]) -> str:
    """``Bluesky 31 of 130 posts (#TryggSocialtjänst ×26, Bo Berg ×5)``, or "" when nothing was dropped to fit."""
    what: Counter[str] = Counter()
    hit = 0
    for post in posts:
        lost = [d.value for d in post.dropped if d.reason != "cap"]
        hit += bool(lost)
        what.update(lost)
    if not hit:
        return ""
    worst = sorted(what.items(), key=lambda kv: (-kv[1], kv[0]))
    items = ", ".join(f"{value} ×{n}" for value, n in worst[:4]) + (", …" if len(worst) > 4 else "")
    return f"{PLATFORMS[platform_id].name} {hit} of {len(posts)} posts ({items})"


def _capped(platform_id: str, posts: list[Post]) -> str:
    """``Threads keeps 1 hashtag a post (#svpol left out of 130 posts)``, or "" when the cap cost nothing."""
    what: Counter[str] = Counter(d.value for post in posts for d in post.dropped if d.reason == "cap")
    if not what:
        return ""
    hit = sum(1 for post in posts if any(d.reason == "cap" for d in post.dropped))
    cap = PLATFORMS[platform_id].max_hashtags
    tags = ", ".join(sorted(what, key=lambda v: (-what[v], v)))
    return f"{PLATFORMS[platform_id].name} keeps {cap} hashtag{'s' if cap != 1 else ''} a post ({tags} left out of {hit} posts)"
