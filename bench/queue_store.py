"""The queue's two stores side by side: rows claimed per second, and publish throughput against the fake X.

python bench/queue_store.py [--rows N] [--publishers K]

SQLite is a file in a temporary folder; PostgreSQL is a fresh schema in the
database CAMPAIGN_BENCH_PG names (or CAMPAIGN_TEST_PG; `.ci/pg-start PORT`
starts a throwaway server), dropped afterwards. Without one, only SQLite is
measured, and the script says so. Figures: wall time and rows per second; the
concurrent figures are K processes claiming from one queue at once (each row
claimed exactly once is checked, not assumed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaign.publish.model import Account, Part, Planned  # noqa: E402
from campaign.publish.publishers.x import XPublisher  # noqa: E402
from campaign.publish.queue import Queue, owner_token  # noqa: E402
from campaign.publish.queue_url import redact  # noqa: E402
from campaign.publish.worker import run_once  # noqa: E402
from tests.fakes.x_api import FakeX, Keys  # noqa: E402
from tests.pg_support import with_schema  # noqa: E402

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)


def plan(n: int, prefix: str) -> list[Planned]:
    return [Planned(f"{prefix}{i}@x", f"{prefix}{i}", "m", "x", "x", T0, (Part(f"Inlägg {prefix}{i}"),)) for i in range(n)]


def _claim_all(target: str, out: multiprocessing.Queue, go: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    queue = Queue.open(target, "bench")
    owner = owner_token()
    go.wait(60)
    got = []
    while (row := queue.claim(T0, owner)) is not None:
        got.append(row.id)
    queue.close()
    out.put(got)


def claims(target: str, n: int, publishers: int) -> tuple[float, float]:
    """Claims per second: one publisher alone over ``n`` rows, then ``publishers`` processes at once over ``n`` more."""
    queue = Queue.open(target, "bench")
    queue.sync(plan(n, "a"), T0)
    owner = owner_token()
    start = time.perf_counter()
    while queue.claim(T0, owner) is not None:
        pass
    alone = n / (time.perf_counter() - start)
    queue.sync(plan(n, "a") + plan(n, "b"), T0)
    queue.close()
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    go = multiprocessing.Event()
    workers = [multiprocessing.Process(target=_claim_all, args=(target, results, go)) for _ in range(publishers)]
    for w in workers:
        w.start()
    time.sleep(1.0)  # let every process open its queue before the clock starts
    start = time.perf_counter()
    go.set()
    got = [results.get(timeout=600) for _ in workers]
    took = time.perf_counter() - start
    for w in workers:
        w.join()
    ids = [i for g in got for i in g]
    assert len(ids) == len(set(ids)) == n, f"{len(ids)} claims of {len(set(ids))} rows, expected {n} once each"
    return alone, n / took


def publish(target: str, n: int) -> float:
    """Rows per second through a whole publish run (claim, in-flight mark, post to the fake X, record)."""
    queue = Queue.open(target, "bench")
    queue.sync(plan(n, "p"), T0)
    x = FakeX(window_limit=1_000_000).start()  # X allows 100 per 15 minutes; the bench measures us, not the limit
    k = Keys()
    secrets_ = {
        "api_key": k.api_key,
        "api_secret": k.api_secret,
        "access_token": k.access_token,
        "access_token_secret": k.access_token_secret,
    }
    publisher = XPublisher(Account("x", "x", x.url), secrets_)
    try:
        start = time.perf_counter()
        report = run_once(queue, T0, {"x": publisher.account}, lambda a: publisher, owner=owner_token())
        took = time.perf_counter() - start
    finally:
        x.stop()
        queue.close()
    assert report.count("published") == n == len(x.tweets), (report.count("published"), len(x.tweets))
    return n / took


@contextmanager
def sqlite_target() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield str(Path(tmp) / "queue.sqlite3")


@contextmanager
def postgres_target(base: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


def measure(name: str, fresh: Callable[[], contextmanager], rows: int, publishers: int) -> None:  # type: ignore[type-arg]
    with fresh() as target:
        alone, together = claims(target, rows, publishers)
    with fresh() as target:
        sent = publish(target, rows)
    print(
        f"{name:<10} claims: {alone:>7,.0f} rows/s alone, {together:>7,.0f} rows/s with {publishers} publishers at once;"
        f" publish to the fake X: {sent:>5,.0f} rows/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--publishers", type=int, default=4)
    args = parser.parse_args()
    print(f"{args.rows} rows; {os.cpu_count()} CPUs")
    measure("SQLite", sqlite_target, args.rows, args.publishers)
    base = os.environ.get("CAMPAIGN_BENCH_PG") or os.environ.get("CAMPAIGN_TEST_PG")
    if not base:
        print("PostgreSQL: not measured (set CAMPAIGN_BENCH_PG or CAMPAIGN_TEST_PG; `.ci/pg-start PORT` starts a server)")
        return
    import psycopg

    with psycopg.connect(base) as db:
        settings = {k: db.execute(f"SHOW {k}").fetchone()[0] for k in ("server_version", "fsync", "synchronous_commit")}  # type: ignore[index]
    print(
        f"PostgreSQL {settings['server_version']} at {redact(base)} (fsync={settings['fsync']}, "
        f"synchronous_commit={settings['synchronous_commit']}; SQLite writes with synchronous=FULL)"
    )
    measure("PostgreSQL", lambda: postgres_target(base), args.rows, args.publishers)


if __name__ == "__main__":
    main()
