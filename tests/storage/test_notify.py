"""Wake-ups: in this process always, and across processes on PostgreSQL (LISTEN/NOTIFY).

The PostgreSQL tests run two hubs on two engines on one fresh database, as two processes
behind a load balancer would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import pytest

from storage import repositories as repo
from storage.db import Database, Session
from storage.models import Conversation
from storage.notify import APPLICATION_NAME, OUTBOX, Wakeups, web_chat
from tests.conftest import PG_URL
from tests.processes import new_pg_database, pg_urls
from tests.waiting import until

NO_PG = "needs PostgreSQL: set TAWASUL_TEST_DATABASE_URL"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
needs_pg = pytest.mark.skipif(PG_URL is None, reason=NO_PG)


def heard(hub: Wakeups, *topics: str) -> Counter[str]:
    """How many times each topic's listener here was called."""
    calls: Counter[str] = Counter()
    for topic in topics:
        hub.listen(topic, lambda t=topic: calls.update([t]))  # type: ignore[misc]
    return calls


async def test_a_wake_calls_this_process_listeners_of_its_topic_only() -> None:
    hub = Wakeups()
    calls = heard(hub, OUTBOX, web_chat("a"), web_chat("b"))
    hub.wake(web_chat("a"))
    hub.waker(OUTBOX)()
    assert calls == Counter({OUTBOX: 1, web_chat("a"): 1})

    stop = hub.listen(OUTBOX, lambda: calls.update(["again"]))
    stop()
    hub.wake(OUTBOX)
    assert calls[OUTBOX] == 2 and calls["again"] == 0


async def test_a_failing_listener_does_not_keep_the_others_asleep() -> None:
    hub = Wakeups()

    def broken() -> None:
        raise RuntimeError("a bug")

    hub.listen(OUTBOX, broken)
    calls = heard(hub, OUTBOX)
    hub.wake(OUTBOX)
    assert calls[OUTBOX] == 1


async def test_a_wait_ends_at_a_wake_of_its_topic_and_for_good_once_released() -> None:
    hub = Wakeups()
    with hub.waiting(web_chat("a")) as woken:
        hub.wake(web_chat("b"))
        assert not woken.is_set()
        hub.wake(web_chat("a"))
        assert woken.is_set()
    hub.release()
    with hub.waiting(web_chat("a")) as woken:
        assert woken.is_set() and hub.released


async def test_on_sqlite_the_hub_is_in_process_only(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("the SQLite case")
    hub = Wakeups(database)
    await hub.start()
    calls = heard(hub, OUTBOX)
    hub.wake(OUTBOX)
    await hub.close()
    assert calls[OUTBOX] == 1


async def test_a_commit_tells_which_conversations_got_a_message(database: Database) -> None:
    told: list[frozenset[tuple[str, str]]] = []
    database.on_written = told.append
    async with database.transaction() as session:
        web = await _conversation(session, "web", "visitor-1")
        tg = await _conversation(session, "telegram", "42")
    assert told == []  # creating conversations says nothing
    async with database.transaction() as session:
        for conversation in (web, tg, web):
            repo.add_message(
                session, conversation, direction="out", author="staff", text="x", data={},
                case_id=None, now=NOW,
            )  # fmt: skip
    assert told == [frozenset({("web", "visitor-1"), ("telegram", "42")})]
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            repo.add_message(
                session, web, direction="out", author="staff", text="y", data={},
                case_id=None, now=NOW,
            )  # fmt: skip
            raise RuntimeError("rolled back")
    assert len(told) == 1  # nothing was written: nobody is woken


# -- across processes, on PostgreSQL -------------------------------------------------------


@asynccontextmanager
async def two_hubs() -> AsyncIterator[tuple[Wakeups, Wakeups, str]]:
    """Two started hubs, each on its own engine, on one fresh database; its admin DSN."""
    assert PG_URL is not None
    async with new_pg_database(PG_URL, "tawasul_wake") as url, AsyncExitStack() as stack:
        hubs = []
        for _ in range(2):
            db = Database(url)
            stack.push_async_callback(db.dispose)
            hub = Wakeups(db, retry=0.05, max_retry=0.5)
            stack.push_async_callback(hub.close)
            hubs.append(hub)
        yield hubs[0], hubs[1], pg_urls(url, "")[0]


async def listening(hub: Wakeups, calls: Counter[str]) -> None:
    """Start `hub` and wait until it listens: connected, it wakes every listener once."""
    await hub.start()
    await until(lambda: calls[OUTBOX] >= 1, 20.0)
    calls.clear()


@needs_pg
async def test_a_wake_on_one_process_reaches_the_others_listeners() -> None:
    async with two_hubs() as (a, b, _):
        here = heard(a, OUTBOX, web_chat("v1"))
        there = heard(b, OUTBOX, web_chat("v1"), web_chat("v2"))
        await listening(a, here)
        await listening(b, there)

        a.wake(OUTBOX)
        await until(lambda: there[OUTBOX] == 1, 20.0)
        b.wake(web_chat("v1"))
        await until(lambda: here[web_chat("v1")] == 1, 20.0)
        # Each process heard its own wake once, at once, and not again through the database.
        assert here[OUTBOX] == 1 and there[web_chat("v1")] == 1
        assert there[web_chat("v2")] == 0  # another visitor's long poll sleeps on


@needs_pg
async def test_a_burst_of_wakes_for_one_topic_is_one_notification() -> None:
    async with two_hubs() as (a, b, _):
        here, there = heard(a, OUTBOX), heard(b, OUTBOX, web_chat("v1"), "marker")
        await listening(a, here)
        await listening(b, there)
        for _ in range(100):
            a.wake(OUTBOX)
            a.wake(web_chat("v1"))
        await until(lambda: there[OUTBOX] >= 1, 20.0)
        a.wake("marker")  # notifications from one process arrive in order
        await until(lambda: there["marker"] == 1, 20.0)
        assert there[OUTBOX] == 1 and there[web_chat("v1")] == 1
        assert here[OUTBOX] == 100  # this process's own listeners hear every wake


@needs_pg
async def test_a_lost_listen_connection_comes_back_and_misses_nothing() -> None:
    async with two_hubs() as (a, b, dsn):
        here, there = heard(a, OUTBOX), heard(b, OUTBOX, web_chat("v1"))
        await listening(a, here)
        await listening(b, there)
        assert await _terminate_listeners(dsn) == 2

        # Woken while both are away: B hears of it, as a notification or as the wake
        # everyone gets once the connection is back.
        a.wake(web_chat("v1"))
        await until(lambda: there[web_chat("v1")] >= 1 and there[OUTBOX] >= 1, 20.0)
        await until(lambda: here[OUTBOX] >= 1, 20.0)  # A is back too

        there.clear()
        a.wake(OUTBOX)
        await until(lambda: there[OUTBOX] == 1, 20.0)


async def _terminate_listeners(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        query = (
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = $1"
        )
        return int(await conn.fetchval(query, APPLICATION_NAME))
    finally:
        await conn.close()


async def _conversation(session: Session, channel: str, chat_id: str) -> Conversation:
    return await repo.conversation_for_update(
        session, channel=channel, chat_id=chat_id, user_id=chat_id, display_name=None, now=NOW
    )
