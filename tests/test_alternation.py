"""``alternation.factored``: a list of words written as tries (and their letters' two cases as ``(?ai:...)``)
matches exactly as the list does, at every place of any text, groups and all."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.compose import xtext
from campaign.compose.alternation import MIN_WORDS, factored

CHARS = {  # each token: characters it matches, and some near it (the other case, the Kelvin sign that (?i) folds to k)
    "a": "aA",
    "b": "bB",
    "\\x2d": "-_",
    "[\\x41\\x61]": "aAb",
    "[\\x41\\x62]": "AbaB",
    "[\\x42\\x62]": "bBa",
    "[\\x4b\\x6b]": "kK\u212a",
    "\\u00e9": "éÉe",
    "[\\u0410\\u0430]": "\u0410\u0430a",
    "\\.": ".,",
    "7": "7",
}
TOKENS = sorted(CHARS)


def _matches(pattern: str, text: str) -> list[tuple[tuple[int, int], ...] | None]:
    compiled = re.compile(pattern)
    found = []
    for pos in range(len(text) + 1):
        m = compiled.match(text, pos)
        found.append(tuple(m.span(i) for i in range(compiled.groups + 1)) if m else None)
    return found


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.lists(st.sampled_from(TOKENS), max_size=4), min_size=MIN_WORDS, max_size=30),
    after=st.sampled_from(["", "(?=x|$)", "(x?)", "[.]"]),
    data=st.data(),
)
def test_a_factored_list_matches_as_the_list_does(words: list[list[str]], after: str, data: st.DataObject) -> None:
    pattern = "(" + "(?:" + "|".join("".join(w) for w in words) + ")" + after + ")"
    faster = factored(pattern)
    for _ in range(4):  # texts of the words' characters, and characters near them, with x and . between
        picked = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
        text = "".join(
            "".join(data.draw(st.sampled_from(CHARS[t])) for t in word) + data.draw(st.sampled_from(["", "x", ".", " "]))
            for word in picked
        )
        assert _matches(faster, text) == _matches(pattern, text), (faster, text)


def test_what_is_not_a_list_of_words_is_left_as_it_is() -> None:
    words = "|".join(f"a{c}" for c in "bcdefghij")
    assert factored(f"(?:{words})") == "(?:a(?:b|c|d|e|f|g|h|i|j))"
    assert factored(f"(?:{words}|k+)") == f"(?:{words}|k+)"  # a repeat
    assert factored(f"(?i)(?:{words})") == f"(?i)(?:{words})"  # flags
    assert factored(f"((?:{words}))") == "((?:a(?:b|c|d|e|f|g|h|i|j)))"  # inside a capturing group
    assert factored(f"({words})") == f"({words})"  # a capturing group itself
    assert factored("(?:a|b)") == "(?:a|b)"  # too short to pay


def test_a_word_back_under_a_prefix_starts_a_trie_tried_after() -> None:
    assert factored("(?:ab|ac|b|c|d|e|f|g|a)") == "(?:(?:a(?:b|c)|b|c|d|e|f|g)|a)"


def test_the_tld_lists_are_factored() -> None:
    py = xtext.data()["py"]
    for key in ("extractUrl", "validAsciiDomain"):
        assert len(factored(py[key])) < len(py[key]) / 2
        assert factored(py[key]).count("(?ai:") == 2  # the generic and the country TLDs


def test_the_stored_tries_are_what_factored_writes() -> None:
    """counter_data.json keeps the two expressions ``re`` runs already factored (tools/regen_counter_data.py)."""
    data = xtext.data()
    assert set(data["py_re"]) == {"extractUrl", "validAsciiDomain"}
    for key, stored in data["py_re"].items():
        assert stored == factored(data["py"][key])
        assert (
            getattr(xtext.rules(), {"extractUrl": "extract_url", "validAsciiDomain": "valid_ascii_domain"}[key]).pattern == stored
        )
