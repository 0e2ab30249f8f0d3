"""What the build's stages share: the kit being built, the staged output
folder and its checks, deterministic JSON, and the stages' typed results.

``campaign.build`` orchestrates the stages; the stages (``*/stage.py``) import
this module, never ``campaign.build``: arrows only go down, cli → build →
stages → kit → model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import gc
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from campaign.errors import CampaignError, CampaignInvalid, Problem
from campaign.model import Campaign

MARKER = ".campaign-build"  # marks a folder as ours, so that we only ever replace our own output
IMAGES = "images"  # the images stage's folder in the kit

Progress = Callable[[str, int, int], None]  # (task, done, total), for a progress bar
MAX_JOBS = 8  # more worker processes than this only add start-up cost: a kit has a few large tasks
T = TypeVar("T")


class OutputRefused(CampaignError):
    """The output folder is not one we may replace."""


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timings:
    """Per-stage timers: wall time, and CPU time of this process (all its threads), of its worker processes, and of
    the main thread alone, so that a loaded machine can still tell what a quiet one would take.

    ``CAMPAIGN_TIMINGS=FILE`` makes ``campaign build`` write them there as JSON (bench/build.py reads them).
    """

    stages: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=lambda: _cpu(resource.RUSAGE_SELF))  # CPU before the build: start-up, imports

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, own, workers, thread = (
            time.perf_counter(),
            _cpu(resource.RUSAGE_SELF),
            _cpu(resource.RUSAGE_CHILDREN),
            time.thread_time(),
        )
        try:
            yield
        finally:
            self.stages.append(
                {
                    "stage": name,
                    "wall": time.perf_counter() - wall,
                    "cpu": _cpu(resource.RUSAGE_SELF) - own,
                    "workers": _cpu(resource.RUSAGE_CHILDREN) - workers,
                    "main_thread": time.thread_time() - thread,
                }
            )

    def save(self) -> None:
        """Write the timers to ``$CAMPAIGN_TIMINGS``, when it is set."""
        path = os.environ.get("CAMPAIGN_TIMINGS")
        if path:
            Path(path).write_text(json.dumps({"startup": self.started, "stages": self.stages}, indent=1), encoding="utf-8")


Memo = dict[int, tuple[Any, bytes]]  # id → (the object, kept alive so that its id is not reused; its content's hash)


def digest(value: Any, memo: Memo | None = None) -> str:
    """A sha256 of ``value``'s content, the same in every process and run: a key for what an output is made from.

    Dataclasses by class and fields (this package's other classes by their
    attributes), mappings in their order (templates loop in it), sequences,
    text (with its type: Markup is not str), numbers, dates, paths. Anything
    else raises TypeError: a key that missed part of what makes
    an output would hand out a stale one. An object met again within the
    same value (one message in every area's view) is hashed once and fed
    by its hash; with ``memo``, once for every call given the same memo (the
    keys of one stage's outputs, which share most of what they are made from).
    Objects must not change while a memo that has met them is in use.
    """
    h = hashlib.sha256()
    _feed(h, value, {} if memo is None else memo)
    return h.hexdigest()


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once per class


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _feed(h: Any, value: Any, seen: Memo) -> None:
    kind = type(value)
    if kind is str:  # the most common case first
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"str:%d:" % len(data))
        h.update(data)
    elif value is None or kind in (bool, int, float):
        h.update(f"{kind.__name__}:{value!r};".encode())
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        h.update(f"{kind.__qualname__}:{len(data)}:".encode())
        h.update(data)
    elif kind is tuple or kind is list:
        h.update(b"%s%d[" % (kind.__name__.encode(), len(value)))
        for item in value:
            _feed(h, item, seen)
        h.update(b"]")
    elif kind is dict:
        h.update(b"dict%d{" % len(value))
        for k, v in value.items():
            _feed(h, k, seen)
            _feed(h, v, seen)
        h.update(b"}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(b"#" + _object(value, seen, lambda inner: _dataclass(inner, value, seen)))
    elif isinstance(value, dict):
        _feed(h, dict(value), seen)
    elif isinstance(value, (list, tuple)):
        h.update(f"{kind.__name__}{len(value)}[".encode())
        for item in value:
            _feed(h, item, seen)
        h.update(b"]")
    elif isinstance(value, (frozenset, set)):
        _feed(h, sorted(digest(v) for v in value), seen)
    elif isinstance(value, (dt.date, dt.datetime, Path)):
        h.update(f"{kind.__name__}:{value};".encode())
    elif isinstance(value, enum.Enum):
        h.update(f"{kind.__qualname__}.{value.name};".encode())
    elif kind.__module__.startswith("campaign.") and "__dict__" in dir(kind):
        h.update(b"#" + _object(value, seen, lambda inner: _instance(inner, value, seen)))  # our own classes: their state
    else:
        raise TypeError(f"no content key for a {kind.__qualname__}")


def _object(value: Any, seen: Memo, fill: Callable[[Any], None]) -> bytes:
    """The hash of an object's content, worked out the first time this value (or this memo) meets it."""
    found = seen.get(id(value))
    if found is None:
        inner = hashlib.sha256()
        fill(inner)
        found = seen[id(value)] = (value, inner.digest())
    return found[1]


def _dataclass(h: Any, value: Any, seen: Memo) -> None:
    h.update(f"@{type(value).__module__}.{type(value).__qualname__}{{".encode())
    for name in _fields(type(value)):
        h.update(name.encode() + b"=")
        _feed(h, getattr(value, name), seen)
    h.update(b"}")


def _instance(h: Any, value: Any, seen: Memo) -> None:
    h.update(f"@{type(value).__module__}.{type(value).__qualname__}".encode())
    _feed(h, vars(value), seen)


class Reuse:
    """What the last build of this kit made, for outputs whose key is unchanged (see campaign/manifest.py).

    ``take`` hard-links an unchanged output's files from the previous kit into
    the staging folder (when every one of them is as that build left it) and
    gives back what its task returned then; ``keep`` records an output for the
    next build. ``cache`` is a folder for results that are no files (a
    message's posts).
    """

    def __init__(self, out: Path, program: str, outputs: dict[str, Any], written: dict[str, list[int]], cache: Path) -> None:
        self.out = out
        self.program = program  # the key of this program's files and libraries: part of every output's key
        self.previous = outputs
        self.written = written
        self.cache = cache
        self.outputs: dict[str, Any] = {}

    def take(self, key: str, staging: Path) -> tuple[Any, list[str]] | None:
        """(the recorded result, its files) with the files linked into ``staging``; None when it must be made."""
        entry = self.previous.get(key)
        if entry is None:
            return None
        files = list(entry["files"])
        for rel in files:
            try:
                st = os.stat(self.out / rel)
            except OSError:
                return None
            if self.written.get(rel) != [st.st_size, st.st_mtime_ns]:
                return None  # changed since (by hand): made again
        for rel in files:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.out / rel, target)
            except OSError:
                shutil.copy2(self.out / rel, target)
        return entry["result"], files

    def keep(self, key: str, files: Sequence[str], result: Any) -> None:
        self.outputs[key] = {"files": list(files), "result": result}


@dataclass
class Kit:
    """What every stage reads (the campaign, the build's time) and adds to (warnings, notes)."""

    campaign: Campaign
    now: dt.datetime
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line summaries for the user
    progress: Progress | None = None
    on: dt.date | None = None  # the date the kit's posts are for (--on); None: see ``date``
    jobs: int = 1  # worker processes the stages may use (1: everything in this process)
    timings: Timings = field(default_factory=Timings)
    reuse: Reuse | None = None  # the last build's outputs, for those whose key is unchanged (None: make everything)

    @property
    def today(self) -> dt.date:
        """The build's date in the campaign's time zone."""
        return self.now.astimezone(zoneinfo.ZoneInfo(self.campaign.settings.timezone)).date()

    @property
    def date(self) -> dt.date:
        """The date the kit's posts are for, on which politicians' roles are matched: see ``kit_date``."""
        return self.on if self.on is not None else kit_date(self.campaign, self.now)


def kit_date(campaign: Campaign, now: dt.datetime) -> dt.date:
    """The date a kit's posts go out: the launch date, or the build's own date once the campaign has launched.

    A kit is built before the launch and used from it: tags follow the roles held
    then, not on the build machine's day. Built after the launch, it is used from
    that day. Scheduled posts follow their own times instead (``publish.plan``).
    """
    today = now.astimezone(zoneinfo.ZoneInfo(campaign.settings.timezone)).date()
    return max(campaign.settings.launch_date, today)


@dataclass(frozen=True)
class ImageFile:
    """One rendered share image: a row of images/manifest.json."""

    file: str  # relative to the images folder
    card: str  # "figure", "message" or "demand"
    id: str  # the figure's, message's or demand's id
    area_level: str
    area_code: str
    area_name: str
    size: str
    platforms: tuple[str, ...]
    width: int
    height: int
    bytes: int
    alt: str
    sha256: str
    jpeg: str | None = None  # the JPEG beside an Instagram-sized card (Instagram takes no PNG)

    @property
    def path(self) -> str:
        """Relative to the kit's folder."""
        return f"{IMAGES}/{self.file}"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ImageFile:
        return cls(**{**row, "platforms": tuple(row["platforms"])})

    def row(self) -> dict[str, Any]:
        """The manifest row (JSON data)."""
        row = {**dataclasses.asdict(self), "platforms": list(self.platforms)}
        if row["jpeg"] is None:
            del row["jpeg"]
        return row


def default_jobs() -> int:
    """Worker processes for a build: the CPUs this process may use, at most ``MAX_JOBS``."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_JOBS, cpus))


def can_fork() -> bool:
    """Whether worker processes can start by fork (Linux, macOS): they then share the parent's memory, nothing pickled.

    Flushes this process's output first, so that no worker writes a copy of text still in a buffer.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    return True


_FORKED: dict[str, Sequence[Callable[[], Any]]] = {}  # what forked workers run, inherited from the parent, never pickled


def _run_task(i: int) -> Any:
    return _FORKED["tasks"][i]()


def run_tasks(tasks: Sequence[Callable[[], T]], jobs: int, done: Callable[[int], None] | None = None) -> list[T]:
    """Run every task, in ``jobs`` forked worker processes when more than one; their results, in the tasks' order.

    The tasks are closures over what the parent holds (the campaign, the
    posts): a forked worker inherits them, so only each task's index goes to
    it and only its result comes back, pickled. A task may write files; it must
    not change what the parent holds (the change stays in the worker). Without
    fork (Windows), or where no worker can start (a sandbox), the tasks run
    here, one after another, with the same results. ``done(i)`` is called as
    each task finishes, with its index.
    """
    if jobs > 1 and len(tasks) > 1 and can_fork():
        _FORKED["tasks"] = tasks
        gc.freeze()  # what the workers inherit is not scanned by their collector: its pages stay shared, not copied
        try:
            context = multiprocessing.get_context("fork")  # explicit: the tasks are inherited, not pickled
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
                futures = {pool.submit(_run_task, i): i for i in range(len(tasks))}
                for future in as_completed(futures):
                    if done is not None:
                        done(futures[future])
                return [f.result() for f in futures]
        except (OSError, BrokenProcessPool):  # no worker processes here: run them in this one
            pass
        finally:
            _FORKED.pop("tasks", None)
            gc.unfreeze()
    results = []
    for i, task in enumerate(tasks):
        results.append(task())
        if done is not None:
            done(i)
    return results


class Background:
    """One task run in a forked worker process while this process goes on with other work; see ``result``.

    The task gets a progress callback that reaches this process's bar through
    a pipe (``poll`` passes on what came so far). With ``jobs`` 1, or without
    fork, the task runs here, when ``result`` is asked for: the order a serial
    build has. Leaving the ``with`` block waits for the worker to end, so an
    error here never leaves it writing into a folder being removed.
    """

    def __init__(self, task: Callable[[Progress | None], Any], jobs: int, progress: Progress | None = None) -> None:
        self._task = task
        self._progress = progress
        self._process: Any = None
        self._conn: Any = None
        self._final: tuple[str, Any] | None = None  # the worker's last word, once ``poll`` has read it
        if jobs > 1 and can_fork():
            context = multiprocessing.get_context("fork")  # explicit: the task is inherited, not pickled
            receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=self._child, args=(send,), name="campaign-background")
            gc.freeze()  # as in run_tasks: the worker's collector leaves what it inherits alone
            try:
                self._process.start()
            except OSError:  # no worker processes here: run it in this one
                self._process = None
                receive.close()
            else:
                self._conn = receive
            finally:
                gc.unfreeze()
            send.close()

    def _child(self, send: Any) -> None:
        def relay(task: str, done: int, total: int) -> None:
            send.send(("progress", (task, done, total)))

        try:
            value = self._task(relay if self._progress is not None else None)
        except CampaignInvalid as exc:
            send.send(("invalid", exc.problems))
        except BaseException as exc:
            try:
                send.send(("error", exc))
            except Exception:
                send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        else:
            send.send(("done", value))
        finally:
            send.close()

    def poll(self) -> None:
        """Pass on the progress the worker reported so far (without waiting). Its result, or its error,
        when already there, is kept for ``result``: never handled here, or the task would run again."""
        while self._final is None and self._conn is not None and self._conn.poll():
            kind, value = self._conn.recv()
            if kind == "progress":
                self._handle(kind, value)
            else:
                self._final = (kind, value)

    def _handle(self, kind: str, value: Any) -> Any:
        if kind == "progress":
            if self._progress is not None:
                self._progress(*value)
            return None
        self._close()
        if kind == "invalid":
            raise CampaignInvalid(value)
        if kind == "error":
            raise value
        return value

    def result(self) -> Any:
        """The task's result (waiting for the worker), or its exception raised here."""
        if self._final is not None:
            final, self._final = self._final, None
            return self._handle(*final)
        if self._process is None:
            return self._task(self._progress)
        while True:
            try:
                kind, value = self._conn.recv()
            except EOFError:
                code = self._close()
                raise RuntimeError(f"a build worker process ended without a result (exit code {code})") from None
            if kind != "progress":
                return self._handle(kind, value)
            self._handle(kind, value)

    def _close(self) -> int | None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is None:
            return None
        self._process.join()
        code: int | None = self._process.exitcode
        self._process = None
        return code

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._close()


