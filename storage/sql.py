"""What the repositories need of a database, whichever engine holds it.

storage/sqlite/database.py (the embedded default) and storage/postgres/database.py both provide it; the
repositories are written against this protocol, in SQLite's SQL (storage/postgres/dialect.py rewrites it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

Row = Any
"""A result row: by position (`row[0]`) and by column name (`row["id"]`) on both engines."""


class Database(Protocol):
    path: Path
    """A file beside which the bot keeps its own files (`path.parent / "media"`)."""
    group_commit: bool

    def transaction(self, own: bool = False, first: bool = False) -> AbstractAsyncContextManager[None]:
        """One unit of work, all or nothing, durable when it returns; a unit opened inside one joins it
        (`own`: refuse to). `first`: ahead of the units already waiting."""
        ...

    async def run_transaction(self, work: Callable[[], Awaitable[T]], marks: bool = False) -> T:
        """`work` as a transaction of its own; `marks`: progress marks, committed without an fsync."""
        ...

    async def fetch_one(self, sql: str, params: tuple | dict = ()) -> Row | None: ...

    async def fetch_all(self, sql: str, params: tuple | dict = ()) -> list[Row]: ...

    async def fetch_columns(self, sql: str, params: tuple | dict = ()) -> tuple[list[str], list[tuple]]:
        """Column names and rows (an export's)."""
        ...

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """Run one statement; the rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[tuple | dict]) -> int: ...

    async def insert(self, sql: str, params: tuple | dict = ()) -> int | None:
        """Run one INSERT; the new row's id, or None when it inserted nothing."""
        ...

    async def new_ids(self, table: str, count: int) -> list[int]:
        """Ids for `count` new rows of `table`, to insert explicitly inside the open unit."""
        ...

    async def optimize(self) -> None: ...

    async def close(self) -> None: ...
