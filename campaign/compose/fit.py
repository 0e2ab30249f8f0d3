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
   grapheme. The mentions, link and hashtags go on the last part; when they do
   not fit beside the text, the mentions stay with the text (the people tagged
   see the question, not a reply holding only a link) and the link and
   hashtags make a part of their own.
4. Elsewhere :class:`DoesNotFit` says by how much.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

Fits = Callable[[str], bool]

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+|\n+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)")
_SPACE = re.compile(r"\s+")
MAX_PARTS = 25  # a longer "thread" is a mistake in the message bank, not a post


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


def fit(body: str, tail: Tail, required: frozenset[str], fits: Fits, *, threads: bool) -> Fitted:
    """Fit ``body`` and ``tail`` into one post, dropping what may go, or into a thread.

    The first mention (the registry's first choice) is the last thing a single
    post gives up: where threads exist, a thread keeps it instead.
    """
    first = single(body, tail)
    if fits(first):  # the common case: no list of reductions at all
        return Fitted((first,), tail, (), ())
    options = list(reductions(tail, required))
    keeps_one = [o for o in options if o.mentions or not tail.mentions]
    for option in keeps_one if threads else options:
        if fits(single(body, option)):
            return _fitted((single(body, option),), tail, option)
    if not threads:
        raise DoesNotFit(single(body, options[-1]), "too long, even without optional hashtags and mentions")
    for option in options:
        try:
            return _fitted(thread(body, option.text, fits, mentions=_mention_line(option)), tail, option)
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


def _mention_line(tail: Tail) -> str:
    return join_mentions(tail.mentions) if tail.mentions else ""


def thread(body: str, tail: str, fits: Fits, *, mentions: str = "") -> tuple[str, ...]:
    """Split ``body`` into numbered parts that each fit, with ``tail`` on the last one.

    ``mentions`` is the tail's first line when it tags people: if the whole
    tail cannot join the body's last part, that line still may.
    """
    n = 2
    while n <= MAX_PARTS:
        probe = f"{n}/{n}"  # the widest label of n parts: a part that fits with it fits with its own

        def fits_part(content: str, probe: str = probe) -> bool:
            return fits(f"{probe} {content}".rstrip())

        chunks = _pack(body, tail, fits_part, mentions)
        if len(chunks) <= n:
            parts = tuple(f"{i}/{len(chunks)} {c}" for i, c in enumerate(chunks, 1))
            if all(fits(p) for p in parts):
                return parts
        n = max(n + 1, len(chunks))
    raise DoesNotFit(body, f"needs more than {MAX_PARTS} parts")


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


def _pack(body: str, tail: str, fits_part: Fits, mentions: str = "") -> list[str]:
    """Greedy: as many units as fit in each part; the tail joins the last part if it fits,
    else its mentions line may, and the rest of the tail makes the final part."""
    chunks: list[str] = []
    current = ""
    for unit in _units(body, fits_part):
        if current and not fits_part((current + unit).strip()):
            chunks.append(current.strip())
            current = ""
        current += unit
    current = current.strip()
    if tail and not fits_part(tail):
        raise TailTooLong(tail, "the link and hashtags do not fit a thread part of their own")
    if tail:
        rest = tail.removeprefix(mentions + "\n") if mentions and tail.startswith(mentions + "\n") else ""
        if current and fits_part(f"{current}\n\n{tail}"):
            current = f"{current}\n\n{tail}"
        elif current and rest and fits_part(f"{current}\n\n{mentions}"):
            chunks.append(f"{current}\n\n{mentions}")
            current = rest
        else:
            if current:
                chunks.append(current)
            current = tail
    if current:
        chunks.append(current)
    return chunks