@dataclass
class Work:
    """A stage's work as independent tasks (see ``run_tasks``), and what to do with their results, in order.

    ``label`` and ``weights`` drive the stage's progress bar: each finished task
    adds its weight (areas, say) to the bar named ``label``.
    """

    tasks: list[Callable[[], Any]]
    finish: Callable[[list[Any]], None]
    label: str = ""
    weights: list[int] = field(default_factory=list)
    # For outputs made again only when what makes them changed: each task's key, worked out in the worker
    # from everything the task reads (TypeError: it has none, and is always made). The files it writes are
    # seen as it writes them; its result must be JSON data (it is recorded).
    keys: list[Callable[[], str]] = field(default_factory=list)


_WRITING: list[set[str]] = []  # while a keyed task runs: the absolute paths it opened for writing, renamed or linked to


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WRITING:
        return
    if event == "open":
        path, mode, flags = args
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & (os.O_WRONLY | os.O_RDWR))
        if writes and isinstance(path, (str, bytes, os.PathLike)):
            _WRITING[-1].add(os.path.abspath(os.fsdecode(path)))  # noqa: PTH100 -- no file system calls in an audit hook
    elif event in {"os.rename", "os.replace", "os.link", "shutil.copyfile"} and len(args) > 1:
        target = args[1]
        if isinstance(target, (str, bytes, os.PathLike)):
            _WRITING[-1].add(os.path.abspath(os.fsdecode(target)))  # noqa: PTH100 -- as above


