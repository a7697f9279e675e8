"""The inline SQLite driver waits for another writer without blocking the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Staff


async def test_a_writer_waits_for_another_process_lock_while_the_loop_runs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tawasul.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.upgrade()
    other = sqlite3.connect(path, isolation_level=None)  # e.g. a CLI command, elsewhere
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with db.transaction(queued=False) as session:
            session.add(
                Staff(
                    username="a", display_name="أ", role="researcher", created_at=datetime.now(UTC)
                )
            )

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()  # still waiting for the lock…
    assert ticks >= 5  # …and the event loop kept running meanwhile
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, 10)
    ticking.cancel()
    async with db.reading() as session:
        assert (await session.execute(select(func.count()).select_from(Staff))).scalar_one() == 1
    await db.dispose()


async def test_a_read_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    """WAL lets readers read while a writer writes; a read that took the write lock (BEGIN
    IMMEDIATE, as writes do) waited behind every writer instead: the WhatsApp sender's
    window check per message, hundreds of milliseconds under load."""
    path = tmp_path / "tawasul.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.upgrade()
    other = sqlite3.connect(path, isolation_level=None)  # a writer mid-transaction
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO staff (username, display_name, role, created_at, active)"
        " VALUES ('b', 'ب', 'researcher', '2026-12-01', 1)"
    )
    try:
        async with asyncio.timeout(10), db.reading() as session:
            count = await session.execute(select(func.count()).select_from(Staff))
            assert count.scalar_one() == 0  # what was committed, not what is being written
    finally:
        other.execute("ROLLBACK")
        other.close()
        await db.dispose()
