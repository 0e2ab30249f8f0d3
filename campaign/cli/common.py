"""Helpers shared by the command modules: output, problems, state."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import typer

from campaign.errors import CampaignError, CampaignInvalid, ExitCode, Problem


@dataclass
class State:
    debug: bool = False


STATE = State()


def out(text: str = "") -> None:
    typer.echo(text)


def err(text: str) -> None:
    typer.echo(text, err=True)


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
