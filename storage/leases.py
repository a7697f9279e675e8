"""Who runs the periodic jobs when several processes share one PostgreSQL database.

Two advisory locks. The scheduler's lease is a session-level lock held on a connection of
its own (in autocommit: never idle in a transaction); the server drops it when that
session ends, so a process that dies, or whose connection is killed, lets another take
over. A job's turn is a transaction-level lock plus the job's last run in `job_runs`:
during a hand-over two schedulers may briefly both fire, and the turn lets only one of
them run the job, once per period, by the database's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database, Session
from storage.models import JobRun, UTCDateTime

# A run started this share of its period ago or later is the same period's run.
SAME_PERIOD = 0.9
# How long a job's runs are kept (the record of who ran what, for an operator).
KEEP_RUNS = timedelta(days=7)


def lock_key(db: Database, name: str) -> int:
    """A stable bigint for an advisory lock. Locks are per database, so the schema is part
    of the name: deployments in two schemas of one database never wait for each other."""
    digest = hashlib.sha256(f"tawasul:{db.schema or ''}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Lease:
    """A session-level advisory lock on a dedicated autocommit connection (PostgreSQL)."""

    def __init__(self, db: Database, key: int, *, timeout: float = 5.0) -> None:
        self.db = db
        self.key = key
        self.timeout = timeout
        self._conn: AsyncConnection | None = None
        self.held = False

    async def acquire(self) -> bool:
        """Try once, without waiting: whether this process holds the lock now."""
        if self.held:
            return True
        conn = await self._connection()
        try:
            got = await self._ask(conn, func.pg_try_advisory_lock(self.key))
        except BaseException:
            await self._drop()
            raise
        self.held = bool(got)
        return self.held

    async def alive(self) -> bool:
        """Whether the lock is still ours: its session answers. A session-level lock lasts
        as long as its session, so a connection that answers still holds it."""
        if not self.held or self._conn is None:
            return False
        try:
            await self._ask(self._conn, func.pg_backend_pid())
        except Exception:
            await self._drop()  # killed, or too slow to trust: closing it ends the session
            return False
        return True

    async def release(self) -> None:
        """Unlock and close the connection (closing alone would also end the lock)."""
        if self._conn is not None and self.held:
            with contextlib.suppress(Exception):
                await self._ask(self._conn, func.pg_advisory_unlock(self.key))
        await self._drop()

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            conn = await self.db.engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    async def _ask(self, conn: AsyncConnection, call: ColumnElement[Any]) -> Any:
        return await asyncio.wait_for(conn.scalar(select(call)), timeout=self.timeout)

    async def _drop(self) -> None:
        """Close the socket for good: never hand a connection that held the lock back to
        the pool."""
        conn, self._conn, self.held = self._conn, None, False
        if conn is None:
            return
        with contextlib.suppress(Exception):
            await conn.invalidate()
        with contextlib.suppress(Exception):
            await conn.close()


@asynccontextmanager
async def turn(db: Database, job_id: str, period: float, runner: str) -> AsyncIterator[bool]:
    """Whether `runner` runs `job_id` now; if so, its run is recorded and the job's lock
    is held until the block ends (PostgreSQL).

    No when another process is running it right now, or when it started less than
    `SAME_PERIOD` of `period` seconds ago. The run's row is committed with the block: a
    run that fails is not counted.
    """
    async with db.transaction() as session:
        if not await session.scalar(select(func.pg_try_advisory_xact_lock(lock_key(db, job_id)))):
            yield False
            return
        now, last = await _last_run(session, job_id)
        if last is not None and now - last < timedelta(seconds=period * SAME_PERIOD):
            yield False
            return
        session.add(JobRun(job_id=job_id, started_at=now, runner=runner[:128]))
        await session.execute(
            delete(JobRun).where(JobRun.job_id == job_id, JobRun.started_at < now - KEEP_RUNS)
        )
        await session.flush()
        yield True


async def _last_run(session: Session, job_id: str) -> tuple[datetime, datetime | None]:
    """The database's time now (not this host's: the processes' clocks may disagree) and
    when the job last started."""
    last = select(func.max(JobRun.started_at)).where(JobRun.job_id == job_id).scalar_subquery()
    row = (await session.execute(select(func.clock_timestamp(type_=UTCDateTime()), last))).one()
    return row[0], row[1]


async def runs(db: Database, job_id: str | None = None) -> list[JobRun]:
    """The recorded runs, oldest first (what an operator, or a test, reads)."""
    query = select(JobRun).order_by(JobRun.started_at, JobRun.id)
    if job_id is not None:
        query = query.where(JobRun.job_id == job_id)
    async with db.reading() as session:
        return list((await session.execute(query)).scalars())
