"""Sections of a campaign owned by later stages, and their cross-checks.

Each entry names a section, the spec that checks its shape, and an optional
function that checks it against the whole campaign once the core has loaded
(for example: politicians' kommun codes, plan entries' message ids). One line
per section keeps each stage's schema in its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campaign.images.layouts import LAYOUTS_SPEC
from campaign.images.layouts import cross_check as layouts_cross_check
from campaign.publish.spec import ACCOUNTS, PLAN, check_accounts, check_plan
from campaign.registry.politicians import POLITICIANS
from campaign.registry.rules import cross_check as politicians_cross_check
from campaign.schema import Spec
from campaign.site.settings import PAGE
from campaign.site.settings import cross_check as page_cross_check


@dataclass(frozen=True)
class Extension:
    spec: Spec
    # (campaign, checked section data, report-adder(path, message, severity)) → None
    cross_check: Callable[[Any, Any, Callable[..., None]], None] | None = None


def extensions() -> dict[str, Extension]:
    """Section name → extension."""
    return {
        "politicians": Extension(POLITICIANS, politicians_cross_check),  # campaign.registry.politicians and .rules
        "layouts": Extension(LAYOUTS_SPEC, layouts_cross_check),  # campaign.images.layouts
        "accounts": Extension(ACCOUNTS, check_accounts),  # campaign.publish.spec
        "plan": Extension(PLAN, check_plan),  # campaign.publish.spec
        "page": Extension(PAGE, page_cross_check),  # campaign.site.settings
    }
