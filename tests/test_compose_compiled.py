"""Expressions whose engine code is kept from one run to the next (campaign/compose/compiled.py): each is
``re.compile``'s pattern, the same flags, groups and matches, whether its code was made now, read back, or
refused (planted, or code the engine will not take)."""

from __future__ import annotations

import pickle
import re
import unicodedata
from pathlib import Path

import pytest

from campaign import signed
from campaign.compose import compiled, xtext
from tests.test_xtext_engines import LINKS, _all_matches

PATTERNS = [
    r"(?P<word>\w+)(?=\s|$)",
    r"(?<![a-z])(?:ab|a)+?(c|d)?\b",
    r"[\u00e5\u00e4\u00f6]|(?i:kommun)|\d{2,4}(?!%)",
]


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return compiled.folder()


def same(made: re.Pattern[str], pattern: str, texts: list[str]) -> None:
    wanted = re.compile(pattern)
    assert (made.pattern, made.flags, made.groups, made.groupindex) == (
        wanted.pattern,
        wanted.flags,
        wanted.groups,
        wanted.groupindex,
    )
    for text in texts:
        assert _all_matches(made, text) == _all_matches(wanted, text), text


def texts() -> list[str]:
    return [xtext.utf16(unicodedata.normalize("NFC", t)) for t in LINKS] + ["ab abc Kommun 2019 åäö 45% x_y"]


@pytest.mark.parametrize("key", ["extractUrl", "validAsciiDomain"])
def test_the_url_expressions_are_re_compiles_made_and_read_back(key: str, own_cache: Path) -> None:
    pattern = (xtext.data()["py"] | xtext.data()["py_re"])[key]
    same(compiled.compile_kept(pattern), pattern, texts())
    assert len(list(own_cache.iterdir())) == 1
    same(compiled.compile_kept(pattern), pattern, texts())  # read back


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_kept_code_is_read_back_without_parsing_again(pattern: str, own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled.compile_kept(pattern)
    re.compile(pattern)  # what same() compares with, compiled before parsing is taken away

    def parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(compiled._parser, "parse", parse)
    same(compiled.compile_kept(pattern), pattern, texts())


def test_a_planted_or_refused_code_means_compiling_again(own_cache: Path) -> None:
    pattern = PATTERNS[0]
    compiled.compile_kept(pattern)
    (path,) = own_cache.iterdir()
    flags, code, groups, groupindex, indexgroup = pickle.loads(signed.verified(path.read_bytes()))
    path.write_bytes(pickle.dumps((flags, [1] * len(code), groups, groupindex, indexgroup)))  # not signed
    same(compiled.compile_kept(pattern), pattern, texts())
    signed.save(path, (flags, [999_999] * 4, groups, groupindex, indexgroup))  # signed, but code the engine refuses
    same(compiled.compile_kept(pattern), pattern, texts())
    assert isinstance(signed.read(path), tuple) and signed.read(path)[1] == code  # made again, kept again
