"""`campaign build` when nothing changed, answered before the library loads.

Only for a plain build command line without ``--fresh`` (``campaign.cli.plain``
reads it). When the build record says the kit is kept
(``campaign.manifest.unchanged``), this says exactly what the full command
says for a kept kit (the last build's warnings and notes, then that it kept
the kit) and the command ends. A kit that must be built is built as the full
command builds it (``campaign.cli.plain``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


def now() -> dt.datetime:
    """The build's "now", as ``campaign.kit.build_time`` has it (SOURCE_DATE_EPOCH, else the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def kept_build(root: Path, out: Path) -> bool:
    """Whether the kit in ``out`` of the campaign in ``root`` is kept as it is; if so, that is now said."""
    from campaign import manifest  # why here: only a build command line needs the record

    kept = manifest.unchanged(root, out, now())
    if kept is None:
        return False
    from campaign.cli.common import out as say  # why here: typer loads only for a kept kit's report
    from campaign.cli.common import print_problems  # why here: as above

    if kept.warnings:
        print_problems(kept.warnings)
    for note in kept.notes:
        say(note)
    say(f"nothing changed since the last build: kept {out}/ as it is (--fresh builds it again)")
    return True
