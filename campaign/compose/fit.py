"""Fitting: a body, mentions, a link line and hashtags into one post or a numbered thread.

Pure functions over text and a ``fits(text) -> bool`` predicate (the
platform's own counter and limit), so the rules are testable on their own:

1. Everything fits: one post.
2. Otherwise optional hashtags drop, lowest priority (last) first, then
   surplus mentions, last first, until the post fits. Required hashtags and
   the link always stay; so does the first mention where threads exist.
3. If even the body with the link and required hashtags is too long, the
   body becomes a thread where the platform has them: parts numbered
   ``1/3 `` at the start (the numbering is counted), split at sentence ends,
   then clause boundaries, then spaces - never inside a word, a URL or a
   grapheme. The mentions, link and hashtags go on the last part, with as many
   of the body's last sentences as fit beside them, or at least its last
   words: no part is only a link and hashtags (the people tagged see the
   question, and a share of one part still carries words with its link).
4. Elsewhere :class:`DoesNotFit` says by how much.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from campaign.compose.records import quick_init

Fits = Callable[[str], bool]
Counts = tuple[int, int, bool]  # (length, UTF-8 bytes, no character the platform refuses)

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+|\n+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)")
_SPACE = re.compile(r"\s+")
MAX_PARTS = 25  # a longer "thread" is a mistake in the message bank, not a post


@quick_init
@dataclass(frozen=True)
class Tail:
    """What follows the body: mentions (as written), the link line, hashtags (without "#")."""

    mentions: tuple[str, ...]
    link: str | None
    hashtags: tuple[str, ...]

    @property
    def text(self) -> str:
        """The tail's lines: mentions, link, hashtags (each only when there is one)."""
        return tail_text(self.mentions, self.link, self.hashtags)


@lru_cache(maxsize=16384)
def tail_text(mentions: tuple[str, ...], link: str | None, hashtags: tuple[str, ...]) -> str:
    # Cached: the same link and hashtags end thousands of posts.
    lines = []
    if mentions:
        lines.append(join_mentions(mentions))
    if link:
        lines.append(link)
    if hashtags:
        lines.append(" ".join("#" + tag for tag in hashtags))
    return "\n".join(lines)


@dataclass(frozen=True)
class Fitted:
    parts: tuple[str, ...]
    tail: Tail  # what was kept
    dropped_hashtags: tuple[str, ...]  # in the order they were dropped
    dropped_mentions: tuple[str, ...]


class DoesNotFit(Exception):
    """The text cannot be made to fit; ``text`` is the shortest form that was tried."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text = text
        self.reason = reason


class TailTooLong(DoesNotFit):
    """The mentions, link and hashtags do not fit a thread part of their own."""


@dataclass(frozen=True)
class Sizes:
    """How the platform counts a thread part's pieces, so that its tries are sums instead of texts counted.

    ``count(piece, after_space)`` is the piece's share of a text where it starts the text or a line
    (``after_space`` False) or follows a space (True), or None where the shares do not add up (see
    ``length.pieces_length``: a piece after a space must start with neither white space nor a joining
    character, and none may hold "\r"). ``fits`` stays the judge of every part made.
    """

    count: Callable[[str, bool], Counts | None]
    limit: int
    max_bytes: int | None
    # each body's units under each label, with their shares (see _run): a body is threaded under
    # every tail its areas give it
    runs: dict[tuple[str, str], _Run | None] = field(default_factory=dict, compare=False, repr=False)


@lru_cache(maxsize=8192)
def join_mentions(mentions: tuple[str, ...]) -> str:
    """``@a @b`` for handles; names are listed with commas so that they read as a list."""
    if all(m.startswith("@") for m in mentions):
        return " ".join(mentions)
    return ", ".join(mentions)


def single(body: str, tail: Tail) -> str:
    """One post's text: the body, a blank line, then the tail lines."""
    rest = tail.text
    return f"{body}\n\n{rest}" if (body and rest) else (body or rest)


def reductions(tail: Tail, required: frozenset[str]) -> Iterator[Tail]:
    """The tail, then with optional hashtags dropped lowest priority first, then mentions, last first."""
    yield tail
    tags = list(tail.hashtags)
    for tag in reversed(tail.hashtags):
        if tag not in required:
            tags.remove(tag)
            yield Tail(tail.mentions, tail.link, tuple(tags))
    mentions = list(tail.mentions)
    while mentions:
        mentions.pop()
        yield Tail(tuple(mentions), tail.link, tuple(tags))


