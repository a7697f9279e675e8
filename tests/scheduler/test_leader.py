"""One scheduler across processes on PostgreSQL: two leaders over two engines on one
database, as two processes would be; and each job's turn, once per period."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from bot.config import Settings
from bot.i18n import Catalog
from bot.wiring import open_core, scheduler_for
from faq.service import FaqService
from scheduler.leader import Leader, runner
from storage import leases
from storage.db import Database
from tests.processes import new_pg_database

PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
RETRY = 0.5
pytestmark = pytest.mark.skipif(
    PG_URL is None,
    reason="leader election is PostgreSQL's (advisory locks); set TAWASUL_TEST_DATABASE_URL",
)


async def _until(check: Callable[[], Awaitable[Any]], timeout: float) -> Any:
    async with asyncio.timeout(timeout):
        while not (result := await check()):
            await asyncio.sleep(0.05)
    return result


@pytest_asyncio.fixture
async def url() -> AsyncIterator[str]:
    assert PG_URL is not None
    async with new_pg_database(PG_URL) as url:
        db = Database(url)
        await db.upgrade()
        await db.dispose()
        yield url


@pytest_asyncio.fixture
async def dbs(url: str) -> AsyncIterator[tuple[Database, Database, Database]]:
    """Two processes' engines, and an operator's (psql) to look and kill with."""
    engines = (Database(url), Database(url), Database(url))
    yield engines
    for db in engines:
        await db.dispose()


class Watched:
    """A leader whose schedulers the test can see."""

    def __init__(self, db: Database) -> None:
        self.schedulers: list[AsyncIOScheduler] = []
        self.leader = Leader(db, self._build, retry=RETRY)
        self.stack = AsyncExitStack()

    def _build(self) -> AsyncIOScheduler:
        self.schedulers.append(AsyncIOScheduler())
        return self.schedulers[-1]

    @property
    def running(self) -> bool:
        return any(s.running for s in self.schedulers)

    async def start(self) -> None:
        await self.stack.enter_async_context(self.leader.running())

    async def stop(self) -> None:
        await self.stack.aclose()


async def _holders(admin: Database) -> list[tuple[int, str]]:
    """Who holds an advisory lock, as an operator sees it: (pid, session state)."""
    async with admin.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT l.pid, a.state FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                " WHERE l.locktype = 'advisory' AND l.granted"
                " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
        return [(r.pid, r.state) for r in rows]


async def test_one_leads_and_the_other_takes_over_when_its_session_is_killed(
    dbs: tuple[Database, Database, Database], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="scheduler.leader")
    one, two, admin = Watched(dbs[0]), Watched(dbs[1]), dbs[2]
    await one.start()
    await two.start()
    try:
        first = await _until(lambda: _leader_of(one, two), 10)
        await asyncio.sleep(3 * RETRY)  # both have campaigned again meanwhile
        assert [w.leader.leading for w in (one, two)].count(True) == 1
        assert [w.running for w in (one, two)].count(True) == 1
        [(pid, state)] = await _holders(admin)
        assert state == "idle"  # autocommit: the lease never sits in a transaction

        async with admin.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other = two if first is one else one
        await _until(lambda: _now(not first.running and other.leader.leading), RETRY + 5)
        assert other.running and not first.leader.leading
        [(new_pid, _)] = await _holders(admin)
        assert new_pid != pid
        said = [r.getMessage() for r in caplog.records]
        assert f"scheduler: {runner()} lost the lead (its database session is gone)" in said
        assert said.count(f"scheduler: {runner()} leads the periodic jobs") == 2
    finally:
        await one.stop()
        await two.stop()


async def test_a_clean_stop_hands_the_lead_over_at_once(
    dbs: tuple[Database, Database, Database],
) -> None:
    one, two, admin = Watched(dbs[0]), Watched(dbs[1]), dbs[2]
    await one.start()
    await _until(lambda: _now(one.leader.leading), 10)
    await two.start()
    try:
        await one.stop()
        assert not one.running and not one.leader.leading
        await _until(lambda: _now(two.leader.leading), RETRY + 3)
        await two.stop()
        assert await _holders(admin) == []  # released, not left to a session's timeout
    finally:
        await two.stop()


async def test_a_job_runs_once_a_period_however_many_schedulers_fire_it(
    url: str, tmp_path: Path, faq: FaqService
) -> None:
    """Two processes' schedulers both fire "cases-unclaimed" (as during a hand-over): it
    runs once; a period later, once more."""
    settings = Settings(data_dir=tmp_path, database_url=url, job_intervals={"cases-unclaimed": 2})
    tr = Catalog("ar")
    async with open_core(settings, tr, faq=faq) as a, open_core(settings, tr, faq=faq) as b:
        jobs = [_job(core, "cases-unclaimed") for core in (a, b)]
        await asyncio.gather(*(job() for job in jobs))
        await jobs[1]()
        assert len(await leases.runs(a.db, "cases-unclaimed")) == 1
        await asyncio.sleep(2)  # a period
        await asyncio.gather(*(job() for job in jobs))
        done = await leases.runs(a.db, "cases-unclaimed")
        assert len(done) == 2 and {r.runner for r in done} == {runner()}


async def test_a_job_being_run_is_not_run_beside_it(
    dbs: tuple[Database, Database, Database],
) -> None:
    one, two, _ = dbs
    async with leases.turn(one, "surveys-send", 60, "one:1") as mine:
        assert mine
        async with leases.turn(two, "surveys-send", 60, "two:2") as theirs:
            assert not theirs  # its run isn't even committed yet: the lock says no
    async with leases.turn(two, "surveys-send", 60, "two:2") as theirs:
        assert not theirs  # committed now: this period's run is done
    async with leases.turn(two, "surveys-remind-expire", 60, "two:2") as other_job:
        assert other_job
    assert [r.runner for r in await leases.runs(one)] == ["one:1", "two:2"]


async def test_a_failed_run_is_not_counted(dbs: tuple[Database, Database, Database]) -> None:
    one, two, _ = dbs
    with pytest.raises(RuntimeError):
        async with leases.turn(one, "surveys-send", 60, "one:1") as mine:
            assert mine
            raise RuntimeError("the job failed")
    async with leases.turn(two, "surveys-send", 60, "two:2") as theirs:
        assert theirs


def _job(core: Any, job_id: str) -> Callable[[], Awaitable[None]]:
    """The job as the scheduler would run it, with its turn."""
    job = scheduler_for(core).get_job(job_id)
    assert job is not None
    func: Callable[[], Awaitable[None]] = job.func
    return func


async def _leader_of(*watched: Watched) -> Watched | None:
    leading = [w for w in watched if w.leader.leading]
    return leading[0] if len(leading) == 1 else None


async def _now(value: bool) -> bool:
    return value
