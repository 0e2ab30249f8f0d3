"""Shared fixtures: a copy of the default campaign, the real CLI entry point in-process, the one browser."""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser import launch

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `campaign ARGS` through its console entry point, in this process."""
    from campaign.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["campaign", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture
def default_campaign(tmp_path: Path) -> Path:
    """A private copy of the repository's default campaign (messages/ and assets/)."""
    root = tmp_path / "kampanj"
    root.mkdir()
    for name in ("messages", "assets"):
        shutil.copytree(REPO / name, root / name)
    return root


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The session's one chromium (see tests/browser.py: one Playwright per test process)."""
    yield from launch()
