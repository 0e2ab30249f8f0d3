"""The commands' output: ``out`` and ``err`` write what ``typer.echo`` writes, to every kind of stream, and load typer
only for a stream it would wrap or text it would change."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import typer

from campaign.cli import common
from tests.conftest import REPO

STREAMS: dict[str, Callable[[], Any]] = {
    "utf-8": lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict"),
    "utf-8, replace": lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace"),
    "ascii (rewrapped as UTF-8)": lambda: io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict"),
    "latin-1": lambda: io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="backslashreplace"),
    "StringIO": io.StringIO,
    "binary": io.BytesIO,
}
TEXTS = ["", "built kit/", "messages/x.yaml:3:1: fel — åäö → ✓", "\x1b[31mred\x1b[0m text"]


def _written(stream: Any) -> Any:
    if isinstance(stream, io.TextIOWrapper):
        stream.flush()
        return stream.buffer.getvalue()  # type: ignore[attr-defined]
    return stream.getvalue()


@pytest.mark.parametrize("kind", STREAMS)
@pytest.mark.parametrize("to_err", [False, True])
def test_out_and_err_write_what_typer_echo_writes(kind: str, to_err: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "stderr" if to_err else "stdout"
    for text in TEXTS:
        ours, theirs = STREAMS[kind](), STREAMS[kind]()
        monkeypatch.setattr(sys, name, ours)
        (common.err if to_err else common.out)(text)
        monkeypatch.setattr(sys, name, theirs)
        typer.echo(text, err=to_err)
        assert _written(ours) == _written(theirs), (kind, text)


def test_a_build_says_what_it_says_without_loading_typer() -> None:
    code = "import sys; from campaign.cli import common; common.out('built kit/'); common.err('1 warning'); print('typer' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, encoding="utf-8", check=True)
    assert (result.stdout, result.stderr) == ("built kit/\nFalse\n", "1 warning\n")
