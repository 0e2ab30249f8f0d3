"""Composing posts: render a message for an area, then fit it to a platform."""

from __future__ import annotations

import datetime as dt
import gc
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from jinja2 import TemplateError

import campaign.compose.facets as bsky_facets
from campaign import registry, templating
from campaign.compose import length as lengths
from campaign.compose import utm as utms
from campaign.compose.facets import (
    FacetRow,
    Known,
    known_mentions,
    piece_rows,
    pieces_facets,
    rows_facets,
    short_text,
    spaced_facets,
)
from campaign.compose.fit import DoesNotFit, Fitted, Tail, fit, join_mentions, tail_text
from campaign.compose.length import HASHTAG, composed_length, count, limit_of, lines_length, measure, part_sizes
from campaign.compose.platforms import PLATFORM_IDS, Platform
from campaign.compose.platforms import platform as get_platform
from campaign.compose.records import quick_init
from campaign.compose.utm import link_url
from campaign.errors import CampaignError, CampaignInvalid, ExitCode, Problem
from campaign.model import Area, Campaign, Mention, Message

LINK_IN_BIO = "Länk i bio: "  # Instagram: links in captions are not clickable, so the URL goes in the bio
# Where the clause giving a figure ends: a sentence stop, or a comma, semicolon, colon or
# dash before the next clause ("…som behövs, och värst är det i mindre kommuner.").
_CLAUSE_STOP = re.compile(r"[.!?…](?=[\"'”»)]*(?:\s|$))|[,;:](?=\s)|\s[–—](?=\s)")
LEVEL_ORDER = {"national": 0, "lan": 1, "kommun": 2}


class PostTooLong(CampaignError):
    """A message does not fit a platform without threads, even with every optional part dropped."""

    exit_code = ExitCode.INVALID


class RenderFailed(CampaignError):
    """A message template failed while rendering for one area."""

    exit_code = ExitCode.INVALID


@quick_init
@dataclass(frozen=True)
class Part:
    """One post of a thread (or the only one): its text and its length as the platform counts it."""

    text: str
    length: int
    limit: int
    facets: tuple[dict[str, Any], ...] = ()  # Bluesky only: app.bsky.richtext.facet dicts

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "length": self.length, "limit": self.limit}
        if self.facets:
            data["facets"] = list(self.facets)
        return data


@quick_init
@dataclass(frozen=True)
class Dropped:
    """Something left out of a post, and why: ``"length"`` (to fit) or ``"cap"`` (the platform's hashtag cap)."""

    kind: str  # "hashtag" or "mention"
    value: str  # "#svpol", "@anna_s", "Anna Andersson"
    reason: str

    def __str__(self) -> str:
        return f"{self.value} ({self.reason})"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "reason": self.reason}


@quick_init
@dataclass(frozen=True)
class Post:
    """A message composed for one area on one platform: ready to paste or publish."""

    message_id: str
    kind: str  # the message's kind: "long" or "short"
    platform: str
    area: Area
    variant: int  # index into the message's variants
    parts: tuple[Part, ...]  # more than one: a numbered thread
    link: str | None  # the final URL, with UTM parameters
    hashtags: tuple[str, ...] = ()  # kept, without "#", in priority order (those written in the body too)
    mentions: tuple[Mention, ...] = ()  # kept
    dropped: tuple[Dropped, ...] = ()
    levels: tuple[str, ...] = field(default=())  # the level each figure's value comes from, in figure order

    @property
    def text(self) -> str:
        """All parts, separated by a blank line (one part: its text)."""
        return "\n\n".join(p.text for p in self.parts)

    @property
    def is_thread(self) -> bool:
        return len(self.parts) > 1

    def to_json(self) -> dict[str, Any]:
        area = self.area
        return {
            "message": self.message_id,
            "kind": self.kind,
            "platform": self.platform,
            "area": {
                "level": area.level,
                "code": area.code,
                "name": area.name,
                "lan_code": area.lan_code,
                "lan_name": area.lan_name,
            },
            "variant": self.variant,
            "parts": [p.to_json() for p in self.parts],
            "link": self.link,
            "hashtags": list(self.hashtags),
            "mentions": [
                {"politician_id": m.politician_id, "name": m.name, "role": m.role, "handle": m.handle, "did": m.did}
                for m in self.mentions
            ],
            "dropped": [d.to_json() for d in self.dropped],
            "levels": list(self.levels),
        }