_HOOKED: list[bool] = []


@contextmanager
def files_written(folder: Path) -> Iterator[list[str]]:
    """The files under ``folder`` the code in the block writes (by Python's open, os.replace, os.link), relative, sorted."""
    if not _HOOKED:
        sys.addaudithook(_audit)  # once per process; it does nothing unless a block is recording
        _HOOKED.append(True)
    found: list[str] = []
    _WRITING.append(set())
    try:
        yield found
    finally:
        seen = _WRITING.pop()
        base = os.path.abspath(folder) + os.sep  # noqa: PTH100 -- the same form as the hook's paths
        found.extend(sorted(p[len(base) :].replace(os.sep, "/") for p in seen if p.startswith(base) and os.path.isfile(p)))


def _keyed(task: Callable[[], Any], key: Callable[[], str], reuse: Reuse, staging: Path) -> Callable[[], Any]:
    def run() -> tuple[str | None, Any, list[str]]:
        try:
            k: str | None = hashlib.sha256(f"{reuse.program}\0{key()}".encode()).hexdigest()
        except TypeError:
            k = None  # no content key for something it reads: made every time
        if k is not None:
            taken = reuse.take(k, staging)
            if taken is not None:
                return k, taken[0], taken[1]
        with files_written(staging) as files:
            result = task()
        return k, result, files

    return run


