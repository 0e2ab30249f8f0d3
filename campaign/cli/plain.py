"""`campaign build` on a plain command line, run without the app.

Before the app parses a command line, typer makes every command's options
(each one's converter a pydantic adapter): a third of a second of CPU that a
build pays before its first stage. A plain build line, ``campaign build [DIR]
[--out DIR] [--fresh] [--quiet] [--jobs N]``, needs none of it: this runs it
as the app's `build` does (``build_and_report``, which the app's command runs
too, and the app's handling of failures and interrupts), and a kit kept as it
is is answered before the library loads (``campaign.cli.kept``). Any other
option (``--on``, ``--help``, a typo), what typer reads from the environment
(``CAMPAIGN_DEBUG``, shell completion), or any other command goes to the app,
which checks and reports everything.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VALUED = {"--out": "out", "-o": "out", "--jobs": "jobs", "-j": "jobs"}
FLAGS = {"--quiet": "quiet", "-q": "quiet", "--fresh": "fresh"}


@dataclass(frozen=True)
class Line:
    """A plain `campaign build` command line: what the app's `build` would have been given."""

    root: Path
    out: Path
    fresh: bool = False
    quiet: bool = False
    jobs: int | None = None


def parse(argv: list[str]) -> Line | None:
    """The plain `build` command line in ``argv``, else None (the app reads it)."""
    if not argv or argv[0] != "build":
        return None
    directory: str | None = None
    values: dict[str, str] = {}
    flags: set[str] = set()
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
            if VALUED[name] in values or inline == "":
                return None  # given twice, or empty (the app reads "" as the folder "."): the app
            values[VALUED[name]] = inline
        elif arg in FLAGS:
            flags.add(FLAGS[arg])
        elif arg.startswith("-") or directory is not None:
            return None  # --on, --help, --, a typo, a second folder: the app
        else:
            directory = arg
        i += 1
    jobs = values.get("jobs")
    if jobs is not None and not (jobs.isascii() and jobs.isdigit() and int(jobs) >= 1):
        return None  # the app says what is wrong with it
    root = Path(directory if directory is not None else ".")
    out = Path(values["out"]) if "out" in values else root / "build"
    return Line(root, out, fresh="fresh" in flags, quiet="quiet" in flags, jobs=int(jobs) if jobs is not None else None)


def from_environment() -> bool:
    """Whether typer would read part of the command from the environment: then the app runs it."""
    return "CAMPAIGN_DEBUG" in os.environ or any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def plain_build(argv: list[str]) -> bool:
    """Whether ``argv`` was a plain `campaign build` line, now run (or its kept kit answered)."""
    line = parse(argv)
    if line is None or from_environment():
        return False
    from campaign.cli.kept import kept_build  # why here: a kept kit needs only the build record

    if not line.fresh and kept_build(line.root, line.out):
        return True
    from campaign.cli.common import STATE, reported  # why here: the library loads only for a kit that must be built

    STATE.debug = False  # no --debug: as the app's options set it
    reported(
        lambda: as_the_app(lambda: build_and_report(line.root, line.out, fresh=line.fresh, quiet=line.quiet, jobs=line.jobs))
    )
    return True


def as_the_app(command: Callable[[], None]) -> None:
    """Run ``command`` as the app runs a command: an interrupt ends with 130, a closed pipe with 1, quietly."""
    try:
        try:
            command()
        except EOFError:
            from campaign.cli.common import err  # why here: only an end of input says it

            err("")
            err("Aborted!")
            sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper  # why here: only a closed pipe needs it, as the app has it

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)


def build_and_report(
    directory: Path, out_dir: Path | None, *, fresh: bool, quiet: bool, jobs: int | None, on: dt.date | None = None
) -> None:
    """`campaign build`: build the kit (or keep it), then say what the build said."""
    from campaign.build import Built, build, build_if_changed  # why here: the library loads only for a build
    from campaign.cli.common import out, print_problems  # why here: as above
    from campaign.cli.progress import progress_bar  # why here: as above
    from campaign.manifest import Kept  # why here: as above

    out_dir = directory / "build" if out_dir is None else out_dir
    with progress_bar(quiet) as progress:
        if fresh:
            kit: Built | Kept = build(directory, out_dir, on=on, progress=progress, record=on is None, jobs=jobs)
        else:
            kit = build_if_changed(directory, out_dir, on=on, progress=progress, jobs=jobs)
    if kit.warnings:
        print_problems(kit.warnings)
    for note in kit.notes:
        out(note)
    if isinstance(kit, Kept):
        out(f"nothing changed since the last build: kept {out_dir}/ as it is (--fresh builds it again)")
    else:
        out(f"built {out_dir}/")