def fit(
    body: str,
    tail: Tail,
    required: frozenset[str],
    fits: Fits,
    *,
    threads: bool,
    fits_single: Callable[[Tail], bool] | None = None,
    sizes: Sizes | None = None,
    whole_too_long: bool = False,
) -> Fitted:
    """Fit ``body`` and ``tail`` into one post, dropping what may go, or into a thread.

    The first mention (the registry's first choice) is the last thing a single
    post gives up: where threads exist, a thread keeps it instead.
    ``fits_single(option)``, when given, is ``fits(single(body, option))`` worked
    out without making that text (the composer counts it from counted pieces). ``sizes``, when given,
    counts a thread's tries from its sentences' counts (:func:`thread`). ``whole_too_long``: the caller
    has found that ``single(body, tail)`` does not fit.
    """
    fits_one = fits_single or (lambda option: fits(single(body, option)))
    if not whole_too_long and fits_one(tail):  # the common case: no list of reductions at all
        return Fitted((single(body, tail),), tail, (), ())
    option = _first_fitting(tail, required, threads, fits_one)
    if option is not None:
        return _fitted((single(body, option),), tail, option)
    if not threads:
        raise DoesNotFit(single(body, _least(tail, required, False)), "too long, even without optional hashtags and mentions")
    for option in reductions(tail, required):
        try:
            return _fitted(thread(body, option.text, fits, sizes), tail, option)
        except TailTooLong:
            continue  # drop the next optional hashtag or mention and try again
    raise DoesNotFit(_least(tail, required, False).text, "the link and required hashtags alone do not fit one post")


def _first_fitting(tail: Tail, required: frozenset[str], threads: bool, fits_one: Callable[[Tail], bool]) -> Tail | None:
    """The first of the tail's reductions that fits one post (where threads exist, of those that keep a mention
    when the tail has one), or None. Each holds less than the one before (a hashtag or a mention fewer), so
    the last is tried first: when it does not fit, none does (a post with more in it is no shorter on any
    platform), and then none is made or tried (a thread's body would try them all in vain)."""
    if not fits_one(_least(tail, required, threads and bool(tail.mentions))):
        return None
    options = reductions(tail, required)
    return next(option for option in options if (option.mentions or not threads or not tail.mentions) and fits_one(option))


def _least(tail: Tail, required: frozenset[str], keep_first: bool) -> Tail:
    """The last of ``reductions(tail, required)`` (no optional hashtag, no mention), or with ``keep_first`` the
    last of those that keep the tail's first mention."""
    mentions = tail.mentions[:1] if keep_first else ()
    return Tail(mentions, tail.link, tuple(t for t in tail.hashtags if t in required))


def _fitted(parts: tuple[str, ...], tail: Tail, kept: Tail) -> Fitted:
    return Fitted(
        parts=parts,
        tail=kept,
        dropped_hashtags=tuple(t for t in reversed(tail.hashtags) if t not in kept.hashtags),
        dropped_mentions=tuple(m for m in reversed(tail.mentions) if m not in kept.mentions),
    )


def thread(body: str, tail: str, fits: Fits, sizes: Sizes | None = None) -> tuple[str, ...]:
    """Split ``body`` into numbered parts that each fit, with ``tail`` on the last one beside the body's last words.

    With ``sizes``, each try (a run of the body's sentences, clauses or words under a number, with or
    without the tail) is a sum of their counts, each counted once, instead of a text made and counted:
    the same parts, where the sums hold (elsewhere the tries are texts). Every part made is counted
    whole by ``fits`` all the same.
    """
    n = 2
    while n <= MAX_PARTS:
        probe = f"{n}/{n}"  # the widest label of n parts: a part that fits with it fits with its own
        fits_part = _numbered(fits, probe)
        chunks = _counted_pack(body, tail, fits_part, sizes, probe + " ") if sizes is not None else None
        if chunks is None:
            chunks = _pack(body, tail, fits_part)
        if len(chunks) <= n:
            parts = tuple(f"{i}/{len(chunks)} {c}" for i, c in enumerate(chunks, 1))
            if all(fits(p) for p in parts):
                return parts
        n = max(n + 1, len(chunks))
    raise DoesNotFit(body, f"needs more than {MAX_PARTS} parts")


def _numbered(fits: Fits, probe: str) -> Fits:
    return lambda content: fits(f"{probe} {content}".rstrip())