def run_work(
    works: Sequence[Work], jobs: int, progress: Progress | None = None, reuse: Reuse | None = None, staging: Path | None = None
) -> None:
    """Run the tasks of every stage's ``Work`` together (one pool of ``jobs`` processes), then each ``finish``.

    With ``reuse`` (and the ``staging`` folder), a task that has a key takes its
    files from the last build when its key is unchanged, instead of running.
    """
    tasks = []
    for work in works:
        for i, task in enumerate(work.tasks):
            if reuse is not None and staging is not None and i < len(work.keys):
                tasks.append(_keyed(task, work.keys[i], reuse, staging))
            else:
                tasks.append(task)
    owner = [w for w, work in enumerate(works) for _ in work.tasks]
    first = [sum(len(work.tasks) for work in works[:w]) for w in range(len(works))]
    done = [0] * len(works)

    def finished(i: int) -> None:
        w = owner[i]
        work = works[w]
        if progress is not None and work.label and work.weights:
            done[w] += work.weights[i - first[w]]
            progress(work.label, done[w], sum(work.weights))

    results = run_tasks(tasks, jobs, finished)
    for w, work in enumerate(works):
        mine = results[first[w] : first[w] + len(work.tasks)]
        if reuse is not None and staging is not None:
            for i, (key, result, files) in enumerate(mine[: len(work.keys)]):
                if key is not None:
                    reuse.keep(key, files, result)
                mine[i] = result
        work.finish(mine)


