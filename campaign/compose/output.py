"""Posts as files and listings: JSON, CSV (one row per thread part), Markdown, plain text.

Every function returns text and is deterministic: posts keep the order
``compose_all`` gives them, keys are sorted, line endings are ``\\n``.

``to_json`` writes every post as a whole object (what `campaign posts --format
json` prints); ``to_kit_json`` writes the kit's ``posts.json``, where whatever
posts share (platforms and areas; and within each message its texts up to the
area's name, its links, hashtags and mentions, its Bluesky facet features) is
written once and each post refers to it by index. ``expand_kit_json`` turns
that file back into exactly the objects ``to_json`` writes. The kit's files are
put together from each message's share (``message_files``, ``kit_json``,
``kit_csv``, ``kit_markdown``), so that a message's share can be kept.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from campaign.compose.core import Part, Post, written_mention
from campaign.compose.platforms import PLATFORMS
from campaign.compose.tally import PlatformTally, Tally
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


KIT_FORMAT = "campaign-posts/3"
AREA = "{area}"  # stands for the area's name in a shared text
POST_COLUMNS = ("message", "platform", "area", "variant", "details", "parts")
PART_COLUMNS = ("text", "length", "limit", "facets")
_DETAIL_KEYS = ("link", "hashtags", "mentions", "dropped", "levels")
_PLATFORM_INDEX = {p: i for i, p in enumerate(PLATFORMS)}  # posts.json's ``platforms``: every platform, in the table's order


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


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # json.dumps makes one a call


def _dump(value: Any) -> str:
    return _ENCODER.encode(value)


_JSON_STR = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes a string as


def _part_row(text: int | str, length: int, limit: int, facets: Sequence[tuple[int, int, int]] = ()) -> str:
    """A part's array in a post's row, as ``_dump`` writes it, written directly (without json.dumps's own cost
    per call): ``[text index or text, length, limit]``, and ``[[feature, start, end], ...]`` when it has facets."""
    written = str(text) if isinstance(text, int) else _JSON_STR(text)
    if not facets:
        return f"[{written},{length},{limit}]"
    return f"[{written},{length},{limit},[" + ",".join(f"[{f},{start},{end}]" for f, start, end in facets) + "]]"


def _area_entry(a: Area) -> dict[str, str]:
    return {"level": a.level, "code": a.code, "name": a.name, "lan_code": a.lan_code, "lan_name": a.lan_name}


@functools.lru_cache(maxsize=4096)
def _area_json(a: Area) -> str:
    """An area's entry in posts.json's ``areas``, written once per area, not once per message."""
    return _dump(_area_entry(a))


def _features_key(features: Any) -> Any:
    """What tells a facet's features apart as their JSON does: each feature's items, when they are all text
    (links, tags and mentions are); anything else by its JSON."""
    try:
        if all(type(v) is str for d in features for v in d.values()):
            return tuple(frozenset(d.items()) for d in features)  # equal as the dicts are: the same items
    except (AttributeError, TypeError):
        pass
    return _dump(features)


def _features(facet: dict[str, Any]) -> Any:
    return facet["features"]


def _details(post: Post) -> dict[str, Any]:
    return {k: v for k, v in post.to_json().items() if k in _DETAIL_KEYS}


AreaKey = tuple[str, str]  # an area's (level, code)


@dataclass(frozen=True)
class MessageFiles:
    """One message's share of the posts files, as text: worked out once for the message (and kept while it is
    unchanged, ``compose.stage``), put together with the other messages' by ``kit_json``, ``kit_csv`` and
    ``kit_markdown``. ``index`` is the message's place in posts.json's ``messages``; the CSV and Markdown
    pieces hold only the areas ``wide`` said (the kit's: national and län)."""

    entry: str  # its line of posts.json's ``messages``: id, kind and its own texts, details and features
    areas: dict[AreaKey, str]  # each area it has posts for: that area's ``areas`` entry
    rows: dict[AreaKey, list[tuple[str, str]]]  # each post's posts.json row, before and after its area's index
    csv: dict[AreaKey, str]  # each area's posts.csv rows
    markdown: dict[str, dict[AreaKey, str]]  # platform → each area's Markdown blocks
    headings: dict[AreaKey, str]  # each area's Markdown heading
    counts: dict[str, int]  # platform → its posts in the Markdown
    tally: Tally  # what the build says of its posts (``summary_of``, ``compose.stage.warnings_of``)


def message_files(
    message_id: str, kind: str, index: int, posts: Sequence[Post], wide: Callable[[Area], bool] = lambda a: True
) -> MessageFiles:
    """``MessageFiles`` of one message's ``posts`` (in ``compose_all``'s order), the ``index``-th message."""
    texts, details, features = _Table(), _Table(), _Table()
    areas: dict[AreaKey, str] = {}
    rows: dict[AreaKey, list[tuple[str, str]]] = {}
    by_area: dict[AreaKey, list[Post]] = {}
    heads = {platform: f"[{index},{i}," for platform, i in _PLATFORM_INDEX.items()}  # a row's start, before its area
    area: Area | None = None
    for post in posts:
        if post.area is not area:  # posts come area by area: what is the area's is looked up when it changes
            area = post.area
            key: AreaKey = (area.level, area.code)
            if key not in areas:
                areas[key] = _area_json(area)
                rows[key] = []
                by_area[key] = []
            mine, mine_rows = by_area[key], rows[key]
        mine.append(post)
        parts = [_post_part(part, area.name, texts, features) for part in post.parts]
        detail_key = (post.link, post.hashtags, post.mentions, post.dropped, post.levels)
        detail = details.index.get(detail_key)
        if detail is None:
            detail = details.add(detail_key, functools.partial(_details, post))
        mine_rows.append((heads[post.platform], f",{post.variant},{detail},[{','.join(parts)}]]"))
    entry = {"id": message_id, "kind": kind, "texts": texts.values, "details": details.values, "features": features.values}
    wider = {key: mine for key, mine in by_area.items() if wide(mine[0].area)}
    markdown: dict[str, dict[AreaKey, str]] = {}
    counts: dict[str, int] = {}
    for key, mine in wider.items():
        for post in mine:
            blocks = markdown.setdefault(post.platform, {})
            blocks[key] = blocks.get(key, "") + _markdown_post(post)
            counts[post.platform] = counts.get(post.platform, 0) + 1
    return MessageFiles(
        entry=_dump(entry),
        areas=areas,
        rows=rows,
        csv={key: _csv_rows(mine) for key, mine in wider.items()},
        markdown=markdown,
        headings={key: _heading(mine[0].area) for key, mine in wider.items()},
        counts=counts,
        tally=Tally.of(posts),
    )


def _post_part(part: Part, name: str, texts: _Table, features: _Table) -> str:
    """A part's array in its post's row (``_part_row``), its text shared in ``texts`` when it can be."""
    shared = area_text(part.text, name)
    text = texts.add(shared) if shared is not None else part.text
    if not part.facets:
        return _part_row(text, part.length, part.limit)
    facets = []
    for f in part.facets:
        key = _features_key(f["features"])
        feature = features.index.get(key)
        if feature is None:
            feature = features.add(key, functools.partial(_features, f))
        facets.append((feature, f["index"]["byteStart"], f["index"]["byteEnd"]))
    return _part_row(text, part.length, part.limit, facets)


def kit_json(messages: Sequence[MessageFiles], order: Sequence[AreaKey]) -> str:
    """The kit's posts.json from its messages' pieces, the areas in ``order`` (see ``to_kit_json``)."""
    where = {key: i for i, key in enumerate(order)}
    entries: dict[AreaKey, str] = {}
    for m in messages:
        entries.update(m.areas)
    rows = [head + str(where[key]) + tail for key in order for m in messages for head, tail in m.rows.get(key, ())]

    def table(name: str, values: Sequence[str]) -> str:
        return f'"{name}":[' + ("\n" + ",\n".join(values) + "\n" if values else "") + "]"

    return (
        "{"
        + ",\n".join(
            [
                f'"format":{_dump(KIT_FORMAT)}',
                f'"post_columns":{_dump(list(POST_COLUMNS))}',
                f'"part_columns":{_dump(list(PART_COLUMNS))}',
                table("platforms", [_dump(p) for p in PLATFORMS]),
                table("areas", [entries[key] for key in order]),
                table("messages", [m.entry for m in messages]),
                table("posts", rows),
            ]
        )
        + "}\n"
    )


def kit_csv(messages: Sequence[MessageFiles], order: Sequence[AreaKey]) -> str:
    """posts.csv from the messages' pieces (``to_csv`` of the posts they were made of, in area order)."""
    return _csv_header() + "".join(m.csv.get(key, "") for key in order for m in messages)


def kit_markdown(platform_id: str, messages: Sequence[MessageFiles], order: Sequence[AreaKey], title: str, note: str = "") -> str:
    """``to_markdown`` of the posts the messages' pieces were made of, for one platform."""
    count = sum(m.counts.get(platform_id, 0) for m in messages)
    body = []
    for key in order:
        blocks = "".join(m.markdown.get(platform_id, {}).get(key, "") for m in messages)
        if blocks:
            heading = next(m.headings[key] for m in messages if key in m.headings)
            body.append(heading + blocks)
    return (_markdown_head(platform_id, count, title, note) + "".join(body)).rstrip("\n") + "\n"


def to_kit_json(posts: Sequence[Post]) -> str:
    """The kit's posts.json: every post once, and what posts share written once and referred to by index.

    One JSON object. ``platforms`` and ``areas`` are tables; ``messages``
    has one entry a line, each with its ``id``, ``kind`` and its own tables
    ``texts``, ``details`` (link, hashtags, mentions, dropped, levels) and
    ``features`` (Bluesky facet features); ``posts`` holds one array a line in
    the order of ``post_columns``: message, platform and area index, variant,
    details index (into its message's table), and the parts, each
    ``[text, length, limit]`` plus, on Bluesky, ``[[feature index, byteStart,
    byteEnd], …]``. A part's text is an index into its message's ``texts``
    (read it with ``{area}`` replaced by the area's name) or, where that cannot
    be done exactly, the text itself. Each message's tables are its own, so
    that an edit to one message changes only its entry and its posts' rows.
    ``expand_kit_json`` reads it back into the objects ``to_json`` writes.
    """
    by_message: dict[tuple[str, str], list[Post]] = {}
    order: dict[AreaKey, None] = {}
    for post in posts:
        by_message.setdefault((post.message_id, post.kind), []).append(post)
        order[(post.area.level, post.area.code)] = None
    pieces = [message_files(mid, kind, i, mine) for i, ((mid, kind), mine) in enumerate(by_message.items())]
    return kit_json(pieces, list(order))


def expand_kit_json(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The posts of a kit's posts.json (parsed), each as the whole object ``to_json`` writes."""
    if data.get("format") != KIT_FORMAT:
        raise ValueError(f"not a {KIT_FORMAT} posts file (format {data.get('format')!r})")
    out = []
    for message_index, platform, area_index, variant, detail, parts in data["posts"]:
        area = data["areas"][area_index]
        message = data["messages"][message_index]
        full_parts = []
        for text, length, limit, *facets in parts:
            part: dict[str, Any] = {
                "text": message["texts"][text].replace(AREA, area["name"]) if isinstance(text, int) else text,
                "length": length,
                "limit": limit,
            }
            if facets:
                part["facets"] = [
                    {"features": message["features"][f], "index": {"byteEnd": end, "byteStart": start}}
                    for f, start, end in facets[0]
                ]
            full_parts.append(part)
        out.append(
            {
                "message": message["id"],
                "kind": message["kind"],
                "platform": data["platforms"][platform],
                "area": area,
                "variant": variant,
                "parts": full_parts,
                **message["details"][detail],
            }
        )
    return out


def to_csv(posts: Sequence[Post]) -> str:
    """One row per part, so a thread can be posted row by row; ``variant`` is the 0-based index.

    Hashtags are joined by spaces; mentions (as written in the text: "@handle",
    or the name where the platform cannot tag) and dropped items by "; ", since
    a name has spaces of its own.
    """
    return _csv_header() + _csv_rows(posts)


def _csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\n"  # plain names: nothing to quote


def _csv_rows(posts: Sequence[Post]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
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
    mine = [post for post in posts if post.platform == platform_id]
    out = [_markdown_head(platform_id, len(mine), title, note)]
    area = None
    for post in mine:
        if post.area != area:
            area = post.area
            out.append(_heading(area))
        out.append(_markdown_post(post))
    return "".join(out).rstrip("\n") + "\n"


def _markdown_head(platform_id: str, count: int, title: str, note: str) -> str:
    p = PLATFORMS[platform_id]
    lines = [f"# {title}: {p.name}", "", f"{count} posts. Limit: {p.limit} {_UNIT[p.counter]}; source: {p.source}.", ""]
    if note:
        lines += [note, ""]
    return "".join(line + "\n" for line in lines)


def _heading(area: Area) -> str:
    return f"## {area.name}" + (f" ({area.code})" if area.code else "") + "\n\n"


def _markdown_post(post: Post) -> str:
    """One post's blocks in a platform's Markdown: its heading, then each part fenced, with its count."""
    variant = f", variant {post.variant + 1}" if post.variant else ""
    lines = [f"### {post.message_id} ({post.kind}{variant})", ""]
    for i, part in enumerate(post.parts):
        lines += [_fence(part.text), "", _footer(post, i), ""]
    return "".join(line + "\n" for line in lines)


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
    """One line for the build: how many posts and threads, and per platform what was dropped (``summary_of``)."""
    return summary_of(Tally.of(posts))


def summary_of(tally: Tally) -> str:
    """``summary`` of the posts ``tally`` counts.

    Drops to fit the length are listed per platform with how many of its posts
    lost something; drops over a platform's hashtag cap (a rule, not a surprise)
    are said once per platform.
    """
    threads = tally.threads
    line = f"posts: {_n(tally.posts, 'post')} for {_n(len(tally.areas), 'area')}, {_n(threads, 'thread') if threads else 'no threads'}"
    present = [(pid, tally.platforms[pid]) for pid in PLATFORMS if pid in tally.platforms]
    shortened = [_shortened(pid, mine) for pid, mine in present]
    capped = [_capped(pid, mine) for pid, mine in present]
    if any(shortened):
        line += "; dropped to fit: " + ", ".join(s for s in shortened if s)
    if any(capped):
        line += "; hashtag cap: " + ", ".join(c for c in capped if c)
    return line


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _shortened(platform_id: str, mine: PlatformTally) -> str:
    """``Bluesky 31 of 130 posts (#TryggSocialtjänst ×26, Bo Berg ×5)``, or "" when nothing was dropped to fit."""
    if not mine.shortened:
        return ""
    worst = sorted(mine.lost.items(), key=lambda kv: (-kv[1], kv[0]))
    items = ", ".join(f"{value} ×{n}" for value, n in worst[:4]) + (", …" if len(worst) > 4 else "")
    return f"{PLATFORMS[platform_id].name} {mine.shortened} of {mine.posts} posts ({items})"


def _capped(platform_id: str, mine: PlatformTally) -> str:
    """``Threads keeps 1 hashtag a post (#svpol left out of 130 posts)``, or "" when the cap cost nothing."""
    what = mine.left_out
    if not what:
        return ""
    cap = PLATFORMS[platform_id].max_hashtags
    tags = ", ".join(sorted(what, key=lambda v: (-what[v], v)))
    return f"{PLATFORMS[platform_id].name} keeps {cap} hashtag{'s' if cap != 1 else ''} a post ({tags} left out of {mine.capped} posts)"
