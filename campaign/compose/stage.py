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
import datetime as dt
import functools
import pickle
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

from campaign import registry, signed
from campaign.compose import output
from campaign.compose.core import LEVEL_ORDER, Post, compose_all, sort_areas
from campaign.compose.platforms import PLATFORM_IDS, PLATFORMS
from campaign.compose.tally import Tally, total
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
    posts = list(compose_posts(kit))
    kit.warnings.extend(warnings(kit.campaign, posts))
    return posts


def warnings(campaign: Campaign, posts: list[Post]) -> list[Problem]:
    """What the kit's posts should change: short messages that need threads, identical texts, hashtag caps."""
    return warnings_of(campaign, Tally.of(posts))


def warnings_of(campaign: Campaign, tally: Tally) -> list[Problem]:
    """``warnings`` of the posts ``tally`` counts."""
    return [*_short_threads(campaign, tally), *_identical_texts(campaign, tally), *_over_hashtag_cap(campaign, tally)]


def compose_posts(kit: Kit) -> Sequence[Post]:
    """Every post of the kit (no warnings: ``warnings``). With ``kit.reuse``, the posts of each message whose
    key is unchanged come from the last build's cache, unpickled only when they are first read (``KitPosts``)."""
    report = kit.progress
    progress = (lambda done, total: report("posts", done, total)) if report else None
    if kit.reuse is not None:
        return _compose_reusing(kit, kit.reuse, progress)
    return compose_all(kit.campaign, all_areas(), on=kit.date, progress=progress)  # roles as the registry stage reads them


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


class KitPosts(Sequence[Post]):
    """Every post of the kit in ``compose_all``'s order (by area, then message, then platform), where the
    posts of messages taken from the cache stay pickled until they are read: a build that needs only some
    messages' posts (the page's, for the messages whose pages changed) never unpickles the others.
    ``of_message`` gives one message's posts."""

    def __init__(
        self, campaign: Campaign, areas: list[Area], on: dt.date, made: dict[str, list[Post]], kept: dict[str, bytes]
    ) -> None:
        self._campaign = campaign
        self._areas = areas
        self._on = on
        self._made = made
        self._kept = kept  # message id → its verified pickle
        self._flat: list[Post] | None = None

    def of_message(self, message_id: str) -> list[Post]:
        found = self._made.get(message_id)
        if found is None:
            data = self._kept.pop(message_id)
            try:
                found = signed.unpickled(data)
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
                message = next(m for m in self._campaign.messages if m.id == message_id)  # signed, yet unreadable here
                found = compose_all(self._campaign, self._areas, messages=[message], on=self._on)
            self._made[message_id] = found
        return found

    def _all(self) -> list[Post]:
        if self._flat is None:
            runs: dict[tuple[str, str], list[Post]] = {}
            for message in self._campaign.messages:
                for post in self.of_message(message.id):
                    runs.setdefault((post.area.level + ":" + post.area.code, message.id), []).append(post)
            flat: list[Post] = []
            for area in sort_areas(self._areas):
                for message in self._campaign.messages:
                    flat.extend(runs.get((area.level + ":" + area.code, message.id), ()))
            self._flat = flat
        return self._flat

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> Post: ...
    @overload
    def __getitem__(self, index: slice) -> list[Post]: ...
    def __getitem__(self, index: int | slice) -> Post | list[Post]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Post]:
        return iter(self._all())


def _compose_reusing(kit: Kit, reuse: Reuse, progress: Callable[[int, int], None] | None) -> KitPosts:
    """``compose_all``, with the posts of each message whose key is unchanged taken from the last build's."""
    keys = message_keys(kit)
    kept: dict[str, bytes] = {}
    for message in kit.campaign.messages:
        try:
            kept[message.id] = signed.verified((reuse.cache / f"{keys[message.id]}.pickle").read_bytes())
        except (OSError, ValueError):
            continue  # not composed before, or not signed by this user: composed now
    missing = [m for m in kit.campaign.messages if m.id not in kept]
    areas = all_areas()
    made = compose_all(kit.campaign, areas, messages=missing, on=kit.date, progress=progress) if missing else []
    fresh: dict[str, list[Post]] = {}
    for message in missing:
        fresh[message.id] = [p for p in made if p.message_id == message.id]
        with contextlib.suppress(OSError):  # no cache (or no key) can be written: the next build composes it again
            signed.save(reuse.cache / f"{keys[message.id]}.pickle", fresh[message.id])
    _prune(reuse.cache, {f"{k}.pickle" for k in keys.values()})
    return KitPosts(kit.campaign, areas, kit.date, fresh, kept)


