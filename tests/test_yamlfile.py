"""Reading one YAML file: what it refuses is a problem at its place, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.yamlfile import YamlFileError, read_yaml


def test_a_raw_control_character_is_a_problem_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("campaign:\n  name: Tryg\x7fg\n", encoding="utf-8")
    with pytest.raises(YamlFileError) as info:
        read_yaml(path, "messages/x.yaml")
    assert info.value.problem.format() == (
        "messages/x.yaml:2:13: error: YAML syntax error: control character U+007F is not allowed in a YAML file; delete it"
    )


def test_equals_and_merge_signs_alone_are_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: =\nb: [<<, '<<']\n", encoding="utf-8")
    assert read_yaml(path, "x.yaml").data == {"a": "=", "b": ["<<", "<<"]}
