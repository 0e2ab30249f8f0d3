"""Helpers shared by the command modules: output, problems, state."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import typer

from campaign.errors import Problem


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
