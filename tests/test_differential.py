"""The differential tests' shrinker: a failure names the shortest text that still fails the same check."""

from __future__ import annotations

import pytest

from tests.differential import check, shrink


def _run(texts: list[str]) -> list[int]:
    return [t.count("🏳️‍⚧️") + t.count("x") for t in texts]  # a "counter" that is wrong on flags and x


def _disagree(text: str, answer: int) -> list[str]:
    lines = []
    if "🏳️‍⚧️" in text:
        lines.append(f"flag {answer} != 0")
    if "x" in text:
        lines.append(f"letter {answer} != 0")
    return lines


def test_shrink_keeps_the_same_check_failing() -> None:
    text, why = shrink("Läs mer på 🏳️‍⚧️ och x i dag", _run, _disagree, lambda w: w.split()[0])
    assert text == "x" and why == ["letter 1 != 0"]  # either check kept failing; "x" is the shorter
    shortest, why = shrink("Läs mer på 🏳️‍⚧️ i dag", _run, _disagree, lambda w: w.split()[0])
    assert shortest == "🏳️‍⚧️" and why == ["flag 1 != 0"]


def test_check_names_how_many_and_the_shortest() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"2 of 3 texts disagree with the rule; the shortest that still does: 'x'"):
        check(["ok", "a longer x text", "ax"], _run, _disagree, lambda w: w.split()[0], "the rule")
    check(["ok", "fine"], _run, _disagree, lambda w: w.split()[0], "the rule")
