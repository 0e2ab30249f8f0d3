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
from dataclasses import dataclass
from functools import lru_cache

from campaign.compose.records import quick_init

Fits = Callable[[str], bool]

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
) -> Fitted:
    """Fit ``body`` and ``tail`` into one post, dropping what may go, or into a thread.

    The first mention (the registry's first choice) is the last thing a single
    post gives up: where threads exist, a thread keeps it instead.
    ``fits_single(option)``, when given, is ``fits(single(body, option))`` worked
    out without making that text (the composer counts it from counted pieces).
    """
    fits_one = fits_single or (lambda option: fits(single(body, option)))
    if fits_one(tail):  # the common case: no list of reductions at all
        return Fitted((single(body, tail),), tail, (), ())
    options = list(reductions(tail, required))
    keeps_one = [o for o in options if o.mentions or not tail.mentions]
    for option in keeps_one if threads else options:
        if fits_one(option):
            return _fitted((single(body, option),), tail, option)
    if not threads:
        raise DoesNotFit(single(body, options[-1]), "too long, even without optional hashtags and mentions")
    for option in options:
        try:
            return _fitted(thread(body, option.text, fits), tail, option)
        except TailTooLong:
            continue  # drop the next optional hashtag or mention and try again
    raise DoesNotFit(options[-1].text, "the link and required hashtags alone do not fit one post")


def _fitted(parts: tuple[str, ...], tail: Tail, kept: Tail) -> Fitted:
    return Fitted(
        parts=parts,
        tail=kept,
        dropped_hashtags=tuple(t for t in reversed(tail.hashtags) if t not in kept.hashtags),
        dropped_mentions=tuple(m for m in reversed(tail.mentions) if m not in kept.mentions),
    )


def thread(body: str, tail: str, fits: Fits) -> tuple[str, ...]:
    """Split ``body`` into numbered parts that each fit, with ``tail`` on the last one beside the body's last words."""
    n = 2
    while n <= MAX_PARTS:
        probe = f"{n}/{n}"  # the widest label of n parts: a part that fits with it fits with its own
        chunks = _pack(body, tail, _numbered(fits, probe))
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
