"""The bundled card layouts, checked once per program and user (campaign/images/layouts.py default_layouts):
what the check gives is kept, signed, in the user's cache folder, and read back only while this program
(its files, layouts.yaml among them) is the one that checked it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign import manifest
from campaign.images import layouts


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    layouts.default_layouts.cache_clear()
    yield layouts.kept_path().parent
    layouts.default_layouts.cache_clear()  # the next test's process memo: not this test's cache folder


def _checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts each time the bundled file is read and checked from here on."""
    checked: list[int] = []
    check = layouts.checked_defaults

    def counting() -> dict[str, object]:
        checked.append(1)
        return check()

    monkeypatch.setattr(layouts, "checked_defaults", counting)
    return checked


def test_the_checked_layouts_are_kept_and_read_back_without_checking(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _checks(monkeypatch)
    first = layouts.default_layouts()
    assert [p.name for p in own_cache.iterdir()] == [layouts.kept_path().name]
    layouts.default_layouts.cache_clear()  # as the next build's process starts
    assert layouts.default_layouts() == first
    assert len(checked) == 1  # read back, not checked again
    assert first == layouts.checked_defaults()  # what is kept is what checking gives


def test_another_program_checks_again_and_keeps_only_its_own(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _checks(monkeypatch)
    layouts.default_layouts()
    monkeypatch.setattr(manifest, "program", lambda: "another program")  # an edited layouts.yaml, spec or upgrade
    layouts.default_layouts.cache_clear()
    layouts.default_layouts()
    assert len(checked) == 2
    assert [p.name for p in own_cache.iterdir()] == [layouts.kept_path().name]  # the first program's is gone


def test_layouts_not_signed_by_this_user_are_checked_again(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _checks(monkeypatch)
    first = layouts.default_layouts()
    path = layouts.kept_path()
    blob = path.read_bytes()
    assert b"figure" in blob
    path.write_bytes(blob.replace(b"figure", b"fugure"))  # the same pickle, changed: its signature fails
    layouts.default_layouts.cache_clear()
    assert layouts.default_layouts() == first
    assert len(checked) == 2
