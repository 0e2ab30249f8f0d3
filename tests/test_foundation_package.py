"""A non-editable install carries every file the package needs, and never builds into build/."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


def package_data_files() -> set[str]:
    """Every file in campaign/ that is not Python source or a cache."""
    return {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "campaign").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }


def test_wheel_carries_all_package_data_and_leaves_build_alone(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.cfg", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "campaign", source / "campaign", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(tmp_path / "wheel")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    if result.returncode != 0:
        pytest.skip(f"pip could not build a wheel here (no setuptools>=77 to fetch?): {result.stderr.strip()[-300:]}")
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(package_data_files() - names)
    assert not missing, f"package data a non-editable install would lack: {missing}"
    assert not (source / "build").exists(), "setuptools built into build/, where `campaign build` writes the kit"