def build_time(now: dt.datetime | None = None) -> dt.datetime:
    """The build's "now": given, or SOURCE_DATE_EPOCH, or the clock; always aware UTC."""
    if now is not None:
        return now.astimezone(dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def refuse_campaign_folder(out: Path, root: Path, example: str) -> None:
    """An output folder may never be, or hold, the campaign itself."""
    if out == root or root.is_relative_to(out):
        raise OutputRefused(f"--out {out} would replace the campaign folder itself; choose another folder such as {example}")


def refuse_foreign(out: Path, ours: bool, message: str) -> None:
    """Replace only an empty folder, or one that is ``ours``."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not ours)):
        raise OutputRefused(f"--out {out} {message}")


def check_output(out: Path, root: Path) -> None:
    """Refuse a kit output folder that holds the campaign or something not ours."""
    out = out.resolve()
    refuse_campaign_folder(out, root, "build/")
    refuse_foreign(out, (out / MARKER).exists(), "exists and was not made by `campaign build`; refusing to replace it")


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success swap it in for ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        (staging / MARKER).write_text("made by campaign build; replaced on every build\n", encoding="utf-8")
        _swap(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "previous")
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def to_jsonable(value: Any, root: Path) -> Any:
    """Plain JSON data from the model: dates as ISO text, paths relative to the campaign."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name), root) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, root) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return value.relative_to(root).as_posix() if value.is_relative_to(root) else value.name
    return value


def write_json(path: Path, data: Any) -> None:
    """Deterministic JSON: sorted keys, UTF-8, a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
