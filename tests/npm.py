"""npm packages the tests check against (twitter-text, @atproto/api, axe-core, ...), in one cache.

Every test that needs a package asks here, so that installs into the shared folder happen one at a
time: two pytest-xdist workers running ``npm install`` in the same folder at once can prune each
other's packages (each rewrites ``node_modules`` from its own view of ``package.json``).

The cache is ``$CAMPAIGN_NODE_CACHE``, by default ``~/.cache/campaign-node``. Without node or npm, or
when the registry cannot be reached, the asking test skips and says why.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest


def cache_dir() -> Path:
    return Path(os.environ.get("CAMPAIGN_NODE_CACHE", Path.home() / ".cache" / "campaign-node"))


def _version(modules: Path, name: str) -> str | None:
    manifest = modules / name / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))


def _missing(modules: Path, packages: Sequence[str]) -> list[str]:
    """The specs among ``packages`` not installed as asked: ``name@1.2.3`` wants exactly that
    version, ``name@4`` any 4.x, a bare ``name`` any version."""
    missing = []
    for spec in packages:
        name, version = (spec[: spec.rfind("@")], spec[spec.rfind("@") + 1 :]) if spec.rfind("@") > 0 else (spec, "")
        have = _version(modules, name)
        exact = version.count(".") == 2
        if have is None or (exact and have != version) or (version and not exact and not have.startswith(version + ".")):
            missing.append(spec)
    return missing


def node_modules(*packages: str, need_node: bool = False) -> Path:
    """The cache's ``node_modules`` with ``packages`` (``name@version`` specs) installed, installing
    what is missing under a file lock; skips the test when npm (or node) is missing or fails."""
    if not shutil.which("npm") or (need_node and not shutil.which("node")):
        pytest.skip("node and npm are not installed" if need_node else "npm is not installed")
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    modules = cache / "node_modules"
    with open(cache / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = _missing(modules, packages)
        if not missing:
            return modules
        if not (cache / "package.json").exists():
            (cache / "package.json").write_text('{"name": "campaign-node-cache", "private": true}\n', encoding="utf-8")
        try:
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", *missing],
                cwd=cache,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("npm install timed out (no network?)")
        if done.returncode != 0 or _missing(modules, packages):
            pytest.skip(f"npm could not install {' '.join(missing)} (no network?): {done.stderr.strip()[-300:]}")
    return modules
