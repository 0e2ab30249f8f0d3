"""Tag rules: whom a post for a kommun tags, and how that resolves per platform.

A rule names a body and one or more titles, separated by a colon::

    campaign:
      tag:
        - "socialnämnden: ordförande, vice ordförande"
        - "kommunstyrelsen: ordförande"

A message may carry its own ``tag:`` list instead of the campaign's (an empty
list tags nobody). Bodies and titles match the politicians' roles without
regard to case or repeated spaces; a role whose body has a local name
("individ- och familjeomsorgsnämnden") says ``counts_as: socialnämnden`` to be
found by a rule for socialnämnden. Rules resolve for a kommun only: a national
or län post tags nobody, because the registry holds municipal roles (a region's
politicians would need their own body and area; not modelled yet).

On X, Bluesky, Mastodon, Threads and Instagram a politician with a handle
there becomes ``@handle``; one without is named instead and listed in
``Tagging.unreachable`` so that the build can report it. On LinkedIn and
Facebook everyone is named (those platforms have no text mentions).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from campaign.errors import CampaignError, ExitCode
from campaign.model import PLATFORMS, Area, Campaign, Mention, Message
from campaign.registry.geography import kommuner
from campaign.registry.handles import MENTION_PLATFORMS
from campaign.registry.politicians import SECTION, Politician, Role, list_problems, politicians, to_politician
from campaign.tagrule import CHAIR_RULE, TagRule, key, parse_rule


class TagRuleError(CampaignError):
    """A tag rule given on the command line or by code does not parse."""

    exit_code = ExitCode.INVALID


@dataclass(frozen=True)
class Tagging:
    """Whom a post for one area on one platform tags (or names)."""

    area: Area
    platform: str
    mentions: tuple[Mention, ...]  # in rule order, then title order, then by id; each person once
    unreachable: tuple[Mention, ...] = ()  # on a mention platform but without a handle there: named instead
    unmatched: tuple[str, ...] = ()  # rules (as "body: title") that found nobody in the area


def rules_for(campaign: Campaign, message: Message | None = None) -> tuple[str, ...]:
    """The rules a message uses: its own ``tag:`` list, or the campaign's."""
    if message is not None and message.tag is not None:
        return message.tag
    return campaign.settings.tag


def _parsed(rules: Iterable[str | TagRule]) -> list[TagRule]:
    out = []
    for rule in rules:
        if isinstance(rule, TagRule):
            out.append(rule)
            continue
        try:
            out.append(parse_rule(rule))
        except ValueError as exc:
            raise TagRuleError(str(exc)) from None
    return out


@dataclass(frozen=True)
class _Index:
    people: tuple[Politician, ...]
    holders: dict[tuple[str, str, str], tuple[tuple[Politician, Role], ...]]  # (kommun, body key, title key)


_INDEX_CACHE: dict[int, tuple[Any, _Index]] = {}


def _index(campaign: Campaign) -> _Index:
    """Politicians by (kommun, body, title); cached per checked section (kept alive by the cache entry)."""
    data = campaign.extra.get(SECTION) or []
    hit = _INDEX_CACHE.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    people = politicians(campaign)
    holders: dict[tuple[str, str, str], list[tuple[Politician, Role]]] = {}
    for person in people:
        for role in person.roles:
            for body in dict.fromkeys(key(b) for b in role.bodies):
                holders.setdefault((role.kommun, body, key(role.title)), []).append((person, role))
    index = _Index(people, {k: tuple(sorted(v, key=lambda pr: pr[0].id)) for k, v in holders.items()})
    if len(_INDEX_CACHE) > 16:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[id(data)] = (data, index)
    return index


