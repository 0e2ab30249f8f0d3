"""Installed libraries' versions (campaign/installed.py) are what importlib.metadata says."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from campaign import installed
from campaign.manifest import LIBRARIES


@pytest.mark.parametrize("dist", [*LIBRARIES, "PyYAML", "MarkupSafe", "twitter_text_parser", "Pillow", "typer", "pytest"])
def test_a_version_is_the_one_importlib_metadata_says(dist: str) -> None:
    assert installed.version(dist) == metadata.version(dist)


def test_a_distribution_not_installed_has_no_version() -> None:
    assert installed.version("no-such-distribution-anywhere") is None


def test_a_distribution_first_on_the_path_is_the_one_found(tmp_path: Path) -> None:
    """A folder before site-packages on sys.path holding another jinja2 is the one imported, and the one found."""
    info = tmp_path / "Jinja2-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Jinja2\nVersion: 0.1\n", encoding="utf-8")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); from importlib import metadata; from campaign import installed;"
        "print(installed.version('jinja2'), metadata.version('jinja2'))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert found == ["0.1", "0.1"]


def test_a_build_record_never_imports_importlib_metadata() -> None:
    code = "import sys; from campaign import manifest; manifest.program(); print('importlib.metadata' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
