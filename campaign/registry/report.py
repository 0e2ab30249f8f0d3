"""The registry's report on a campaign: problems as of a date, coverage, and
who would be named instead of tagged. Used by `campaign registry check` and
the build's registry stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from campaign.errors import Problem
from campaign.model import Campaign
from campaign.registry.geography import kommun
from campaign.registry.handles import MENTION_PLATFORMS
from campaign.registry.politicians import SECTION, Politician, dated_problems, politicians, section_doc
from campaign.registry.rules import Coverage, coverage, resolve_tags, rules_for


@dataclass(frozen=True)
class Untaggable:
    """A politician some post would tag, without a handle on some mention platforms."""

    politician: Politician
    roles: tuple[str, ...]  # "ordförande i socialnämnden, Uppsala (0380)"
    platforms: tuple[str, ...]  # where they are named instead


@dataclass
class RegistryReport:
    on: dt.date
    people: int
    examples: int
    kommuner_with_roles: int
    problems: list[Problem] = field(default_factory=list)  # warnings as of ``on``
    coverage: Coverage | None = None
    untaggable: list[Untaggable] = field(default_factory=list)


def untaggable(campaign: Campaign, on: dt.date) -> list[Untaggable]:
    """Everyone the campaign's rules (its own and its messages') would tag, who lacks a handle somewhere."""
    rule_sets = sorted({rules_for(campaign, m) for m in campaign.messages} | {campaign.settings.tag})
    codes = sorted({r.kommun for p in politicians(campaign) for r in p.roles})
    missing: dict[str, tuple[Politician, set[str], set[str]]] = {}
    by_id = {p.id: p for p in politicians(campaign)}
    for code in codes:
        area = kommun(code)
        for rules in rule_sets:
            for platform in MENTION_PLATFORMS:
                for m in resolve_tags(campaign, area, platform, rules, on=on).unreachable:
                    entry = missing.setdefault(m.politician_id, (by_id[m.politician_id], set(), set()))
                    entry[1].add(f"{m.role}, {area.name} ({area.code})")
                    entry[2].add(platform)
    return [
        Untaggable(person, tuple(sorted(roles)), tuple(p for p in MENTION_PLATFORMS if p in platforms))
        for person, roles, platforms in (missing[k] for k in sorted(missing))
    ]


def untaggable_problems(campaign: Campaign, found: list[Untaggable]) -> list[Problem]:
    """A warning at each real (non-example) politician who would be named instead of tagged."""
    real = [u for u in found if not u.politician.example]
    doc = section_doc(campaign) if real else None
    if doc is None:
        return []
    index = {p.id: i for i, p in enumerate(politicians(campaign))}
    return [
        doc.at(
            (SECTION, index[u.politician.id], "handles"),
            f"{u.politician.id}: no handle on {', '.join(u.platforms)}; posts there name {u.politician.name} instead of tagging",
            severity="warning",
        )
        for u in real
    ]


def registry_report(campaign: Campaign, *, on: dt.date, rule: str | None = None) -> RegistryReport:
    """Everything `campaign registry check` shows, as of ``on``.

    Coverage is measured by ``rule``, or else by the campaign's own tag rules
    (none when its ``tag:`` is empty: then nobody is tagged, and the report says so).
    """
    people = politicians(campaign)
    found = untaggable(campaign, on)
    rules = (rule,) if rule is not None else campaign.settings.tag
    return RegistryReport(
        on=on,
        people=len(people),
        examples=sum(p.example for p in people),
        kommuner_with_roles=len({r.kommun for p in people for r in p.roles if r.active(on)}),
        problems=sorted(dated_problems(campaign, on) + untaggable_problems(campaign, found)),
        coverage=coverage(campaign, on=on, rule=rules) if rules else None,
        untaggable=found,
    )


def summary(report: RegistryReport) -> str:
    """One line for the build's notes."""
    cov = report.coverage
    line = f"registry: {report.people} politician{'s' if report.people != 1 else ''}"
    if report.examples:
        line += f" ({report.examples} example{'s' if report.examples != 1 else ''})"
    if cov is not None:
        line += f"; '{cov.rule}' registered in {cov.registered} of {cov.kommuner} kommuner"
    else:
        line += "; no tag rule (campaign.tag is empty): posts tag nobody"
    if report.untaggable:
        line += f"; {len(report.untaggable)} named instead of tagged on some platform"
    return line


__all__ = ["RegistryReport", "Untaggable", "registry_report", "summary", "untaggable", "untaggable_problems"]