def pieces(text: str, boundary: re.Pattern[str]) -> list[str]:
    """``text`` cut after each boundary match; each piece keeps its trailing whitespace."""
    out, start = [], 0
    for match in boundary.finditer(text):
        if match.end() > start and match.start() > start:
            out.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _units(body: str, fits_part: Fits) -> list[str]:
    """Sentences; a sentence too long for a part becomes clauses, a clause too long becomes words."""
    units: list[str] = []
    for sentence in pieces(body, _SENTENCE_END):
        if fits_part(sentence.strip()):
            units.append(sentence)
            continue
        for clause in pieces(sentence, _CLAUSE_END):
            if fits_part(clause.strip()):
                units.append(clause)
                continue
            for word in pieces(clause, _SPACE):
                if not fits_part(word.strip()):
                    raise DoesNotFit(word.strip(), "a single word or link is longer than a whole post")
                units.append(word)
    return units


def _pack(body: str, tail: str, fits_part: Fits) -> list[str]:
    """Greedy parts of the body's units; the last part holds the tail beside as many of the body's
    last units as fit (at least its last words), so that no part is only the tail."""
    units = _units(body, fits_part)
    if not tail:
        return _greedy(units, fits_part)
    if not fits_part(tail):
        raise TailTooLong(tail, "the link and hashtags do not fit a thread part of their own")
    k = 0
    while k < len(units) and fits_part(_beside(units[len(units) - k - 1 :], tail)):
        k += 1
    if k:
        return [*_greedy(units[:-k], fits_part), _beside(units[-k:], tail)]
    return _beside_words(units, tail, fits_part)


def _beside_words(units: list[str], tail: str, fits_part: Fits) -> list[str]:
    """``_pack``'s parts where not even the body's last unit fits beside the tail."""
    if not units:
        return [tail]
    for boundary in (_CLAUSE_END, _SPACE):  # the last unit's last clauses, else its last words
        words = pieces(units[-1], boundary)
        for j in range(1, len(words)):
            if fits_part(_beside(words[j:], tail)):
                return [*_greedy([*units[:-1], "".join(words[:j])], fits_part), _beside(words[j:], tail)]
    raise TailTooLong(tail, "the link and hashtags do not fit a thread part beside any of the text")


def _beside(units: list[str], tail: str) -> str:
    return f"{''.join(units).strip()}\n\n{tail}"


def _greedy(units: list[str], fits_part: Fits) -> list[str]:
    chunks: list[str] = []
    current = ""
    for unit in units:
        if current and not fits_part((current + unit).strip()):
            chunks.append(current.strip())
            current = ""
        current += unit
    if current.strip():
        chunks.append(current.strip())
    return chunks


# ----------------------------------------------------------------------------- the tries as sums

Share = tuple[int, int]  # (length, bytes)


@dataclass(frozen=True)
class _Run:
    """A body's units under one label (``_units``'s), with the label's count and each unit's shares of a
    run of units: alone (first and last), first, last, neither.

    A run ``units[i..j]`` under the label is ``label + "".join(units[i:j+1]).strip()``: the label
    ("2/2 "), then each unit, which follows a space (the label's, or the one the unit before ends
    with) or starts a line (a unit's trailing white space that holds a line break is cut before
    it, and the rest goes with the next unit), the last one without its trailing white space.
    Each share is counted once, by ``Sizes.count``, where the sums hold (``length.pieces_length``).
    """

    units: list[str]
    base: Share
    alone: list[Share]
    first: list[Share]
    last: list[Share]
    inner: list[Share]


