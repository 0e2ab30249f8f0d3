"""Progress bars: on a terminal only, never in CI or with --quiet, and only once work takes a while."""

from __future__ import annotations

import pytest

from campaign.cli import progress


def test_quiet_ci_and_a_pipe_show_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert progress.wanted()
    assert not progress.wanted(quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted()
    with progress.progress_bar() as update:
        assert update is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr(progress, "isatty", lambda: False)
    assert not progress.wanted()


def test_a_bar_appears_only_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    started: list[bool] = []
    from rich.progress import Progress

    monkeypatch.setattr(Progress, "start", lambda self: started.append(True))
    monkeypatch.setattr(Progress, "stop", lambda self: None)
    with progress.progress_bar() as update:
        assert update is not None
        update("posts", 10, 312)
        assert not started, "a quick stage draws nothing"
        clock[0] += progress.DELAY + 0.1
        update("posts", 200, 312)
        update("page", 10, 291)
        assert started == [True]
