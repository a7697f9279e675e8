"""One budget for every process on PostgreSQL: dispatchers over separate engines (as
separate processes have) share the limits, a 429 one of them gets pauses the others, and
budget a dead process held comes back."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import insert

from handlers.clock import SystemClock
from scheduler.budget import IN_FLIGHT_AT_MOST, LocalBudget, SharedBudget
from scheduler.dispatcher import Dispatcher, Limits, RetryLater
from storage.db import Database
from storage.models import RateSend
from tests.conftest import PG_URL, pg_schema_database
from tests.scheduler.test_dispatcher import queue

needs_pg = pytest.mark.skipif(
    PG_URL is None, reason="the shared budget lives in PostgreSQL (CI sets it)"
)
LIMITS = Limits(per_chat_interval=1.0, per_second=20, group_per_minute=20, bucket="telegram:1")


class Server:
    """What the channel sees: every send's arrival, whoever sent it; a 429 on demand."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, str, float]] = []  # (sender, chat, loop time)
        self.refuse_next: float | None = None
        self.refused_at: float | None = None

    def sender(self, name: str) -> Any:
        server = self

        class Sender:
            async def send(self, chat_id: str, body: dict[str, Any]) -> None:
                await asyncio.sleep(0.005)  # a request's latency
                if server.refuse_next is not None:
                    retry, server.refuse_next = server.refuse_next, None
                    server.refused_at = asyncio.get_running_loop().time()
                    raise RetryLater(retry, whole_channel=True)
                server.arrivals.append((name, chat_id, asyncio.get_running_loop().time()))

        return Sender()

    def most_in_one_second(self) -> int:
        times = sorted(t for _, _, t in self.arrivals)
        return max(
            (sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times)), default=0
        )


@pytest_asyncio.fixture
async def engines() -> AsyncIterator[list[Database]]:
    """Three engines on one schema: three processes' views of one database."""
    async with pg_schema_database("budget") as first:
        others = [Database(PG_URL or "", schema=first.schema) for _ in range(2)]
        try:
            yield [first, *others]
        finally:
            for db in others:
                await db.dispose()


def _dispatchers(engines: list[Database], server: Server) -> list[Dispatcher]:
    return [
        Dispatcher(
            db,
            {"telegram": server.sender(f"p{i}")},
            SystemClock(),
            limits={"telegram": LIMITS},
            idle_poll=0.05,
        )
        for i, db in enumerate(engines)
    ]


async def _run_until(dispatchers: list[Dispatcher], done: Any, timeout: float) -> None:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(d.run(stop)) for d in dispatchers]
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


@needs_pg
async def test_three_dispatchers_keep_to_one_limit_together(engines: list[Database]) -> None:
    for chat in range(60):
        await queue(engines[0], str(1000 + chat), f"to {chat}")
    server = Server()
    dispatchers = _dispatchers(engines, server)
    assert all(isinstance(d.budget, SharedBudget) for d in dispatchers)

    await _run_until(dispatchers, lambda: len(server.arrivals) >= 60, timeout=20)

    assert sorted(c for _, c, _ in server.arrivals) == [str(1000 + c) for c in range(60)]
    assert server.most_in_one_second() <= LIMITS.per_second


@needs_pg
async def test_one_chat_is_paced_across_processes(engines: list[Database]) -> None:
    await queue(engines[0], "42", "one", "two", "three")
    server = Server()

    await _run_until(_dispatchers(engines, server), lambda: len(server.arrivals) >= 3, 10)

    times = [t for _, _, t in server.arrivals]
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(times))


@needs_pg
async def test_a_429_seen_by_one_process_pauses_them_all(engines: list[Database]) -> None:
    for chat in range(40):
        await queue(engines[0], str(500 + chat), "hello")
    server = Server()
    server.refuse_next = 2.0

    await _run_until(_dispatchers(engines, server), lambda: len(server.arrivals) >= 40, 20)

    assert server.refused_at is not None
    # What was already on its way arrives; nothing starts until the pause is over.
    during = [t for _, _, t in server.arrivals if 0.1 < t - server.refused_at < 1.9]
    assert during == []
    assert sorted(c for _, c, _ in server.arrivals) == [str(500 + c) for c in range(40)]


@needs_pg
async def test_budget_a_dead_process_held_comes_back(engines: list[Database]) -> None:
    # A process claimed the whole second's budget and died before its requests ended.
    now = datetime.now(UTC)
    async with engines[1].transaction() as s:
        await s.execute(
            insert(RateSend),
            [
                {"key": LIMITS.bucket, "outbox_id": None, "started_at": now, "window_s": 1.0}
                for _ in range(LIMITS.per_second)
            ],
        )
    await queue(engines[0], "77", "after the crash")
    server = Server()
    started = asyncio.get_running_loop().time()

    await _run_until(_dispatchers(engines[:1], server), lambda: server.arrivals, 15)

    waited = server.arrivals[0][2] - started
    assert waited <= IN_FLIGHT_AT_MOST.total_seconds() + 2.0


async def test_sqlite_keeps_its_budget_in_memory(tmp_path: Any) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    await db.upgrade()
    try:
        dispatcher = Dispatcher(db, {"telegram": Server().sender("p")}, SystemClock())
        assert isinstance(dispatcher.budget, LocalBudget)
    finally:
        await db.dispose()
