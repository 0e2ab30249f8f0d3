"""The README's commands are real: the quick-start lines, CI's test command and every documented command."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ")]


def test_readme_starts_with_the_two_commands() -> None:
    build, tests = quick_start()[:2]
    assert "pip install -e ." in build and build.endswith("campaign build")
    assert 'pip install -e ".[test]"' in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    test_command = quick_start()[1].split("&&")[-1].strip()
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_documented_command_exists(cli) -> None:
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\| `campaign ([a-z]+(?: [a-z]+)?)", table, flags=re.M)
    assert commands, "the README lists commands"
    for command in commands:
        words = [w for w in command.split() if not w.isupper()]
        result = cli(*words, "--help")
        assert result.code == 0, f"`campaign {command} --help` failed: {result.err}"
        assert "Example:" in result.out or "Usage:" in result.out


def test_every_command_help_has_an_example(cli) -> None:
    from campaign.cli import app
    import typer.main

    group = typer.main.get_command(app)
    missing = []
    for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        for sub_name, sub in sorted((subcommands or {name: command}).items()):
            if "Example" not in (sub.help or ""):
                missing.append(f"{name} {sub_name}" if subcommands else name)
    assert not missing, f"commands without an example in their help: {missing}"
