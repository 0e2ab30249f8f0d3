"""`campaign build --jobs N`: worker processes share the work, and the kit is the same byte for byte as a serial build.

The tasks run in forked workers (``campaign.kit.run_tasks``, ``Background``):
results come back in the tasks' order, whatever order the workers finish in,
and a worker's error is raised in the build as if it had happened there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from campaign.build import build
from campaign.errors import CampaignInvalid, NotFound, Problem
from campaign.kit import Background, run_tasks
from tests.message_edit import set_message_text

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_parallel_build_is_byte_identical_to_a_serial_one(default_campaign: Path, tmp_path: Path) -> None:
    serial = build(default_campaign, tmp_path / "serial", now=NOW, jobs=1)
    shutil.rmtree(default_campaign / ".cache")  # the cards drawn again too (its note says how many were drawn)
    parallel = build(default_campaign, tmp_path / "parallel", now=NOW, jobs=2)
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")
    assert (parallel.notes, parallel.warnings) == (serial.notes, serial.warnings), "said in the same order"
    assert parallel.posts == serial.posts
    assert parallel.images == serial.images


def test_an_invalid_message_stops_a_parallel_build_with_every_problem(default_campaign: Path, tmp_path: Path) -> None:
    set_message_text(default_campaign, "kort-lvu", "Ingen ska stå ensam. " * 40)  # too long for a short message anywhere
    with pytest.raises(CampaignInvalid) as serial:
        build(default_campaign, tmp_path / "serial", now=NOW, jobs=1)
    with pytest.raises(CampaignInvalid) as parallel:
        build(default_campaign, tmp_path / "parallel", now=NOW, jobs=2)
    assert parallel.value.problems == serial.value.problems
    assert not (tmp_path / "parallel").exists()
    assert [p.name for p in tmp_path.iterdir()] == [default_campaign.name], "no staging folder left behind"


def _slow_then(value: int) -> int:
    time.sleep(0.05 * (3 - value))  # the first task finishes last
    return value * 10


def test_run_tasks_gives_results_in_task_order_from_other_processes() -> None:
    parent = os.getpid()
    tasks = [lambda v=v: (_slow_then(v), os.getpid()) for v in range(3)]
    finished: list[int] = []
    results = run_tasks(tasks, 2, finished.append)
    assert [value for value, _ in results] == [0, 10, 20]
    assert parent not in {pid for _, pid in results}, "run in worker processes"
    assert sorted(finished) == [0, 1, 2]
    assert [value for value, _ in run_tasks(tasks, 1)] == [0, 10, 20], "serial: the same results"


def test_background_relays_progress_and_raises_the_workers_errors_here() -> None:
    seen: list[tuple[str, int, int]] = []

    def task(progress) -> int:
        for done in (1, 2):
            progress("images", done, 2)
        return os.getpid()

    with Background(task, 2, lambda *a: seen.append(a)) as worker:
        pid = worker.result()
    assert pid != os.getpid()
    assert seen == [("images", 1, 2), ("images", 2, 2)]

    problem = Problem("messages/messages.yaml", 3, 5, "messages[0].text", "too long", "error")

    def invalid(progress) -> None:
        raise CampaignInvalid([problem])

    with pytest.raises(CampaignInvalid) as caught, Background(invalid, 2) as worker:
        worker.result()
    assert caught.value.problems == [problem]

    def missing(progress) -> None:
        raise NotFound("no kommun 'Atlantis'")

    with pytest.raises(NotFound, match="Atlantis"), Background(missing, 2) as worker:
        worker.result()


def test_a_result_that_came_before_the_poll_is_kept_and_the_task_runs_once(tmp_path: Path) -> None:
    """The worker may finish before this process polls (the cards of a warm or small campaign): its
    result is handed out by ``result``, never run again here (it once was, writing the cards twice)."""
    runs = tmp_path / "runs"

    def task(progress) -> int:
        with runs.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        progress("images", 1, 1)
        return 42

    with Background(task, 2, lambda *a: None) as worker:
        worker._process.join()  # the worker is done, its messages wait in the pipe
        worker.poll()
        assert worker.result() == 42
    assert len(runs.read_text(encoding="utf-8").split()) == 1, "the task ran once"
    assert runs.read_text(encoding="utf-8").split() != [str(os.getpid())], "in the worker, not here"

    def failing(progress) -> None:
        raise NotFound("no kommun 'Atlantis'")

    with pytest.raises(NotFound, match="Atlantis"), Background(failing, 2) as worker:
        worker._process.join()
        worker.poll()  # the error is kept for result, not raised mid-poll
        worker.result()