def resolve_tags(
    campaign: Campaign, area: Area, platform: str, rules: Sequence[str | TagRule] | None = None, *, on: dt.date | None = None
) -> Tagging:
    """Whom to tag in a post for ``area`` on ``platform`` on the date ``on``.

    ``rules`` defaults to the campaign's ``tag:`` list. Only roles held on
    ``on`` count; without ``on``, the campaign's launch date (never a hidden
    clock: pass the build's or the post's date to follow role changes).
    National and län areas tag nobody.
    """
    on = campaign.settings.launch_date if on is None else on
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")
    parsed = _parsed(campaign.settings.tag if rules is None else rules)
    if area.level != "kommun":
        return Tagging(area, platform, ())
    index = _index(campaign)
    mentions: list[Mention] = []
    unmatched: list[str] = []
    seen: set[str] = set()
    for rule in parsed:
        for title in rule.titles:
            holders = [(p, r) for p, r in index.holders.get((area.code, key(rule.body), key(title)), ()) if r.active(on)]
            if not holders:
                unmatched.append(f"{rule.body}: {title}")
            for person, role in holders:
                if person.id not in seen:
                    seen.add(person.id)
                    mentions.append(_mention(person, role, platform))
    unreachable = tuple(m for m in mentions if m.handle is None and platform in MENTION_PLATFORMS)
    return Tagging(area, platform, tuple(mentions), unreachable, tuple(unmatched))


def _mention(person: Politician, role: Role, platform: str) -> Mention:
    handle = person.handles.get(platform) if platform in MENTION_PLATFORMS else None
    did = handle.id if handle is not None and platform == "bluesky" else None
    return Mention(person.id, person.name, role.label, handle.handle if handle else None, did)


# --- coverage and rule checks ----------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many kommuner have someone to tag for one rule, per platform."""

    rule: str
    kommuner: int  # all of them (290)
    registered: int  # kommuner with someone holding the role on the date
    tagged: dict[str, int]  # platform → kommuner where such a person can be tagged (named platforms: named)


def coverage(campaign: Campaign, *, on: dt.date, rule: str | Sequence[str] = CHAIR_RULE) -> Coverage:
    """Per platform, the number of kommuner where ``rule`` (or any of several rules) finds a taggable person on ``on``."""
    parsed = _parsed([rule] if isinstance(rule, str) else rule)
    registered = 0
    tagged = dict.fromkeys(PLATFORMS, 0)
    for area in kommuner():
        found = [resolve_tags(campaign, area, p, parsed, on=on) for p in PLATFORMS]
        if not found[0].mentions:
            continue
        registered += 1
        for tagging in found:
            if tagging.platform not in MENTION_PLATFORMS or any(m.handle for m in tagging.mentions):
                tagged[tagging.platform] += 1
    return Coverage("; ".join(r.text for r in parsed), len(kommuner()), registered, tagged)


def unused_rule_problems(campaign: Campaign, checked: Sequence[dict[str, Any]]) -> list[str]:
    """Warnings for rules whose body or title no politician's role has (a typo, usually)."""
    people = [to_politician(d) for d in checked]
    if not people:
        return []
    bodies = {key(b): b for p in people for r in p.roles for b in r.bodies}
    pairs = {(key(b), key(r.title)) for p in people for r in p.roles for b in r.bodies}
    sources = [("campaign.tag", campaign.settings.tag)] + [
        (f"messages[{i}].tag", m.tag) for i, m in enumerate(campaign.messages) if m.tag is not None
    ]
    out: list[str] = []
    for where, rules in sources:
        for j, text in enumerate(rules):
            rule = parse_rule(text)
            if key(rule.body) not in bodies:
                close = difflib.get_close_matches(key(rule.body), list(bodies), n=1, cutoff=0.6)
                hint = f" (did you mean {bodies[close[0]]!r}?)" if close else ""
                out.append(f"tag rule {text!r} ({where}[{j}]): no politician has a role in {rule.body!r}{hint}")
                continue
            for title in rule.titles:
                if (key(rule.body), key(title)) not in pairs:
                    out.append(f"tag rule {text!r} ({where}[{j}]): no politician is {title!r} in {rule.body!r}")
    return out


def cross_check(campaign: Campaign, checked: Any, add: Callable[..., None]) -> None:
    """The loader's hook for `politicians:`: checks across politicians, and tag rules against the roles.

    Here rather than in ``politicians`` because it needs both: the rules resolve against the politicians.
    """
    list_problems(checked, add)
    for message in unused_rule_problems(campaign, checked):
        add((SECTION,), message, "warning")