# ----------------------------------------------------------------------------- variants and levels


def variant_index(message: Message, area: Area) -> int:
    """Which phrasing ``area`` gets: neighbours (adjacent in their län's code order) get different ones.

    The rotation starts at a stable hash of the message id, so different
    messages do not all open with their first variant in the same place.
    """
    n = len(message.variants)
    if n <= 1:
        return 0
    return (area_rank(area) + zlib.crc32(message.id.encode("utf-8"))) % n


def area_rank(area: Area) -> int:
    """The area's place among its siblings (kommuner of its län, or the län): stable, consecutive."""
    if area.level == "national":
        return 0
    ranks = _sibling_ranks()
    return ranks.get((area.level, area.code), int(area.code) if area.code.isdigit() else zlib.crc32(area.code.encode()))


@lru_cache(maxsize=1)
def _sibling_ranks() -> dict[tuple[str, str], int]:
    ranks: dict[tuple[str, str], int] = {}
    counters: dict[tuple[str, str], int] = {}
    for a in sorted(registry.areas(), key=lambda a: (a.level, a.code)):
        key = (a.level, a.lan_code if a.level == "kommun" else "")
        ranks[(a.level, a.code)] = counters.get(key, 0)
        counters[key] = ranks[(a.level, a.code)] + 1
    return ranks


def state_levels(text: str, views: Sequence[templating.FigureView], area: Area) -> str:
    """Make the text say where a figure's value comes from when it is not the area's own.

    A kommun post using the län or national value gets the figure's note
    ("(riksgenomsnitt)", "(siffra för Uppsala län)") at the end of the clause
    that gives the figure, unless the text already says the level: at the end of
    the sentence the note could seem to qualify a later clause instead.
    """
    lowered = ""  # text.lower(), once the text has a view to state the level of
    for view in views:
        if view.level == area.level or not view.note:
            continue
        lowered = lowered or text.lower()
        if _says_level(lowered, view):
            continue
        at = _find_figure(lowered, view)
        if at < 0:
            continue  # the text does not show this figure, so there is no level to state
        stop = _CLAUSE_STOP.search(text, at)
        end = stop.start() if stop else len(text)
        text = f"{text[:end]} {view.note}{text[end:]}"
        lowered = ""
    return text


def _says_level(lowered: str, view: templating.FigureView) -> bool:
    """Whether the text (``lowered``: in lower case) says the level of the figure's value."""
    if view.where.lower() in lowered or view.note.lower() in lowered:
        return True
    if view.level == "national":
        return any(w in lowered for w in ("i landet", "hela landet", "riksgenomsnitt", "i sverige", "nationell"))
    return False


def _find_figure(lowered: str, view: templating.FigureView) -> int:
    """Where the text (``lowered``: in lower case) first shows the figure, or -1."""
    for shown in (view.words, view.percent, view.number):
        at = lowered.find(shown.lower())
        if at >= 0:
            return at
    return -1


# ----------------------------------------------------------------------------- rendering


def base_context(campaign: Campaign, area: Area, views: templating.Views | None = None) -> dict[str, Any]:
    """The template variables for ``area`` shared by every message (``views``: see ``templating.figure_view``)."""
    return templating.context(campaign, area, (), None, views)


def render_body(
    campaign: Campaign, message: Message, area: Area, ctx: dict[str, Any] | None = None
) -> tuple[int, str, tuple[str, ...]]:
    """(variant index, rendered body in NFC with the figures' levels stated, figure levels)."""
    ctx = dict(ctx if ctx is not None else base_context(campaign, area))
    views = [ctx["figures"][fid] for fid in message.figures]
    ctx["figure"] = views[0] if views else None
    ctx["link"] = ctx["links"][message.link] if message.link else None
    index = variant_index(message, area)
    try:
        body = templating.render(message.variants[index], ctx)
    except (TemplateError, ValueError, TypeError) as exc:
        raise RenderFailed(f"message {message.id!r} (variant {index + 1}) failed for {area.name}: {exc}") from exc
    body = unicodedata.normalize("NFC", state_levels(body, views, area))
    return index, body, tuple(v.level for v in views)


# ----------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class _Tags:
    ordered: tuple[str, ...]  # priority order, highest first
    required: frozenset[str]


