"""What a queue store is: the small interface the SQLite and PostgreSQL stores implement.

Its own module, below both stores, so that ``queue`` (the queue's SQL, and the SQLite store) and
``queue_pg`` (the PostgreSQL store) can each import it, and ``queue`` can open either store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Cursor(Protocol):
    """What a store's ``execute`` gives back (sqlite3's and psycopg's cursors both are one)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Store(ABC):
    """Where a queue's rows are kept: the small interface SQLite and PostgreSQL implement.

    Statements use ``?`` or ``:name`` parameters; rows read by column name.
    Outside ``transaction`` every statement commits by itself.
    """

    where: str  # how messages name the store: its file, or its URL without the password
    target: str  # what opens it again (``Queue.open(store.target)``); a URL's password is in it: never show it
    row_lock: str = ""  # after a SELECT in a transaction: lock the rows read until it ends (SQLite locks the whole file)
    claim_lock: str = ""  # after a claim's SELECT: lock the row, passing over rows another publisher holds

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        """Run one statement."""

    @abstractmethod
    def transaction(self, *, exclusive: bool = False) -> AbstractContextManager[None]:
        """All or nothing; ``exclusive``: no other writer's read-then-write runs meanwhile (loading the plan)."""

    @abstractmethod
    def migrate(self, version: int) -> int:
        """Create the queue, or bring an older one up to ``version``, in one transaction; the version it had."""

    @abstractmethod
    def schema_version(self) -> int:
        """The queue's schema version in this store (0: no queue yet)."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the file or the connection."""
