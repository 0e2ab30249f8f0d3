"""`campaign validate`: everything `campaign build` would say, without writing anything.

Loading checks each file; this module goes on as the build does: it checks
what only the whole campaign shows (no ``base_url``, politicians nobody tags,
roles that change during the campaign), reports the registry on the kit's
date, composes every post in memory and fits every card's text, collecting
every error and warning the build would give, each at its file and line.
The build runs the same checks, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignInvalid, Problem
from campaign.kit import Kit, Progress, build_time, kit_date
from campaign.loader import load
from campaign.locate import at, place
from campaign.model import Campaign

CAMPAIGN_DAYS = 28  # without a plan, a campaign is taken to run its four launch weeks


# --- what only the whole campaign shows ------------------------------------------------


def base_url_problems(campaign: Campaign) -> list[Problem]:
    """Without ``base_url`` the page and the exports lose their images' addresses: say what is lost."""
    if campaign.settings.base_url:
        return []
    return [
        at(
            campaign,
            "campaign",
            ("campaign",),
            "no base_url: the page gets no og:image (links to it are shared without the share card) and no og:url, "
            "the printed kit does not say where the page is, and `campaign export` leaves image_url empty; "
            "set campaign.base_url to the address the page will be published at",
            "warning",
        )
    ]


def tagging_problems(campaign: Campaign) -> list[Problem]:
    """Politicians registered but no rule that tags anyone: nobody would be tagged, without a word."""
    from campaign.registry.politicians import politicians

    people = politicians(campaign)
    if not people:
        return []
    rules = [campaign.settings.tag] + [m.tag for m in campaign.messages if m.tag is not None]
    uses_default = any(m.tag is None for m in campaign.messages)
    if any(rules[1:]) or (uses_default and campaign.settings.tag):
        return []
    n = len(people)
    return [
        at(
            campaign,
            "campaign",
            ("campaign", "tag"),
            f"{n} politician{'s are' if n != 1 else ' is'} registered, but the tag rules are empty: nobody will be tagged; "
            "add a rule such as 'socialnämnden: ordförande, vice ordförande' to campaign.tag",
            "warning",
        )
    ]


def campaign_period(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The first and last day of the campaign: the launch to the plan's last post, or four weeks without a plan."""
    start = campaign.settings.launch_date
    data = campaign.extra.get("plan")
    if not data:
        return start, start + dt.timedelta(days=CAMPAIGN_DAYS - 1)
    from campaign.publish.spec import plan_posts, plan_spread
    from campaign.publish.spread import Spread
    from campaign.publish.when import parse_when

    zone = campaign.settings.timezone
    days = [start]
    for entry in plan_posts(data):
        if entry.get("at") is not None:
            days.append(parse_when(entry["at"], start, zone).astimezone(Spread.zone_of(zone)).date())
    spread = plan_spread(data)
    if spread:
        rule = Spread.from_section(spread, start, zone)
        days.append(rule.start + dt.timedelta(days=rule.days - 1))
    return start, max(days)


def role_date_problems(campaign: Campaign) -> list[Problem]:
    """A warning at each role that starts or ends during the campaign: its posts tag different people by date."""
    from campaign.registry.politicians import SECTION, politicians

    first, last = campaign_period(campaign)
    period = f"{first.isoformat()} – {last.isoformat()}"
    problems = []
    for i, person in enumerate(politicians(campaign)):
        for j, role in enumerate(person.roles):
            where = f"the role {role.label} ({role.kommun})"
            if role.start is not None and first < role.start <= last:
                problems.append(
                    at(
                        campaign,
                        SECTION,
                        (SECTION, i, "roles", j, "start"),
                        f"{person.id}: {where} starts on {role.start}, during the campaign ({period}): "
                        f"posts for earlier dates do not tag {person.name}",
                        "warning",
                    )
                )
            if role.end is not None and first <= role.end < last:
                problems.append(
                    at(
                        campaign,
                        SECTION,
                        (SECTION, i, "roles", j, "end"),
                        f"{person.id}: {where} ends on {role.end}, during the campaign ({period}): "
                        f"posts for later dates do not tag {person.name}; add whoever holds it next",
                        "warning",
                    )
                )
    return problems


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Everything wrong or worth a word that only the whole campaign shows (errors and warnings)."""
    from campaign.images.glyphs import glyph_problems

    return [
        *base_url_problems(campaign),
        *tagging_problems(campaign),
        *role_date_problems(campaign),
        *glyph_problems(campaign),
    ]


def check_campaign(kit: Kit) -> None:
    """The build's first step: the whole-campaign checks; errors stop the build before anything is written."""
    problems = campaign_problems(kit.campaign)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CampaignInvalid(problems)
    kit.warnings.extend(problems)


# --- validate: the build without writing -------------------------------------------------


@dataclass
class Checked:
    """What validation found: the kit (its warnings, each at a file and line) and the posts it composed."""

    kit: Kit
    posts: list[Any] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return self.kit.warnings


def _registry(kit: Kit, checked: Checked) -> None:
    from campaign.registry.stage import write as check_registry

    check_registry(kit, Path())  # it writes nothing


def _posts(kit: Kit, checked: Checked) -> None:
    from campaign.compose.stage import compose_checked

    checked.posts = compose_checked(kit)


def _cards(kit: Kit, checked: Checked) -> None:
    from campaign.images.cards import plan
    from campaign.images.pipeline import fit_problems

    problems = fit_problems(kit.campaign, plan(kit.campaign))
    if problems:
        raise CampaignInvalid(problems)


CHECKS: tuple[tuple[str, Callable[[Kit, Checked], None]], ...] = (
    ("campaign", lambda kit, checked: check_campaign(kit)),
    ("registry", _registry),
    ("posts", _posts),
    ("images", _cards),
)


def validate(
    root: Path | str,
    *,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Checked:
    """Check the campaign in ``root`` as `campaign build` would, writing nothing.

    Returns the kit (its ``warnings`` each at a file and line) and the posts;
    raises CampaignInvalid listing every error and warning when anything would
    make the build fail.
    """
    loaded = load(root)
    kit = Kit(loaded.campaign, build_time(now), warnings=list(loaded.warnings), progress=progress, on=on)
    checked = Checked(kit)
    errors: list[Problem] = []
    for _name, step in CHECKS:
        try:
            step(kit, checked)
        except CampaignInvalid as exc:
            errors.extend(exc.problems)
    problems = place(kit.campaign, [*errors, *kit.warnings])
    if errors:
        raise CampaignInvalid(problems)
    kit.warnings = problems
    return checked


__all__ = ["Checked", "campaign_period", "campaign_problems", "check_campaign", "kit_date", "validate"]
