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
    import typer.main

    from campaign.cli import app

    group = typer.main.get_command(app)
    missing = []
    for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        for sub_name, sub in sorted((subcommands or {name: command}).items()):
            if "Example" not in (sub.help or ""):
                missing.append(f"{name} {sub_name}" if subcommands else name)
    assert not missing, f"commands without an example in their help: {missing}"


def yaml_blocks(heading: str) -> list[str]:
    """The ```yaml examples under a README heading (up to the next heading of the same level)."""
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, flags=re.S)


def test_format_examples_make_a_valid_campaign(tmp_path: Path) -> None:
    """Every example in "The campaign format", put together, is a campaign that loads without a problem."""
    from campaign.loader import load

    blocks = yaml_blocks("## The campaign format")
    assert len(blocks) >= 6
    (tmp_path / "messages").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.png").write_bytes((REPO / "assets" / "logo.png").read_bytes())
    for i, block in enumerate(blocks):
        (tmp_path / "messages" / f"example{i}.yaml").write_text(block, encoding="utf-8")
    loaded = load(tmp_path)  # raises CampaignInvalid, listing every problem, when the docs drift
    assert [p.format() for p in loaded.warnings] == []


def test_plan_example_validates_with_the_default_campaign(default_campaign: Path) -> None:
    from campaign.loader import load

    [block] = yaml_blocks("## Scheduling and publishing")
    (default_campaign / "messages" / "plan.yaml").write_text(block, encoding="utf-8")
    assert [p.format() for p in load(default_campaign).warnings] == []


def test_every_section_is_documented() -> None:
    from campaign.extensions import extensions
    from campaign.model import CORE_SECTIONS

    missing = [name for name in [*CORE_SECTIONS, *extensions()] if f"`{name}:`" not in README and f"\n{name}:\n" not in README]
    assert not missing, f"sections the README does not document: {missing}"


def test_template_variables_and_filters_are_documented() -> None:
    from campaign.templating import ENV, VARIABLES

    section = README.split("### `messages:`", 1)[1].split("\n### ", 1)[0]
    table = set(re.findall(r"^\| `(\w+)`(?:, `(\w+)`)?", section, flags=re.M))
    documented = {name for row in table for name in row if name}
    assert documented == set(VARIABLES)
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    filters = set(re.findall(r"`(\w+)`", section.split("Filters:", 1)[1].split("\n\n", 1)[0]))
    assert filters == set(ENV.filters) - set(ImmutableSandboxedEnvironment().filters)


def test_spreadsheet_columns_are_documented() -> None:
    from campaign.registry.csvio import COLUMNS

    paragraph = README.split("The spreadsheet has one row per role, with the columns", 1)[1].split(". A person", 1)[0]
    assert tuple(re.findall(r"`(\w+)`", paragraph)) == COLUMNS


def test_own_campaign_commands_run(cli, tmp_path: Path, monkeypatch) -> None:
    section = README.split("## Your own campaign", 1)[1].split("\n## ", 1)[0]
    [line] = [line.strip() for line in section.splitlines() if line.startswith("    ")]
    monkeypatch.chdir(tmp_path)
    for command in line.split("&&"):
        words = command.split()
        assert words[0] == "campaign"
        if words[1] == "build":
            continue  # test_foundation_build builds a fresh campaign; here the words must be right
        result = cli(*words[1:])
        assert result.code == 0, result.err
    assert (tmp_path / "kampanj" / "messages" / "campaign.yaml").is_file()
