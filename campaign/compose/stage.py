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

from collections.abc import Callable
from pathlib import Path

from campaign import registry
from campaign.compose import output
from campaign.compose.core import Post, compose_all
from campaign.compose.length import HASHTAG
from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS
from campaign.errors import Problem
from campaign.kit import Kit, Work, run_work
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
    posts = compose_all(kit.campaign, all_areas(), on=kit.date, progress=progress)  # roles as the registry stage reads them
    kit.warnings.extend(short_threads(kit.campaign, posts))
    kit.warnings.extend(identical_texts(kit.campaign, posts))
    kit.warnings.extend(over_hashtag_cap(kit.campaign, posts))
    return posts


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
    return Work(list(tasks), lambda results: None)


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
