"""``area_text``: a text with its area's name as ``{area}``, so that areas alike share one text in the kit's
files. Its fast whole-word replace must do what the regular expression it stands for does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from campaign.compose.output import AREA, _name_pattern, _whole_words, area_text

NAMES = st.sampled_from(["Ale", "Å", "Upplands Väsby", "a_b", "Ö3", "Malung-Sälen", "x"])
PIECES = st.sampled_from(
    ["Ale", "Å", "Upplands Väsby", "a_b", "Ö3", "Malung-Sälen", "x", " ", "-", "_", "ö", "3", ".", "é", "\u00a0"]
)


@given(st.lists(PIECES, max_size=12).map("".join), NAMES)
def test_the_fast_replace_is_the_regular_expressions(text: str, name: str) -> None:
    assert _whole_words(text, name) == _name_pattern(name).sub(AREA, text)


@given(st.text(max_size=40), NAMES)
def test_any_text_reads_back_as_itself(text: str, name: str) -> None:
    shared = area_text(text, name)
    if shared is not None:
        assert shared.replace(AREA, name) == text
    assert _whole_words(text, name) == _name_pattern(name).sub(AREA, text)


def test_only_the_whole_word_is_the_area() -> None:
    assert area_text("Ale och Alingsås, Ale!", "Ale") == f"{AREA} och Alingsås, {AREA}!"
    assert area_text("Vi i Sverige", "Ale") == "Vi i Sverige"
    assert area_text(f"skrivet {AREA} redan", "Ale") is None