def _counted_pack(body: str, tail: str, fits_part: Fits, sizes: Sizes, label: str) -> list[str] | None:
    """``_pack(body, tail, fits_part)`` from the units' counts under ``label``; None where they do not add up."""
    key = (body, label)
    runs = sizes.runs
    if key in runs:
        run = runs[key]
    else:
        if len(runs) > 20_000:
            runs.clear()
        run = runs[key] = _run(body, sizes, label)  # (DoesNotFit, as _units raises it, is not kept)
    if run is None:
        return None
    units = run.units
    limit = sizes.limit
    max_bytes = sizes.max_bytes if sizes.max_bytes is not None else 1 << 62
    if not tail:
        return _counted_greedy(run, len(units), limit, max_bytes)
    alone = sizes.count(tail, True)
    joined = sizes.count("\n\n" + tail, False)
    if alone is None or joined is None or not (alone[2] and joined[2]):
        return None
    base_length, base_size = run.base
    if not (base_length + alone[0] <= limit and base_size + alone[1] <= max_bytes):
        raise TailTooLong(tail, "the link and hashtags do not fit a thread part of their own")
    # how many of the last units fit beside the tail: _pack's k
    base_length, base_size = base_length + joined[0], base_size + joined[1]
    after_length = after_size = 0  # the run's units after its first
    n = len(units)
    k = 0
    while k < n:
        x = n - k - 1
        share = run.alone[x] if k == 0 else run.first[x]
        if not (base_length + share[0] + after_length <= limit and base_size + share[1] + after_size <= max_bytes):
            break
        k += 1
        share = run.last[x] if k == 1 else run.inner[x]
        after_length, after_size = after_length + share[0], after_size + share[1]
    if k:
        return [*_counted_greedy(run, n - k, limit, max_bytes), _beside(units[-k:], tail)]
    return _beside_words(units, tail, fits_part)


def _counted_greedy(run: _Run, end: int, limit: int, max_bytes: int) -> list[str]:
    """``_greedy(run.units[:end], fits_part)``."""
    units, first, last, inner = run.units, run.first, run.last, run.inner
    base_length, base_size = run.base
    chunks: list[str] = []
    start = 0
    length = size = 0  # the label and units[start:x], each but the first after the one before
    for x in range(end):
        if x > start:
            if length + last[x][0] <= limit and size + last[x][1] <= max_bytes:
                length, size = length + inner[x][0], size + inner[x][1]
                continue
            chunks.append("".join(units[start:x]).strip())
            start = x
        length, size = base_length + first[x][0], base_size + first[x][1]
    if end > start:
        text = "".join(units[start:end]).strip()
        if text:
            chunks.append(text)
    return chunks


def _run(body: str, sizes: Sizes, label: str) -> _Run | None:
    """``_units(body, fits_part)`` and the units' shares under ``label``; None where a share does not add up
    (a unit that starts with white space or a joining character, units joined by other white space
    than a space or a line break, "\r", a character the platform refuses: the tries are texts there)."""
    try:
        return _shares(body, sizes, label)
    except _Uncounted:
        return None


class _Uncounted(Exception):
    """A share that ``Sizes.count`` does not give (or of a text with a character the platform refuses)."""


def _shares(body: str, sizes: Sizes, label: str) -> _Run:
    count = sizes.count

    def share(text: str, after_space: bool) -> Share:
        found = count(text, after_space)
        if found is None or not found[2]:
            raise _Uncounted
        return found[0], found[1]

    limit = sizes.limit
    max_bytes = sizes.max_bytes if sizes.max_bytes is not None else 1 << 62
    base = share(label, False)
    units: list[str] = []
    alone: list[Share] = []

    def fits_alone(unit: str) -> bool:  # fits_part(unit.strip()), and the unit kept if so
        if unit != unit.lstrip():
            raise _Uncounted
        found = share(unit.rstrip(), True)
        if base[0] + found[0] <= limit and base[1] + found[1] <= max_bytes:
            units.append(unit)
            alone.append(found)
            return True
        return False

    for sentence in pieces(body, _SENTENCE_END):  # as _units
        if fits_alone(sentence):
            continue
        for clause in pieces(sentence, _CLAUSE_END):
            if fits_alone(clause):
                continue
            for word in pieces(clause, _SPACE):
                if not fits_alone(word):
                    raise DoesNotFit(word.strip(), "a single word or link is longer than a whole post")
    first: list[Share] = []
    last: list[Share] = []
    inner: list[Share] = []
    carry = ""  # the unit before's trailing white space from its line break on
    for x, unit in enumerate(units):
        core = unit.rstrip()
        own = alone[x]
        if x == len(units) - 1:  # (always the last of its run)
            ending = share(carry + core, False) if carry else own
            first.append(own)
            last.append(ending)
            inner.append(ending)
            break
        space = unit[len(core) :]
        cut = space.find("\n")
        if cut >= 0:
            keep, carried = space[:cut], space[cut:]
        elif space.endswith(" "):
            keep, carried = space, ""
        else:
            raise _Uncounted  # (joined by other white space)
        first.append(share(core + keep, True))
        if carry:
            last.append(share(carry + core, False))
            inner.append(share(carry + core + keep, False))
        else:
            last.append(own)
            inner.append(first[-1])
        carry = carried
    return _Run(units, base, alone, first, last, inner)
