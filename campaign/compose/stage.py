"""Build stage: every post (message × platform × national/län/kommun) into build/posts/.

Writes ``posts.json`` (every post, what posts share written once: see
``output.to_kit_json``), and for the national and län posts ``posts.csv``
(one row per thread part) and one readable ``<platform>.md`` per platform (a
kommun's rows and sections are `campaign posts --kommun K --format csv|markdown`,
byte for byte what those files would hold for it); returns the
list of ``Post`` (for the page), puts a summary of what was dropped in
``kit.notes``, and in ``kit.warnings`` a warning for each short message that
needs a thread and one naming the messages that give kommuner identical text. Politicians are tagged as their roles stand on the kit's
date (``Kit.date``: the launch date, or the build's date after the launch; ``--on``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from campaign import registry, signed
from campaign.compose import output
from campaign.compose.core import Post, compose_all, sort_areas
from campaign.compose.length import HASHTAG
from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS
from campaign.errors import Problem
from campaign.kit import Kit, Reuse, Work, digest, run_work
from campaign.model import Area, Campaign

KOMMUN_NOTE = (
    "The national and län posts. A kommun's, exactly as this file would hold them: "
    "`campaign posts --kommun NAME --platform {platform} --format markdown` (every area: `--all`)."
)


def all_areas() -> list[Area]:
    """National, the 21 län and the 290 kommuner from the registry."""
    return list(registry.areas())


def compose_checked(kit: Kit) -> list[Post]:
    """Every post of the kit, tagging who holds the roles on the kit's date, with the warnings about them.

    Raises CampaignInvalid for messages that do not fit; `campaign validate` runs this too.
    """
    report = kit.progress
    progress = (lambda done, total: report("posts", done, total)) if report else None
    if kit.reuse is not None:
        posts = _compose_reusing(kit, kit.reuse, progress)
    else:
        posts = compose_all(kit.campaign, all_areas(), on=kit.date, progress=progress)  # roles as the registry stage reads them
    kit.warnings.extend(short_threads(kit.campaign, posts))
    kit.warnings.extend(identical_texts(kit.campaign, posts))
    kit.warnings.extend(over_hashtag_cap(kit.campaign, posts))
    return posts


def message_keys(kit: Kit) -> dict[str, str]:
    """Each message's key: a hash of everything its posts are made from.

    The message itself and its place in the bank, the rest of the campaign
    (settings, figures, links, hashtags, demands, politicians), the kit's date
    (whose roles are tagged) and this program (its registry, platforms and
    rules, in ``Reuse.program``); never the other messages' texts.
    """
    campaign = kit.campaign
    rest = dataclasses.replace(campaign, messages=(), root=Path())  # where the campaign folder is makes no post
    base = digest((kit.reuse.program if kit.reuse else "", kit.date, rest, PLATFORM_IDS))
    return {m.id: digest((base, i, m)) for i, m in enumerate(campaign.messages)}


def _compose_reusing(kit: Kit, reuse: Reuse, progress: Callable[[int, int], None] | None) -> list[Post]:
    """``compose_all``, with the posts of each message whose key is unchanged taken from the last build's."""
    keys = message_keys(kit)
    known: dict[str, list[Post]] = {}
    for message in kit.campaign.messages:
        try:
            known[message.id] = signed.loads((reuse.cache / f"{keys[message.id]}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            continue  # not composed before, not signed by this user, or from another program: composed now
    missing = [m for m in kit.campaign.messages if m.id not in known]
    areas = all_areas()
    made = compose_all(kit.campaign, areas, messages=missing, on=kit.date, progress=progress) if missing else []
    for message in missing:
        known[message.id] = [p for p in made if p.message_id == message.id]
        with contextlib.suppress(OSError):  # no cache (or no key) can be written: the next build composes it again
            _save(reuse.cache / f"{keys[message.id]}.pickle", signed.dumps(known[message.id]))
    _prune(reuse.cache, {f"{k}.pickle" for k in keys.values()})
    # compose_all's order: by area, then message in campaign order, then platform (each message's list is in it)
    runs: dict[tuple[str, str], list[Post]] = {}
    for message in kit.campaign.messages:
        for post in known[message.id]:
            runs.setdefault((post.area.level + ":" + post.area.code, message.id), []).append(post)
    posts: list[Post] = []
    for area in sort_areas(areas):
        for message in kit.campaign.messages:
            posts.extend(runs.get((area.level + ":" + area.code, message.id), ()))
    return posts


def _save(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _prune(folder: Path, keep: set[str]) -> None:
    """Only this campaign's current messages stay cached, not every past edit."""
    for path in folder.glob("*.pickle"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def compose(kit: Kit) -> list[Post]:
    """``compose_checked``, and the build's note on what the posts dropped."""
    posts = compose_checked(kit)
    kit.notes.append(output.summary(posts))
    return posts


def write(kit: Kit, staging: Path) -> list[Post]:
    """Compose every post, write the posts folder of the kit, and return the posts."""
    posts = compose(kit)
    run_work([files(kit, staging, posts)], kit.jobs)
    return posts


def files(kit: Kit, staging: Path, posts: list[Post]) -> Work:
    """The posts folder's files (posts.json, posts.csv, one Markdown file per platform) as tasks for ``run_work``."""
    folder = staging / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    name = kit.campaign.settings.name

    def wider() -> list[Post]:
        return [p for p in posts if p.area.level != "kommun"]  # a kommun's are one `campaign posts` away

    def markdown() -> None:
        national_and_lan = wider()
        for platform_id in PLATFORM_IDS:
            note = KOMMUN_NOTE.format(platform=platform_id)
            _write(folder / f"{platform_id}.md", output.to_markdown(platform_id, national_and_lan, name, note))

    tasks: list[Callable[[], None]] = [
        lambda: _write(folder / "posts.json", output.to_kit_json(posts)),
        lambda: _write(folder / "posts.csv", output.to_csv(wider())),
        markdown,
    ]
    if kit.reuse is None:
        return Work(list(tasks), lambda results: None)
    made = digest((tuple(message_keys(kit).values()), name))  # the posts are what their messages' keys say
    keys: list[Callable[[], str]] = [functools.partial(digest, (f, made)) for f in ("posts.json", "posts.csv", "markdown")]
    return Work(list(tasks), lambda results: None, keys=keys)


def short_threads(campaign: Campaign, posts: list[Post]) -> list[Problem]:
    """A warning for each short message that needs a thread somewhere: short ones should fit a tweet."""
    where: dict[tuple[str, str], int] = {}
    for post in posts:
        if post.kind == "short" and post.is_thread:
            where[(post.message_id, post.platform)] = where.get((post.message_id, post.platform), 0) + 1
    return _per_message(
        campaign,
        where,
        lambda mid, pid, n: (
            f"short message {mid!r} becomes a thread on {PLATFORMS[pid].name} for {n} area{'s' if n != 1 else ''}; "
            "shorten it to fit one post"
        ),
    )


def _per_message(
    campaign: Campaign,
    found: dict[tuple[str, str], int],
    say: Callable[[str, str, int], str],
) -> list[Problem]:
    """One warning per (message, platform) in ``found``, in campaign and platform-table order."""
    index = {m.id: i for i, m in enumerate(campaign.messages)}
    file = campaign.sources.get("messages", "messages")
    return [
        Problem(file, 0, 0, f"messages[{index[mid]}]", say(mid, pid, n), "warning")
        for (mid, pid), n in sorted(found.items(), key=lambda kv: (index[kv[0][0]], PLATFORM_IDS.index(kv[0][1])))
    ]


def over_hashtag_cap(campaign: Campaign, posts: list[Post]) -> list[Problem]:
    """A warning for each message whose own text writes more hashtags than a platform takes.

    The composer drops only the hashtags it appends; those written in the
    message stay, so the message itself must change.
    """
    found: dict[tuple[str, str], int] = {}
    for post in posts:
        cap = PLATFORMS[post.platform].max_hashtags
        if cap is not None:
            n = max(len(HASHTAG.findall(part.text)) for part in post.parts)
            if n > cap:
                found[(post.message_id, post.platform)] = n
    return _per_message(
        campaign,
        found,
        lambda mid, pid, n: (
            f"message {mid!r} writes {n} hashtags in its text; {PLATFORMS[pid].name} takes {PLATFORMS[pid].max_hashtags} a post: "
            "move them to the message's hashtags: list"
        ),
    )


def identical_texts(campaign: Campaign, posts: list[Post]) -> list[Problem]:
    """One warning naming the messages that hand several kommuner the very same post.

    Local accounts should not be handed identical text (X forbids coordinated
    identical posts); a message that names no kommun, figure or politician of
    its own, in a single phrasing, gives every such kommun the same words.
    """
    groups: dict[tuple[str, str, str], int] = {}
    for post in posts:
        if post.area.level == "kommun":
            key = (post.message_id, post.platform, post.text)
            groups[key] = groups.get(key, 0) + 1
    worst: dict[str, int] = {}
    for (message_id, _, _), n in groups.items():
        worst[message_id] = max(worst.get(message_id, 0), n)
    same = [(mid, n) for mid, n in worst.items() if n > 1]
    if not same:
        return []
    index = {m.id: i for i, m in enumerate(campaign.messages)}
    same.sort(key=lambda item: (-item[1], index.get(item[0], 0)))
    listed = ", ".join(f"{mid}: {n}" if i else f"{mid}: {n} kommuner" for i, (mid, n) in enumerate(same[:5]))
    listed += f", and {len(same) - 5} more" if len(same) > 5 else ""
    file = campaign.sources.get("messages", "messages")
    many = f"{len(same)} message{'s' if len(same) != 1 else ''} hand{'s' if len(same) == 1 else ''}"
    return [
        Problem(
            file,
            0,
            0,
            "messages",
            f"{many} several kommuner the same post word for word ({listed}); add variants, "
            "or write {{ kommun }} or a local figure into them, so that no two accounts are handed identical text",
            "warning",
        )
    ]


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
