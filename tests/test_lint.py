"""The tools say so too: ruff's lint and format checks and mypy pass over the tree
(config in pyproject.toml), the package has no import cycles, and tests and
benchmarks name no path of one developer's machine."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = _run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    result = _run("mypy", "--cache-dir", str(tmp_path / "mypy"))  # files and options: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((REPO / "campaign").rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _top_level_imports(tree: ast.Module, *, deferred: bool = False) -> list[str]:
    """Modules imported when the module loads: not under TYPE_CHECKING, and (unless ``deferred``) not
    inside functions."""
    names: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not deferred:
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                names.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.extend([node.module, *(f"{node.module}.{a.name}" for a in node.names)])
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    visit(inner)

    visit(tree.body)
    return names


def import_graph(*, deferred: bool = False) -> dict[str, set[str]]:
    """Module → the package modules it imports on loading (a package's parents load first, so they count);
    ``deferred``: and those its functions import when they run."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in _top_level_imports(ast.parse(path.read_text(encoding="utf-8")), deferred=deferred) if t in modules}
        for target in list(targets):
            parts = target.split(".")
            targets.update(".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) in modules)
        # A module's own packages are loading already when it runs: importing them is no cycle.
        graph[name] = {t for t in targets if t != name and not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_imports_without_cycles() -> None:
    assert cycles(import_graph()) == []


def test_no_cycle_is_hidden_by_an_import_inside_a_function() -> None:
    """An import deferred into a function may save start-up time; it may not hide a cycle (issue 10)."""
    assert cycles(import_graph(deferred=True)) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_import_the_kit_never_the_build() -> None:
    graph = import_graph()
    stages = [m for m in graph if m.endswith(".stage")]
    assert stages and all("campaign.build" not in graph[m] for m in stages), stages
    assert "campaign.build" not in graph["campaign.kit"]


MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home/\w+|Users/\w+)/")


def test_tests_and_benchmarks_name_no_path_of_a_developers_machine() -> None:
    found = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for folder in ("tests", "bench")
        for path in sorted((REPO / folder).rglob("*"))
        if path.suffix in (".py", ".cjs", ".js", ".md", ".sh", ".json") and "node_modules" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if MACHINE_PATH.search(line) and path.name != "test_lint.py"
    ]
    assert found == []
