"""Posts as files and listings: JSON, CSV (one row per thread part), Markdown, plain text.

Every function returns text and is deterministic: posts keep the order
``compose_all`` gives them, keys are sorted, line endings are ``\\n``.

``to_json`` writes every post as a whole object (what `campaign posts --format
json` prints); ``to_kit_json`` writes the kit's ``posts.json``, where whatever
posts share (messages, platforms, areas, texts up to the area's name, links,
hashtags, mentions, Bluesky facet features) is written once and each post
refers to it by index. ``expand_kit_json`` turns that file back into exactly
the objects ``to_json`` writes.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from campaign.compose.core import Post, written_mention
from campaign.compose.platforms import PLATFORMS
from campaign.model import Area

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


KIT_FORMAT = "campaign-posts/2"
AREA = "{area}"  # stands for the area's name in a shared text
POST_COLUMNS = ("message", "platform", "area", "variant", "details", "parts")
PART_COLUMNS = ("text", "length", "limit", "facets")
_DETAIL_KEYS = ("link", "hashtags", "mentions", "dropped", "levels")


class _Table:
    """Values in first-seen order, each once: ``add(key, make)`` gives the index of the value ``make()`` builds for ``key``."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.values: list[Any] = []

    def add(self, key: Any, make: Callable[[], Any] | None = None) -> int:
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.values)
            self.values.append(make() if make is not None else key)
        return found


@functools.lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def area_text(text: str, name: str) -> str | None:
    """``text`` with the area's name (as a whole word) written as ``{area}``; None when that would not read back exactly."""
    if not name or AREA in text:
        return None
    if name not in text:
        return text  # nothing to write as {area}
    shared = _whole_words(text, name)
    return shared if shared.replace(AREA, name) == text else None


def _whole_words(text: str, name: str) -> str:
    r"""``_name_pattern(name).sub(AREA, text)``, by str.find (a tenth of the regex's time on a post's text):
    ``\w`` is what ``str.isalnum`` or "_" says it is, and the matches are taken left to right, as ``sub`` takes them."""
    out = []
    start = at = 0
    n = len(name)
    while (at := text.find(name, at)) >= 0:
        end = at + n
        if (at == 0 or not _word(text[at - 1])) and (end == len(text) or not _word(text[end])):
            out.append(text[start:at])
            out.append(AREA)
            start = at = end
        else:
            at += 1
    out.append(text[start:])
    return "".join(out)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _message_entry(post: Post) -> dict[str, str]:
    return {"id": post.message_id, "kind": post.kind}


def _area_entry(a: Area) -> dict[str, str]:
    return {"level": a.level, "code": a.code, "name": a.name, "lan_code": a.lan_code, "lan_name": a.lan_name}


def _features(facet: dict[str, Any]) -> Any:
    return facet["features"]


def _details(post: Post) -> dict[str, Any]:
    return {k: v for k, v in post.to_json().items() if k in _DETAIL_KEYS}


def to_kit_json(posts: Sequence[Post]) -> str:
    """The kit's posts.json: every post once, and what posts share written once and referred to by index.

    One JSON object. ``messages``, ``platforms``, ``areas``, ``texts``,
    ``details`` (link, hashtags, mentions, dropped, levels) and ``features``
    (Bluesky facet features) are tables; ``posts`` holds one array a line in
    the order of ``post_columns``: message, platform and area index, variant,
    details index, and the parts, each ``[text, length, limit]`` plus, on
    Bluesky, ``[[feature index, byteStart, byteEnd], …]``. A part's text is an
    index into ``texts`` (read it with ``{area}`` replaced by the area's
    name) or, where that cannot be done exactly, the text itself.
    ``expand_kit_json`` reads it back into the objects ``to_json`` writes.
    """
    messages, platforms, areas, texts, details, features = (_Table() for _ in range(6))
    rows = []
    for post in posts:
        a = post.area
        parts = []
        for part in post.parts:
            shared = area_text(part.text, a.name)
            row: list[Any] = [texts.add(shared) if shared is not None else part.text, part.length, part.limit]
            if part.facets:
                row.append(
                    [
                        [
                            features.add(_dump(f["features"]), functools.partial(_features, f)),
                            f["index"]["byteStart"],
                            f["index"]["byteEnd"],
                        ]
                        for f in part.facets
                    ]
                )
            parts.append(row)
        rows.append(
            [
                messages.add((post.message_id, post.kind), functools.partial(_message_entry, post)),
                platforms.add(post.platform),
                areas.add((a.level, a.code, a.name, a.lan_code, a.lan_name), functools.partial(_area_entry, a)),
                post.variant,
                details.add(
                    (post.link, post.hashtags, post.mentions, post.dropped, post.levels), functools.partial(_details, post)
                ),
                parts,
            ]
        )

    def table(name: str, values: list[Any]) -> str:
        return f'"{name}":[' + ("\n" + ",\n".join(_dump(v) for v in values) + "\n" if values else "") + "]"

    head = [
        f'"format":{_dump(KIT_FORMAT)}',
        f'"post_columns":{_dump(list(POST_COLUMNS))}',
        f'"part_columns":{_dump(list(PART_COLUMNS))}',
    ]
    tables = [
        table(name, t.values)
        for name, t in (
            ("messages", messages),
            ("platforms", platforms),
            ("areas", areas),
            ("texts", texts),
            ("details", details),
            ("features", features),
        )
    ]
    return "{" + ",\n".join([*head, *tables, table("posts", rows)]) + "}\n"


def expand_kit_json(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The posts of a kit's posts.json (parsed), each as the whole object ``to_json`` writes."""
    if data.get("format") != KIT_FORMAT:
        raise ValueError(f"not a {KIT_FORMAT} posts file (format {data.get('format')!r})")
    out = []
    for message, platform, area_index, variant, detail, parts in data["posts"]:
        area = data["areas"][area_index]
        full_parts = []
        for text, length, limit, *facets in parts:
            part: dict[str, Any] = {
                "text": data["texts"][text].replace(AREA, area["name"]) if isinstance(text, int) else text,
                "length": length,
                "limit": limit,
            }
            if facets:
                part["facets"] = [
                    {"features": data["features"][f], "index": {"byteEnd": end, "byteStart": start}}
                    for f, start, end in facets[0]
                ]
            full_parts.append(part)
        out.append(
            {
                "message": data["messages"][message]["id"],
                "kind": data["messages"][message]["kind"],
                "platform": data["platforms"][platform],
                "area": area,
                "variant": variant,
                "parts": full_parts,
                **data["details"][detail],
            }
        )
    return out


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


def to_markdown(platform_id: str, posts: Sequence[Post], title: str, note: str = "") -> str:
    """A readable file for one platform: a heading per area, a copyable block per post (and part).

    ``note``, when given, is a paragraph after the opening line (the kit says there how to get a kommun's posts).
    """
    p = PLATFORMS[platform_id]
    mine = [post for post in posts if post.platform == platform_id]
    lines = [f"# {title}: {p.name}", "", f"{len(mine)} posts. Limit: {p.limit} {_UNIT[p.counter]}; source: {p.source}.", ""]
    if note:
        lines += [note, ""]
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


def to_markdown_files(posts: Sequence[Post], title: str) -> str:
    """``to_markdown`` for each platform the posts are on, in the platform table's order, one after another."""
    present = {p.platform for p in posts}
    return "\n".join(to_markdown(pid, posts, title) for pid in PLATFORMS if pid in present)


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
