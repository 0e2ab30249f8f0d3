"""``schedule migrate``: a SQLite queue moved into an empty PostgreSQL one, ids and all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from campaign.publish.errors import QueueError
from campaign.publish.queue import Queue, SQLiteStore
from campaign.publish.queue_pg import PostgresStore

TABLES = ("posts", "events", "accounts")


@dataclass(frozen=True)
class Copied:
    """What ``copy_queue`` moved, table by table."""

    posts: int
    events: int
    accounts: int


def copy_queue(source: Queue, target: Queue, now: dt.datetime) -> Copied:
    """Copy every row of ``source`` (a SQLite queue) into ``target`` (an empty PostgreSQL queue), ids and all.

    Refused when the target has rows (nothing is overwritten or merged) or a
    publisher is working on the source (a row in ``sending``: its post must be
    recorded where it was claimed). The source's write lock is held from the
    check to the end, so no publisher claims meanwhile; the PostgreSQL side is
    one transaction; then the file is marked as moved, and refuses to be opened
    as a queue again (publishing from both would send posts twice).
    """
    if not isinstance(target.store, PostgresStore) or not isinstance(source.store, SQLiteStore):
        raise QueueError(f"a queue moves from a SQLite file to PostgreSQL, not from {source.where} to {target.where}")
    counts: dict[str, int] = {}
    with source.transaction():
        busy = source.rows(["sending"])
        if busy:
            raise QueueError(
                f"{len(busy)} row{'s are' if len(busy) != 1 else ' is'} being sent from {source.where} "
                f"({', '.join(f'{r.id} {r.key}' for r in busy)}); stop the publishers, then move the queue"
            )
        with target.transaction(exclusive=True):
            has = {t: target.store.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"] for t in TABLES}
            if any(has.values()):
                raise QueueError(
                    f"the queue at {target.where} already has {has['posts']} row{'s' if has['posts'] != 1 else ''} "
                    f"({has['events']} events, {has['accounts']} stopped accounts); refusing to overwrite it: "
                    "move into an empty database (or an empty schema)"
                )
            for table in TABLES:
                counts[table] = _copy_table(source, target, table)
            for table in ("posts", "events"):  # the next id after the copied ones
                target.store.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)"
                )
        source.store.mark_moved(target.where, now)
    return Copied(counts["posts"], counts["events"], counts["accounts"])


def _copy_table(source: Queue, target: Queue, table: str) -> int:
    columns = [
        r["column_name"]
        for r in target.store.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
            " ORDER BY ordinal_position",
            (table,),
        )
    ]
    names = ", ".join(columns)
    rows = source.store.execute(f"SELECT {names} FROM {table} ORDER BY {'id' if 'id' in columns else columns[0]}").fetchall()
    if not rows:
        return 0
    assert isinstance(target.store, PostgresStore)
    with target.store.db.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('%s' for _ in columns)})", [tuple(r) for r in rows])
    return len(rows)
