"""`campaign build` when nothing changed, answered before the library loads.

Only the plainest command lines are answered here: ``campaign build [DIR]
[--out DIR] [--quiet] [--jobs N]``. When the build record says the kit is kept
(``campaign.manifest.unchanged``), this says exactly what the full command
says for a kept kit (the last build's warnings and notes, then that it kept
the kit) and the command ends. Any other option, or a kit that must be built,
goes to the full command, which checks and reports everything.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

VALUED = {"--out": "out", "-o": "out", "--jobs": "jobs", "-j": "jobs"}
FLAGS = {"--quiet", "-q"}


def parse(argv: list[str]) -> tuple[Path, Path] | None:
    """(campaign folder, kit folder) for a plain `build` command line, else None."""
    if not argv or argv[0] != "build":
        return None
    directory: str | None = None
    values: dict[str, str] = {}
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, _, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in VALUED:
            if inline == "" and "=" not in arg:
                if i + 1 >= len(rest):
                    return None
                i += 1
                inline = rest[i]
            if VALUED[name] in values:
                return None
            values[VALUED[name]] = inline
        elif arg in FLAGS:
            pass
        elif arg.startswith("-") or directory is not None:
            return None  # --fresh, --on, --help, a typo: the full command
        else:
            directory = arg
        i += 1
    jobs = values.get("jobs")
    if jobs is not None and not (jobs.isdigit() and int(jobs) >= 1):
        return None  # the full command says what is wrong with it
    root = Path(directory if directory is not None else ".")
    out = Path(values["out"]) if values.get("out") else root / "build"
    return root, out


def now() -> dt.datetime:
    """The build's "now", as ``campaign.kit.build_time`` has it (SOURCE_DATE_EPOCH, else the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def kept_build(argv: list[str]) -> bool:
    """Whether this command line was a `campaign build` of a kit kept as it is, now answered."""
    parsed = parse(argv)
    if parsed is None:
        return False
    root, out = parsed
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
