"""Figures for the publishing area: queue speed, a publish run against the fake X, start-up time.

python bench/publish.py
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaign.publish.model import Account, Part, Planned  # noqa: E402
from campaign.publish.publishers.x import XPublisher  # noqa: E402
from campaign.publish.queue import Queue, owner_token  # noqa: E402
from campaign.publish.worker import run_once  # noqa: E402
from tests.fakes.x_api import FakeX, Keys  # noqa: E402

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)


def timed(label: str, fn, n: int | None = None) -> None:
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    rate = f", {n / took:,.0f}/s" if n else ""
    print(f"{label}: {took * 1000:,.0f} ms{rate}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        queue = Queue.open(Path(tmp) / "queue.sqlite3", "bench")
        rows = [Planned(f"e{i}@x", f"e{i}", "m", "x", "x", T0, (Part(f"Inlägg {i}"),)) for i in range(1000)]
        timed("sync 1000 new rows", lambda: queue.sync(rows, T0), 1000)
        timed("sync the same 1000 rows again (no change)", lambda: queue.sync(rows, T0), 1000)
        x = FakeX(window_limit=10_000).start()  # X allows 100 per 15 minutes; the bench measures us, not the limit
        k = Keys()
        publisher = XPublisher(
            Account("x", "x", x.url),
            {
                "api_key": k.api_key,
                "api_secret": k.api_secret,
                "access_token": k.access_token,
                "access_token_secret": k.access_token_secret,
            },
        )
        report = []
        timed(
            "publish 1000 rows to the fake X (claim, in-flight mark, post, record)",
            lambda: report.append(run_once(queue, T0, {"x": publisher.account}, lambda a: publisher, owner=owner_token())),
            1000,
        )
        print(f"  published: {report[0].count('published')}; requests at the fake X: {len(x.requests)}")
        x.stop()
        queue.close()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "campaign", "publish", str(ROOT), "--once", "--now", "2020-01-01T00:00Z"],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    print(f"`campaign publish --once` with nothing due, wall time: {(time.perf_counter() - start) * 1000:,.0f} ms")


if __name__ == "__main__":
    main()
