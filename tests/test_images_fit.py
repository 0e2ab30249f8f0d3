"""Text fitting as a pure function: wrap, shrink, refuse below the minimum."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.images.fit import fit, words, wrap

NBSP = "\u00a0"


def mono(text: str, size: int) -> float:
    """A monospace measure: every character is 0.6 em wide."""
    return len(text) * size * 0.6


def metrics(size: int) -> tuple[float, float]:
    return size * 0.9, size * 0.25


def test_short_text_keeps_the_largest_size_on_one_line() -> None:
    fitted = fit("Varannan", (1000, 200), mono, metrics, size=100, min_size=20)
    assert fitted is not None
    assert fitted.size == 100
    assert fitted.lines == ("Varannan",)


def test_long_text_wraps_then_shrinks() -> None:
    text = "anger brist på resurser som skäl till att de är missnöjda med arbetet"
    fitted = fit(text, (600, 200), mono, metrics, size=80, min_size=10, line_height=1.2)
    assert fitted is not None
    assert 10 <= fitted.size < 80
    assert len(fitted.lines) > 1
    assert " ".join(fitted.lines) == text
    assert all(mono(line, fitted.size) <= 600 for line in fitted.lines)
    assert fitted.height <= 200


def test_below_the_minimum_size_it_does_not_fit() -> None:
    assert fit("socialsekreterarundersökningen " * 20, (300, 100), mono, metrics, size=40, min_size=20) is None


def test_one_word_wider_than_the_box_forces_a_smaller_size() -> None:
    fitted = fit("Socialtjänstlagen", (510, 500), mono, metrics, size=100, min_size=10)
    assert fitted is not None
    assert fitted.lines == ("Socialtjänstlagen",)
    assert mono("Socialtjänstlagen", fitted.size) <= 510


def test_max_lines_shrinks_rather_than_wrapping() -> None:
    fitted = fit("Mer än sex av tio", (500, 500), mono, metrics, size=100, min_size=10, max_lines=1)
    assert fitted is not None
    assert fitted.lines == ("Mer än sex av tio",)


def test_no_break_space_never_breaks_a_line() -> None:
    text = f"Hela 62{NBSP}% av alla 2{NBSP}473 svarande säger det"
    fitted = fit(text, (200, 1000), mono, metrics, size=20, min_size=5)
    assert fitted is not None
    assert any(f"62{NBSP}%" in line for line in fitted.lines)
    assert any(f"2{NBSP}473" in line for line in fitted.lines)


def test_a_line_never_starts_with_a_spaced_en_dash() -> None:
    assert words("hösten 2019 – våren 2020") == [["hösten", "2019 –", "våren", "2020"]]
    lines = wrap("aaaa bbbb – cccc dddd", 10, len)
    assert lines is not None
    assert not any(line.startswith("–") for line in lines)


def test_hard_line_breaks_are_kept() -> None:
    assert wrap("ett\ntvå tre", 100, len) == ["ett", "två tre"]


def test_balanced_lines_are_no_more_than_greedy_ones() -> None:
    text = "Varannan socialsekreterare saknar resurser för att göra ett bra jobb"
    greedy = fit(text, (700, 1000), mono, metrics, size=40, min_size=40, balanced=False)
    balanced = fit(text, (700, 1000), mono, metrics, size=40, min_size=40)
    assert greedy is not None and balanced is not None
    assert len(balanced.lines) == len(greedy.lines)
    assert max(map(len, balanced.lines)) <= max(map(len, greedy.lines))


SWEDISH = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöéüÅÄÖ–" + NBSP), min_size=1, max_size=14)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(SWEDISH, min_size=1, max_size=30),
    st.integers(100, 1200),
    st.integers(40, 700),
    st.integers(8, 120),
)
def test_a_fitted_text_always_lies_inside_its_box(pieces: list[str], width: int, height: int, size: int) -> None:
    text = " ".join(pieces)
    fitted = fit(text, (width, height), mono, metrics, size=size, min_size=max(1, size // 4))
    if fitted is None:
        return
    assert max(1, size // 4) <= fitted.size <= size
    assert all(mono(line, fitted.size) <= width for line in fitted.lines)
    assert fitted.height <= height
    assert " ".join(fitted.lines).split() == text.split()
