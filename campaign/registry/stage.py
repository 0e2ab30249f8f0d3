"""The build's registry stage: report the politicians as of the kit's date.

Writes no files. It adds the warnings that depend on the date (ended roles,
entries not verified for a year, real politicians who would be named because
they lack a handle) to ``kit.warnings`` and a one-line summary to ``kit.notes``.
"""

from __future__ import annotations

from pathlib import Path

from campaign.kit import Kit
from campaign.registry.report import registry_report, summary


def write(kit: Kit, staging: Path) -> None:
    """Report the registry as of the kit's date (the date its posts are for)."""
    del staging  # nothing to write: the posts carry the mentions
    report = registry_report(kit.campaign, on=kit.date)
    kit.warnings.extend(report.problems)
    kit.notes.append(summary(report))