def _prune(folder: Path, keep: set[str]) -> None:
    """Only this campaign's current messages stay cached, not every past edit."""
    for path in folder.glob("*.pickle"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def report_of(campaign: Campaign, tally: Tally) -> tuple[list[Problem], str]:
    """The build's warnings about the posts ``tally`` counts (``warnings_of``) and its note on what they dropped."""
    return warnings_of(campaign, tally), output.summary_of(tally)


def write(kit: Kit, staging: Path) -> list[Post]:
    """Compose every post, write the posts folder of the kit, and return the posts."""
    posts = list(compose_posts(kit))
    pieces = message_files(kit.campaign, posts)
    problems, note = report_of(kit.campaign, total(p.tally for p in pieces))
    kit.warnings.extend(problems)
    kit.notes.append(note)
    run_work([files(kit, staging, pieces)], kit.jobs)
    return posts


def message_files(campaign: Campaign, posts: Sequence[Post], kit: Kit | None = None) -> list[output.MessageFiles]:
    """Each message's share of the posts files (``output.message_files``), in the campaign's order.

    With ``kit.reuse``, a message's share is kept in the cache under its
    message's key (``message_keys``) and read from there while that is
    unchanged: its posts are then never read (``KitPosts`` leaves them pickled).
    """
    cache = kit.reuse.cache.parent / "posts-files" if kit is not None and kit.reuse is not None else None
    keys = message_keys(kit) if cache is not None and kit is not None else {}
    posts_of = message_posts(posts)
    made: list[output.MessageFiles] = []
    wanted: set[str] = set()
    for i, message in enumerate(campaign.messages):
        path = cache / f"{digest(('posts-files', output.KIT_FORMAT, keys[message.id]))}.pickle" if cache else None
        if path is not None:
            wanted.add(path.name)
            kept = signed.read(path)
            if isinstance(kept, output.MessageFiles):
                made.append(kept)
                continue
        made.append(output.message_files(message.id, message.kind, i, posts_of(message.id), wide=_wide))
        if path is not None:
            with contextlib.suppress(OSError):  # no cache can be written: made again next time
                signed.save(path, made[-1])
    if cache is not None:
        _prune(cache, wanted)
    return made


def message_posts(posts: Sequence[Post]) -> Callable[[str], Sequence[Post]]:
    """One message's posts among ``posts``, by its id: from a ``KitPosts``, only that message's are unpickled;
    a list is grouped by message once, when first asked."""
    if isinstance(posts, KitPosts):
        return posts.of_message
    grouped: dict[str, list[Post]] = {}

    def of(message_id: str) -> Sequence[Post]:
        if not grouped:
            for post in posts:
                grouped.setdefault(post.message_id, []).append(post)
        return grouped.get(message_id, [])

    return of


def _wide(area: Area) -> bool:
    """The CSV and Markdown hold the national and län posts; a kommun's are one `campaign posts` away."""
    return area.level != "kommun"


def files(kit: Kit, staging: Path, pieces: Sequence[output.MessageFiles]) -> Work:
    """The posts folder's files (posts.json, posts.csv, one Markdown file per platform) as tasks for ``run_work``,
    put together from each message's share (``message_files``)."""
    folder = staging / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    name = kit.campaign.settings.name
    order = sorted({key for p in pieces for key in p.areas}, key=lambda key: (LEVEL_ORDER[key[0]], key[1]))

    def markdown() -> None:
        for platform_id in PLATFORM_IDS:
            note = KOMMUN_NOTE.format(platform=platform_id)
            _write(folder / f"{platform_id}.md", output.kit_markdown(platform_id, pieces, order, name, note))

    tasks: list[Callable[[], None]] = [
        lambda: _write(folder / "posts.json", output.kit_json(pieces, order)),
        lambda: _write(folder / "posts.csv", output.kit_csv(pieces, order)),
        markdown,
    ]
    if kit.reuse is None:
        return Work(list(tasks), lambda results: None)
    made = digest((tuple(message_keys(kit).values()), name))  # the posts are what their messages' keys say
    keys: list[Callable[[], str]] = [functools.partial(digest, (f, made)) for f in ("posts.json", "posts.csv", "markdown")]
    return Work(list(tasks), lambda results: None, keys=keys)


def short_threads(campaign: Campaign, posts: list[Post]) -> list[Problem]:
    """A warning for each short message that needs a thread somewhere: short ones should fit a tweet."""
    return _short_threads(campaign, Tally.of(posts))


def _short_threads(campaign: Campaign, tally: Tally) -> list[Problem]:
    return _per_message(
        campaign,
        tally.short_threads,
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
    return _over_hashtag_cap(campaign, Tally.of(posts))


def _over_hashtag_cap(campaign: Campaign, tally: Tally) -> list[Problem]:
    return _per_message(
        campaign,
        tally.hashtags,
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
    return _identical_texts(campaign, Tally.of(posts))


def _identical_texts(campaign: Campaign, tally: Tally) -> list[Problem]:
    same = [(mid, n) for mid, n in tally.identical.items() if n > 1]
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
