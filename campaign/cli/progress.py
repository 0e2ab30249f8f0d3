"""A rich progress bar per stage for long builds, shown only on a terminal.

Quiet when stderr is not a terminal, in CI (``CI`` set, as CI services do), or
when asked (``--quiet``); and shown only once the work has taken longer than
``DELAY`` seconds, so a quick build (a kept kit) draws nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from campaign.cli.common import isatty

if TYPE_CHECKING:
    from rich.progress import TaskID

DELAY = 1.0  # seconds before a bar appears


def wanted(quiet: bool = False) -> bool:
    """Whether to show progress at all: a terminal, not CI, not --quiet."""
    return not quiet and isatty() and not os.environ.get("CI")


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Callable[[str, int, int], None] | None]:
    """Yield a callback ``(task, done, total)``, or None when no bar is wanted (see ``wanted``)."""
    if not wanted(quiet):
        yield None
        return
    # why here: rich takes a tenth of a second to load, and a build without a terminal (CI, a pipe, --quiet) shows no bar
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
    tasks: dict[str, TaskID] = {}
    started = time.monotonic()
    shown = False

    def update(task: str, done: int, total: int) -> None:
        nonlocal shown
        if not shown:
            if time.monotonic() - started < DELAY:
                return
            bar.start()
            shown = True
        if task not in tasks:
            tasks[task] = bar.add_task(task, total=total)
        bar.update(tasks[task], completed=done, total=total)

    try:
        yield update
    finally:
        if shown:
            bar.stop()
