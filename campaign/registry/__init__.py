"""The registry: Sweden's kommuner and län, and the politicians a campaign tags.

Areas: ``areas()``, ``kommun(code)``, ``lan(code)``, ``find(query, level)``, ``english_names(code)``.
Politicians: ``politicians(campaign)``, ``dated_problems(campaign, on)``.
Tagging: ``resolve_tags(campaign, area, platform, rules, on=date)`` → ``Tagging``.
"""

from __future__ import annotations

from campaign.model import PLATFORMS
from campaign.registry.geography import (
    LEVELS,
    AmbiguousArea,
    AreaNotFound,
    all_lan,
    area,
    areas,
    english_names,
    find,
    fold,
    kommun,
    kommuner,
    lan,
    loose,
)
from campaign.registry.handles import MENTION_PLATFORMS, NAMED_PLATFORMS
from campaign.registry.politicians import Handle, Politician, Role, dated_problems, politicians
from campaign.registry.rules import (
    CHAIR_RULE,
    Coverage,
    Tagging,
    TagRule,
    TagRuleError,
    coverage,
    parse_rule,
    resolve_tags,
    rules_for,
)

__all__ = [
    "CHAIR_RULE",
    "LEVELS",
    "MENTION_PLATFORMS",
    "NAMED_PLATFORMS",
    "PLATFORMS",
    "AmbiguousArea",
    "AreaNotFound",
    "Coverage",
    "Handle",
    "Politician",
    "Role",
    "TagRule",
    "TagRuleError",
    "Tagging",
    "all_lan",
    "area",
    "areas",
    "coverage",
    "dated_problems",
    "english_names",
    "find",
    "fold",
    "kommun",
    "kommuner",
    "lan",
    "loose",
    "parse_rule",
    "politicians",
    "resolve_tags",
    "rules_for",
]