def hashtags_for(campaign: Campaign, message: Message) -> _Tags:
    """The message's own tags, then the campaign's, without duplicates (case-insensitive)."""
    seen: dict[str, str] = {}
    required: set[str] = set()
    pairs = [(t, False) for t in message.hashtags] + [(h.tag, h.required) for h in campaign.hashtags]
    for raw, is_required in pairs:
        tag = unicodedata.normalize("NFC", raw.lstrip("#"))
        key = tag.casefold()
        seen.setdefault(key, tag)
        if is_required:
            required.add(seen[key])
    return _Tags(tuple(seen.values()), frozenset(required))


@lru_cache(maxsize=4096)
def body_tags(body: str) -> frozenset[str]:
    """The hashtags the body itself writes, case-folded (a body is fitted to every platform)."""
    if "#" not in body:
        return frozenset()  # (each of HASHTAG's matches starts with "#": most bodies have none to look for)
    return frozenset(t.casefold() for t in HASHTAG.findall(body))


@lru_cache(maxsize=4096)
def _apply_cap(tags: _Tags, in_body: frozenset[str], cap: int | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tags to append, tags over the platform's cap). Required tags take the places first."""
    wanted = [t for t in tags.ordered if t.casefold() not in in_body]
    if cap is None:
        return tuple(wanted), ()
    room = max(0, cap - len(in_body))
    ranked = [t for t in wanted if t in tags.required] + [t for t in wanted if t not in tags.required]
    keep = set(ranked[:room])
    return tuple(t for t in wanted if t in keep), tuple(t for t in wanted if t not in keep)


@lru_cache(maxsize=16384)
def written_mention(mention: Mention, p: Platform) -> str:
    """``@handle`` where the platform tags in text and the registry has a handle; the name otherwise (NFC)."""
    if p.text_mentions and mention.handle:
        text = "@" + mention.handle
    elif p.text_mentions or not mention.role:
        text = mention.name
    else:
        text = f"{mention.name} ({mention.role})"
    return unicodedata.normalize("NFC", text)


def link_line(url: str | None, p: Platform) -> str | None:
    if url is None:
        return None
    return url if p.clickable_links else LINK_IN_BIO + url


@lru_cache(maxsize=16384)
def tail_pieces(mentions: tuple[str, ...], link: str | None, hashtags: tuple[str, ...]) -> tuple[str, ...]:
    """What follows a body in one post, as pieces that each start a line (see ``pieces_length``): a blank
    line and the mentions, then the link and hashtag lines; or a blank line and those where no one is
    tagged. A body joined with them is ``fit.single(body, Tail(mentions, link, hashtags))``."""
    lines = tail_text((), link, hashtags)
    if not mentions:
        return ("\n\n" + lines,) if lines else ()
    named = "\n\n" + join_mentions(mentions)
    return (named, "\n" + lines) if lines else (named,)


def fit_post(
    campaign: Campaign,
    message: Message,
    area: Area,
    p: Platform,
    variant: int,
    body: str,
    levels: tuple[str, ...],
    mentions: Sequence[Mention],
    tags: _Tags,
    instance_limit: int | None = None,
) -> Post:
    """Fit a rendered body, with link, mentions and hashtags, to platform ``p``."""
    return _fit(campaign, message, area, p, variant, body, levels, tuple(mentions), tags, instance_limit, _Shared())


@dataclass(frozen=True)
class _Ending:
    """What ends a message's posts on a platform in every area whose body writes the same hashtags."""

    url: str | None  # the link, with its UTM parameters
    appended: tuple[str, ...]  # hashtags to append
    over_cap: tuple[str, ...]
    after_mentions: str  # "\n" + the link and hashtag lines ("" when there are none)
    alone: str  # "\n\n" + the same, where no one is tagged
    kept_tags: tuple[str, ...]  # when all of it fits
    dropped: tuple[Dropped, ...]  # the cap's
    after: _Counted | None  # ``after_mentions`` counted (None: count the post whole)
    alone_counted: _Counted | None  # ``alone`` counted


@dataclass(frozen=True)
class _Tagged:
    """Who a post tags on one platform, as written, the same for every message with the same tag rules."""

    written: dict[str, Mention]  # as written -> the mention (the first of those written alike)
    names: tuple[str, ...]
    kept: tuple[Mention, ...]
    line: str  # "\n\n" + the mentions line ("" when no one)
    known: Known  # the kept mentions a Bluesky facet can be made for
    counted: _Counted | None  # ``line`` counted


class _Counted(NamedTuple):
    """A piece of a post that starts a line (a mentions line, a link and hashtags' lines), counted once for
    every post it ends: its length, UTF-8 bytes and validity (always true: see ``_counted``) as
    ``lengths._piece`` gives them, and for Bluesky its posted text, facet rows and posted bytes."""

    text: str
    length: int
    size: int
    valid: bool
    posted: str
    rows: tuple[FacetRow, ...]
    posted_bytes: int


def _counted(p: Platform, text: str, known: Known) -> _Counted | None:
    """``text`` counted for ``p`` (None when it is to be counted whole with what it joins, when it holds a
    character the platform refuses, so that a post with it is counted whole and refused, or when it
    writes "@" that only the post's own mentions could make a facet of)."""
    found = lengths._piece(p.counter, text)
    if found is None or not found[2] or not text.startswith("\n"):
        return None
    if p.counter != "bluesky":
        return _Counted(text, *found, text, (), 0)
    if "@" in text and not known:
        return None
    return _Counted(text, *found, *piece_rows(text, known))


class _Shared:
    """What compose_all works out once and uses for many posts: the URLs, endings and mention lines."""

    def __init__(self) -> None:
        self.endings_by_platform: dict[tuple[str, str, frozenset[str]], _Ending] = {}
        self.ending_lists: dict[tuple[str, frozenset[str]], list[_Ending]] = {}
        self.tagged: dict[tuple[int, str], tuple[tuple[Mention, ...], _Tagged]] = {}
        self.bodies: dict[tuple[Any, ...], tuple[int, str, tuple[str, ...]]] = {}
        self.views: templating.Views = {}  # each figure's view for the areas that get it alike

    def body(self, campaign: Campaign, message: Message, area: Area, ctx: dict[str, Any]) -> tuple[int, str, tuple[str, ...]]:
        """``render_body``, once for all the areas whose posts the template cannot tell apart: the same
        phrasing, the same figures (values, where, notes) and the same level, and it reads nothing else
        of the area (a template only formats the values it is given)."""
        index = variant_index(message, area)
        if templating.reads(message.variants[index]) & templating.AREA_VARIABLES:
            # (the key would hold the area, and compose_all composes each message for an area once: nothing
            # to share, so nothing kept)
            return render_body(campaign, message, area, ctx)
        figures = ctx["figures"]
        views = tuple(figures[fid] for fid in message.figures)
        key = (message.id, index, area.level, views)
        found = self.bodies.get(key)
        if found is None:  # (a render that fails is not kept: each area's failure names it)
            found = self.bodies[key] = render_body(campaign, message, area, ctx)
        return found

    def endings(
        self, campaign: Campaign, message: Message, plats: list[Platform], tags: _Tags, in_body: frozenset[str]
    ) -> list[_Ending]:
        """``ending`` on each of ``plats`` (compose_all's, the same for every message and area)."""
        key = (message.id, in_body)
        found = self.ending_lists.get(key)
        if found is None:
            found = self.ending_lists[key] = [self.ending(campaign, message, p, tags, in_body) for p in plats]
        return found

    def ending(self, campaign: Campaign, message: Message, p: Platform, tags: _Tags, in_body: frozenset[str]) -> _Ending:
        key = (message.id, p.id, in_body)
        found = self.endings_by_platform.get(key)
        if found is None:
            url = link_url(campaign.link(message.link), campaign.settings.utm, p.id) if message.link else None
            appended, over_cap = _apply_cap(tags, in_body, p.max_hashtags)
            lines = tail_text((), link_line(url, p), appended)
            after, alone = ("\n" + lines, "\n\n" + lines) if lines else ("", "")
            found = self.endings_by_platform[key] = _Ending(
                url,
                appended,
                over_cap,
                after,
                alone,
                tuple(t for t in tags.ordered if t.casefold() in in_body or t in appended),
                tuple(Dropped("hashtag", "#" + t, "cap") for t in over_cap),
                _counted(p, after, ()) if after else None,
                _counted(p, alone, ()) if alone else None,
            )
        return found

    def who(self, mentions: tuple[Mention, ...], p: Platform) -> _Tagged:
        key = (id(mentions), p.id)  # the same tuple for every message of an area (kept alive here, so its id is its own)
        found = self.tagged.get(key)
        if found is None or found[0] is not mentions:
            written: dict[str, Mention] = {}
            for mention in mentions:
                written.setdefault(written_mention(mention, p), mention)
            names = tuple(written)
            kept = tuple(written.values())
            line = "\n\n" + join_mentions(names) if names else ""
            known = known_mentions(kept)
            tagged = _Tagged(written, names, kept, line, known, _counted(p, line, known) if line else None)
            found = self.tagged[key] = (mentions, tagged)
        return found[1]


def _fit(
    campaign: Campaign,
    message: Message,
    area: Area,
    p: Platform,
    variant: int,
    body: str,
    levels: tuple[str, ...],
    mentions: tuple[Mention, ...],
    tags: _Tags,
    instance_limit: int | None,
    shared: _Shared,
) -> Post:
    in_body = body_tags(body)
    end = shared.ending(campaign, message, p, tags, in_body)
    who = shared.who(mentions, p)
    limit = limit_of(p, instance_limit)
    post = _whole_post(message, area, p, variant, body, levels, who, end, limit, lengths.plain(body))
    if isinstance(post, Post):
        return post
    return _fitted_post(message, area, p, variant, body, levels, who, end, tags, limit, in_body, too_long=post is False)


def _whole_post(
    message: Message,
    area: Area,
    p: Platform,
    variant: int,
    body: str,
    levels: tuple[str, ...],
    who: _Tagged,
    end: _Ending,
    limit: int,
    plain: lengths.Plain | None,
) -> Post | Literal[False] | None:
    """The common case, one post with everything: counted from its pieces' counts, each made once (the
    body's, shared by seven platforms; the mentions line's, by the area's messages; the link and
    hashtags' lines', by every area), as ``lines_length`` sums them. False where those counts say it
    does not fit (``_fitted_post`` then drops hashtags or mentions, or makes a thread, without counting
    it again); None where a piece is to be counted whole with the others (``_fitted_post`` counts the
    post the slower way, and may fit it). ``plain`` is ``lengths.plain(body)`` (found once for the
    body's seven posts)."""
    if not body:
        return None
    found = plain.count(p.counter) if plain is not None else lengths._piece(p.counter, body)
    if found is None or not found[2]:
        return None
    length, size = found[0], found[1]
    # the pieces after the body (each None where it is to be counted whole, see _counted)
    if who.line:
        first, second = who.counted, end.after
        if first is None or (second is None and end.after_mentions):
            return None
    else:
        first, second = end.alone_counted, None
        if first is None and end.alone:
            return None
    if first is not None:
        length, size = length + first.length, size + first.size
        if second is not None:
            length, size = length + second.length, size + second.size
    if length > limit or (p.max_bytes is not None and size > p.max_bytes):
        return False
    if p.counter != "bluesky":
        text = body if first is None else body + first.text if second is None else body + first.text + second.text
        part = Part(text, length, limit)
    else:
        rows: tuple[FacetRow, ...]
        if plain is not None and not plain.facets:
            posted, rows, shift = body, (), plain.bytes  # (no link to shorten, no facet)
        else:
            posted, rows, shift = piece_rows(body, who.known)
        facet_rows = [(rows, 0)]
        for piece in (first, second):
            if piece is not None:
                posted += piece.posted
                facet_rows.append((piece.rows, shift))
                shift += piece.posted_bytes
        part = Part(posted, length, limit, rows_facets(facet_rows))
    return Post(message.id, message.kind, p.id, area, variant, (part,), end.url, end.kept_tags, who.kept, end.dropped, levels)


def _fitted_post(
    message: Message,
    area: Area,
    p: Platform,
    variant: int,
    body: str,
    levels: tuple[str, ...],
    who: _Tagged,
    end: _Ending,
    tags: _Tags,
    limit: int,
    in_body: frozenset[str],
    *,
    too_long: bool = False,
) -> Post:
    """A post that does not fit with everything (or whose pieces are counted whole): hashtags and mentions
    dropped, or a thread (``fit.fit``). ``too_long``: ``_whole_post`` counted the post with everything from
    its pieces, and it does not fit."""
    url = end.url
    pieces: tuple[str, ...]
    if who.line:
        pieces = (body, who.line, end.after_mentions) if end.after_mentions else (body, who.line)
    else:
        pieces = (body, end.alone) if end.alone else (body,)
    if body and len(pieces) > 1 and not too_long:
        length = lines_length(p, pieces, limit)
        if length is not None:
            part = _pieces_part(p, pieces, length, limit, who.kept)
            return Post(message.id, message.kind, p.id, area, variant, (part,), url, end.kept_tags, who.kept, end.dropped, levels)
    tail = Tail(who.names, link_line(url, p), end.appended)
    try:
        fitted = fit(
            body,
            tail,
            tags.required,
            lambda text: composed_length(p, text, limit) is not None,
            threads=p.threads,
            whole_too_long=too_long,
            # (the tails tried, each as pieces counted once: the body's, the mentions', the link and hashtags')
            fits_single=(lambda t: lines_length(p, (body, *tail_pieces(t.mentions, t.link, t.hashtags)), limit) is not None)
            if body
            else None,
            sizes=part_sizes(p, limit),  # (a thread's tries as sums of its sentences' counts)
        )
    except DoesNotFit as exc:
        raise _too_long(message, area, p, limit, exc) from None
    dropped = list(end.dropped)
    dropped += [Dropped("hashtag", "#" + t, "length") for t in fitted.dropped_hashtags]
    dropped += [Dropped("mention", m, "length") for m in fitted.dropped_mentions]
    kept_mentions = tuple(who.written[m] for m in fitted.tail.mentions)
    parts = _single_part(p, body, fitted, limit, kept_mentions) or tuple(
        _part(p, text, limit, kept_mentions) for text in fitted.parts
    )
    kept_tags = tuple(t for t in tags.ordered if t.casefold() in in_body or t in fitted.tail.hashtags)
    return Post(message.id, message.kind, p.id, area, variant, parts, url, kept_tags, kept_mentions, tuple(dropped), levels)


def _pieces_part(
    p: Platform, pieces: tuple[str, ...], length: int, limit: int, mentions: Sequence[Mention], text: str | None = None
) -> Part:
    """A post of one part: counted ``pieces`` (the body, the mentions, the link and hashtags) joined (``text``, when
    the caller has it)."""
    if p.counter == "bluesky":
        return Part("".join(short_text(piece) for piece in pieces), length, limit, pieces_facets(pieces, mentions))
    return Part(text if text is not None else "".join(pieces), length, limit)


def _single_part(p: Platform, body: str, fitted: Fitted, limit: int, mentions: Sequence[Mention]) -> tuple[Part] | None:
    """The part of a post that fits one once hashtags or mentions are dropped, from the pieces it was counted from;
    None for a thread."""
    if len(fitted.parts) != 1 or not body:
        return None
    pieces = (body, *tail_pieces(fitted.tail.mentions, fitted.tail.link, fitted.tail.hashtags))
    length = lines_length(p, pieces, limit)
    if length is None or fitted.parts[0] != "".join(pieces):
        return None  # (not one post made of these pieces)
    return (_pieces_part(p, pieces, length, limit, mentions, fitted.parts[0]),)


def _part(p: Platform, text: str, limit: int, mentions: Sequence[Mention]) -> Part:
    length = composed_length(p, text, limit)
    if length is None:  # (a part always fits: fit() checked it with the same counter)
        length = measure(p, text)
    if p.counter == "bluesky":
        # As the Bluesky app posts it: links' visible text shortened, the full URLs in link facets; from the
        # part's pieces (its number, its sentences, its tail's lines), each piece's facets found once.
        pieces = _part_pieces(text)
        return Part("".join(short_text(piece) for piece in pieces), length, limit, spaced_facets(pieces, mentions))
    return Part(text, length, limit)


_LABEL = re.compile(r"[0-9]{1,2}/[0-9]{1,2} ")  # a thread part's "2/3 "


def _part_pieces(text: str) -> tuple[str, ...]:
    """A thread part cut where its facets add up (facets.spaced_facets): after its number, after its
    sentences (length.sentence_pieces) and before each line of its tail."""
    i = text.rfind("\n\n")
    head, rest = (text[:i], text[i:]) if i > 0 else (text, "")
    label = _LABEL.match(head)
    cut = label.end() if label else 0
    pieces = [head[:cut]] if cut else []
    pieces += lengths.sentence_pieces(head[cut:])
    if rest:
        first, *lines = rest[2:].split("\n")
        pieces += ["\n\n" + first, *["\n" + line for line in lines]]
    return tuple(pieces)


def _too_long(message: Message, area: Area, p: Platform, limit: int, exc: DoesNotFit) -> PostTooLong:
    c = count(p, exc.text, instance_limit=limit if p.id == "mastodon" else None)
    size = f"{c.length} of {c.limit} {c.unit}, {c.overflow} over"
    if c.byte_limit is not None and (c.bytes or 0) > c.byte_limit:
        size += f"; {c.bytes} of {c.byte_limit} bytes"
    return PostTooLong(f"message {message.id!r} does not fit {p.name} for {area.name}: {size} ({exc.reason})")


# ----------------------------------------------------------------------------- tags from the registry


def resolve_mentions(
    campaign: Campaign, message: Message, area: Area, platform_id: str, on: dt.date | None = None
) -> tuple[Mention, ...]:
    """Whom the message tags in ``area`` on ``platform_id`` on the date ``on`` (default: the launch date),
    by the message's own rules or the campaign's default."""
    rules = message.tag if message.tag is not None else campaign.settings.tag
    if not rules or area.level != "kommun":
        return ()
    when = on or campaign.settings.launch_date
    return tuple(registry.resolve_tags(campaign, area, platform_id, tuple(rules), on=when).mentions)


def _mentions_of(tags: Any) -> tuple[Mention, ...]:
    if tags is None:
        return ()
    return tuple(tags.mentions if hasattr(tags, "mentions") else tags)


# ----------------------------------------------------------------------------- public entry points


def compose(
    campaign: Campaign,
    message: Message | str,
    area: Area,
    platform: Platform | str,
    *,
    tags: Any = None,
    instance_limit: int | None = None,
    on: dt.date | None = None,
) -> Post:
    """Compose ``message`` for ``area`` on ``platform``.

    ``tags`` is a registry ``Tagging`` (or a sequence of ``Mention``); when it
    is None the registry's rules are asked for the roles held on ``on``
    (default: the campaign's launch date). ``instance_limit`` is a Mastodon
    instance's own limit. Raises :class:`PostTooLong` or :class:`RenderFailed`.
    """
    msg = campaign.message(message) if isinstance(message, str) else message
    p = platform if isinstance(platform, Platform) else get_platform(platform)
    mentions = _mentions_of(tags) if tags is not None else resolve_mentions(campaign, msg, area, p.id, on)
    variant, body, levels = render_body(campaign, msg, area)
    return fit_post(campaign, msg, area, p, variant, body, levels, mentions, hashtags_for(campaign, msg), instance_limit)


def sort_areas(areas: Iterable[Area]) -> list[Area]:
    """National first, then län, then kommuner, each by code."""
    return sorted(set(areas), key=lambda a: (LEVEL_ORDER[a.level], a.code))


def compose_all(
    campaign: Campaign,
    areas: Iterable[Area],
    platforms: Iterable[str] | None = None,
    messages: Iterable[str | Message] | None = None,
    *,
    instance_limit: int | None = None,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Post]:
    """Every post for ``areas`` × ``messages`` × ``platforms`` (default: all), tagging who holds the roles on ``on``.

    Sorted by area (national, län, kommun; by code), then message in campaign
    order, then platform in table order. Every failure is collected and raised
    together as :class:`CampaignInvalid`, one problem per message and platform.
    ``progress(done, total)`` is called after each area.
    """
    plats = [get_platform(pid) for pid in (platforms or PLATFORM_IDS)]
    plats.sort(key=lambda p: PLATFORM_IDS.index(p.id))
    wanted = [campaign.message(m) if isinstance(m, str) else m for m in (messages or campaign.messages)]
    order = {m.id: i for i, m in enumerate(campaign.messages)}
    wanted.sort(key=lambda m: order.get(m.id, len(order)))
    tag_sets = {m.id: hashtags_for(campaign, m) for m in wanted}
    failures: dict[tuple[str, str], tuple[CampaignError, int]] = {}
    ordered = sort_areas(areas)
    shared = _Shared()
    with _collector_paused():
        posts = _compose_areas(campaign, ordered, plats, wanted, tag_sets, shared, failures, instance_limit, on, progress)
    if progress:
        progress(len(ordered), len(ordered))
    if failures:
        raise CampaignInvalid(_problems(campaign, failures))
    return posts


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while composing: a run makes a million small objects
    (posts, parts, facets) and no cycles among them, and the collector would walk all of them again
    each time it ran (about 40 % of the composer's CPU). Whatever cycles a template leaves are
    collected when it resumes.

    What composing made is kept (the posts), so it goes straight to the oldest generation (freeze,
    then unfreeze: two list splices) instead of being walked by the first young collection after
    the collector resumes and then again by the middle one (~8 % of composing). Not when something
    else holds objects frozen (a parent about to fork): unfreezing would hand those back too."""
    was = gc.isenabled()
    others_frozen = gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        if not others_frozen:
            gc.freeze()
            gc.unfreeze()
        if was:
            gc.enable()


def _compose_areas(
    campaign: Campaign,
    ordered: list[Area],
    plats: list[Platform],
    wanted: list[Message],
    tag_sets: dict[str, _Tags],
    shared: _Shared,
    failures: dict[tuple[str, str], tuple[CampaignError, int]],
    instance_limit: int | None,
    on: dt.date | None,
    progress: Callable[[int, int], None] | None,
) -> list[Post]:
    limits = [limit_of(p, instance_limit) for p in plats]
    posts: list[Post] = []
    for done, area in enumerate(ordered, 1):
        if progress and done > 1:
            progress(done - 1, len(ordered))
        ctx = base_context(campaign, area, shared.views)
        tagged: dict[Any, list[_Tagged]] = {}  # the area's, by rule set: one registry call per platform
        for message in wanted:
            try:
                variant, body, levels = shared.body(campaign, message, area, ctx)
            except RenderFailed as exc:
                _note(failures, (message.id, "*"), exc)
                continue
            tags = tag_sets[message.id]
            in_body = body_tags(body)
            whos = tagged.get(message.tag)
            if whos is None:
                whos = tagged[message.tag] = [shared.who(resolve_mentions(campaign, message, area, p.id, on), p) for p in plats]
            ends = shared.endings(campaign, message, plats, tags, in_body)
            plain = lengths.plain(body)
            for p, limit, who, end in zip(plats, limits, whos, ends, strict=True):
                post = _whole_post(message, area, p, variant, body, levels, who, end, limit, plain)
                if not isinstance(post, Post):
                    try:
                        post = _fitted_post(
                            message, area, p, variant, body, levels, who, end, tags, limit, in_body, too_long=post is False
                        )
                    except PostTooLong as exc:
                        _note(failures, (message.id, p.id), exc)
                        continue
                posts.append(post)
    return posts


def forget_counts() -> None:
    """Empty the composer's memos of counted texts (what ``compose_all`` learns and keeps for the next
    run in this process): for a benchmark of what one build pays. The platforms' data stay loaded."""
    for memo in (
        templating.reads,
        templating._template,  # (a build parses and compiles each template once)
        body_tags,
        _apply_cap,
        tail_pieces,
        written_mention,
        lengths._x_line,
        lengths._grapheme_line,
        lengths._mastodon_line,
        lengths._piece,
        lengths._sentence,
        lengths.sentence_pieces,
        lengths.plain,
        lengths.part_sizes,  # (and with it each platform's units of the bodies threaded)
        bsky_facets._line_links,
        bsky_facets.to_short_url,
        bsky_facets.short_text,
        bsky_facets._posted_bytes,
        bsky_facets._facet_rows,
        tail_text,
        join_mentions,
        utms._cached,
    ):
        memo.cache_clear()
    lengths._WHOLE.clear()
    lengths._TRIED.clear()


def _note(failures: dict[tuple[str, str], tuple[CampaignError, int]], key: tuple[str, str], exc: CampaignError) -> None:
    first, n = failures.get(key, (exc, 0))
    failures[key] = (first, n + 1)


def _problems(campaign: Campaign, failures: dict[tuple[str, str], tuple[CampaignError, int]]) -> list[Problem]:
    file = campaign.sources.get("messages", "messages")
    index = {m.id: i for i, m in enumerate(campaign.messages)}
    problems = []
    rank = {pid: i for i, pid in enumerate(("*", *PLATFORM_IDS))}
    for (message_id, _), (exc, n) in sorted(failures.items(), key=lambda kv: (index.get(kv[0][0], 0), rank[kv[0][1]])):
        more = f" (and {n - 1} more area{'s' if n > 2 else ''})" if n > 1 else ""
        problems.append(Problem(file, 0, 0, f"messages[{index.get(message_id, 0)}]", f"{exc}{more}"))
    return problems
