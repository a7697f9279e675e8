"""One scheduler across the processes that share a PostgreSQL database.

Each process builds its scheduler, but only the one holding the scheduler's lease
(storage/leases.py) runs it. The others try again every `retry` seconds; the leader
checks its lease as often and stops its scheduler at once when the lease is gone, then
campaigns again like the rest. A leader that dies (or whose connection is killed) is
replaced within about `retry` seconds. On SQLite there is one process: its scheduler
simply runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from storage.db import Database
from storage.leases import Lease, lock_key

log = logging.getLogger(__name__)


class Scheduler(Protocol):
    """What the leader needs of APScheduler's scheduler."""

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...


def runner() -> str:
    """This process as `job_runs.runner` and the logs name it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Leader:
    def __init__(
        self,
        db: Database,
        build: Callable[[], Scheduler],
        *,
        retry: float = 3.0,
        on_change: Callable[[bool], None] = lambda _leading: None,
    ) -> None:
        """`build` makes a fresh scheduler for each term as leader; `on_change` hears
        whether this process leads now."""
        self.db = db
        self.build = build
        self.retry = retry
        self.on_change = on_change
        self.leading = False
        self._unreachable = False

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Lead, or campaign to, while the block runs; step down (unlocking) after it."""
        if self.db.is_sqlite:
            scheduler = self._take_office()
            try:
                yield
            finally:
                self._leave_office(scheduler)
            return
        self.on_change(False)
        stop = asyncio.Event()
        task = asyncio.create_task(self._campaign(stop), name="scheduler-leader")
        try:
            yield
        finally:
            stop.set()
            await task

    async def _campaign(self, stop: asyncio.Event) -> None:
        lease = Lease(self.db, lock_key(self.db, "scheduler"))
        try:
            while not stop.is_set():
                if await self._won(lease):
                    await self._lead(lease, stop)
                await _pause(stop, self.retry)
        finally:
            await lease.release()

    async def _won(self, lease: Lease) -> bool:
        try:
            won = await lease.acquire()
        except Exception as exc:  # the database is down: try again, say so once
            if not self._unreachable:
                log.warning("scheduler: cannot reach the database (%s)", type(exc).__name__)
            self._unreachable = True
            return False
        self._unreachable = False
        return won

    async def _lead(self, lease: Lease, stop: asyncio.Event) -> None:
        scheduler = self._take_office()
        try:
            while await self._still_leading(lease, stop):
                pass
        finally:
            self._leave_office(scheduler)

    async def _still_leading(self, lease: Lease, stop: asyncio.Event) -> bool:
        await _pause(stop, self.retry)
        if stop.is_set():
            log.info("scheduler: %s steps down (shutting down)", runner())
            return False
        if not await lease.alive():
            log.warning("scheduler: %s lost the lead (its database session is gone)", runner())
            return False
        return True

    def _take_office(self) -> Scheduler:
        scheduler = self.build()
        scheduler.start()
        self._set(True)
        if not self.db.is_sqlite:
            # A warning so that it is seen: the app logs nothing below that by default.
            log.warning("scheduler: %s leads the periodic jobs", runner())
        return scheduler

    def _leave_office(self, scheduler: Scheduler) -> None:
        # A job already running finishes; its turn (storage/leases.py) keeps a new leader
        # from running the same job meanwhile.
        scheduler.shutdown(wait=False)
        self._set(False)

    def _set(self, leading: bool) -> None:
        self.leading = leading
        self.on_change(leading)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
