"""Helpers shared by the command modules: output, problems, state."""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from campaign.errors import CampaignError, CampaignInvalid, ExitCode, Problem


@dataclass
class State:
    debug: bool = False


STATE = State()


def out(text: str = "") -> None:
    _echo(text, sys.stdout, err=False)


def err(text: str) -> None:
    _echo(text, sys.stderr, err=True)


def _echo(text: str, stream: TextIO | None, *, err: bool) -> None:
    """``typer.echo(text, err=err)``: written here when typer would write the text as it is to the stream itself
    (a text stream with its encoding set, not ASCII, and no ANSI codes to strip), which spares a build loading typer;
    anything else goes to typer."""
    if "\x1b" not in text and _written_as_is(stream):
        assert stream is not None
        stream.write(text + "\n")
        stream.flush()
        return
    import typer  # why here: only a stream typer would wrap, or text with ANSI codes, needs it

    typer.echo(text, err=err)


def _written_as_is(stream: Any) -> bool:
    """Whether typer's echo writes to ``stream`` itself, as its click (typer/_click/_compat.py) decides on a POSIX system."""
    if stream is None or sys.platform.startswith("win"):
        return False  # no stream (it writes nothing), or the console's own streams
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    if not isinstance(encoding, str) or not encoding or errors is None:
        return False
    try:
        if codecs.lookup(encoding).name == "ascii":
            return False  # "misconfigured": it rewraps the stream's buffer as UTF-8
    except LookupError:
        pass
    try:
        stream.write(b"")
    except Exception:
        return True  # a text stream
    return False  # a binary one: it writes bytes


def print_problems(problems: list[Problem]) -> None:
    """Every problem on its own line, then a count: errors to stderr."""
    for problem in problems:
        err(problem.format())
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors or not warnings else []
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    err(", ".join(parts))


def isatty() -> bool:
    return sys.stderr.isatty()


def reported(command: Callable[[], None]) -> None:
    """Run ``command`` (the app, or a build without it); a failure becomes a message and an exit code."""
    try:
        command()
    except CampaignInvalid as exc:
        if STATE.debug:
            raise
        print_problems(exc.problems)
        sys.exit(int(exc.exit_code))
    except CampaignError as exc:
        if STATE.debug:
            raise
        err(f"error: {exc}")
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except Exception as exc:
        if STATE.debug or os.environ.get("CAMPAIGN_DEBUG"):
            raise
        err(f"internal error: {type(exc).__name__}: {exc}\n(run again with --debug to see the traceback, and report it)")
        sys.exit(int(ExitCode.ERROR))
