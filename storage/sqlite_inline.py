"""SQLite for SQLAlchemy's asyncio engine, run on the event loop's own thread.

aiosqlite runs every cursor call (open, execute, fetch, close) on a worker thread and
hands the result back through a queue and the loop's self-pipe: 26 thread hand-offs for
a one-message transaction, ~5 ms of CPU on a busy two-core machine, where the statements
themselves take microseconds. This driver object has the interface SQLAlchemy's aiosqlite
dialect expects (passed as its `async_creator`) and runs the statements in place.

What keeps the event loop from ever blocking: WAL mode (readers never wait), and
`busy_timeout` 0 with the wait done here, asynchronously. Every write transaction starts
with BEGIN IMMEDIATE (storage/db.py), the one statement that waits for another writer (a
CLI command, a second process); when SQLite answers "busy", the statement is retried
after an `asyncio.sleep` until the same 30 s the aiosqlite driver waited.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

BUSY_TIMEOUT_S = 30.0
_BUSY_STEP_S = 0.002
_BUSY_MAX_STEP_S = 0.05


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    ) or str(error).startswith("database is locked")


async def _patiently(call: Callable[[], Any]) -> Any:
    """`call()`, retried while another connection holds the write lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    step = _BUSY_STEP_S
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
        await asyncio.sleep(step)
        step = min(_BUSY_MAX_STEP_S, step * 2)


class _Immediately:
    """Stands in for aiosqlite's request queue (SQLAlchemy sets the isolation level
    through it): the function runs now and the future gets its result."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        if parameters is None:
            await _patiently(lambda: self._cursor.execute(sql))
        else:
            await _patiently(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(rows)  # a retry must see every row again
        await _patiently(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # aiosqlite's "open" flag
        self._tx = _Immediately()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await _patiently(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def connector(path: str) -> Callable[[], Any]:
    """The `async_creator` for a database file."""

    async def connect() -> InlineConnection:
        # One event loop thread uses it, but the pool may hand it to another loop's thread
        # (a test client's); SQLAlchemy never shares one connection between two at once.
        conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
        return InlineConnection(conn)

    return connect
