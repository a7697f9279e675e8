"""The outbox dispatcher with a recording sender: limits, order, retries, failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from handlers.clock import SystemClock
from scheduler.dispatcher import Dispatcher, Limits, Permanent, RetryLater, Transient
from storage import repositories as repo
from storage.db import Database
from storage.models import ChannelIdentity, OutboxMessage

FAST = Limits(per_chat_interval=0.2, per_second=1000, group_per_minute=1000)


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, float]] = []
        self.failures: dict[str, list[Exception]] = {}

    async def send(self, chat_id: str, body: dict[str, Any]) -> None:
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, str(body["text"]), asyncio.get_running_loop().time()))


async def queue(db: Database, chat: str, *texts: str) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as s:
        conversation = await repo.conversation_for_update(
            s, channel="telegram", chat_id=chat, user_id=chat, display_name=None, now=now
        )
        for text in texts:
            repo.add_outbox(
                s, conversation, body={"text": text}, due_at=now, now=now, delivered=False
            )


async def drain(
    dispatcher: Dispatcher, expected: int, sender: RecordingSender, timeout: float = 10
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    try:
        async with asyncio.timeout(timeout):
            while len(sender.sent) < expected:
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task


async def states(db: Database) -> list[tuple[str, str]]:
    async with db.reading() as s:
        rows = await s.execute(
            select(OutboxMessage.state, OutboxMessage.last_error).order_by(OutboxMessage.id)
        )
        return [(a, b or "") for a, b in rows.all()]


async def test_each_chat_gets_its_messages_in_order_and_paced(database: Database) -> None:
    await queue(database, "100", "a1", "a2", "a3")
    await queue(database, "200", "b1", "b2")
    sender = RecordingSender()
    dispatcher = Dispatcher(
        database, {"telegram": sender}, SystemClock(), limits={"telegram": FAST}, idle_poll=0.05
    )
    await drain(dispatcher, 5, sender)
    for chat, texts in (("100", ["a1", "a2", "a3"]), ("200", ["b1", "b2"])):
        mine = [(t, at) for c, t, at in sender.sent if c == chat]
        assert [t for t, _ in mine] == texts
        gaps = [b - a for (_, a), (_, b) in pairwise(mine)]
        assert all(gap >= FAST.per_chat_interval * 0.95 for gap in gaps)
    assert all(state == "sent" for state, _ in await states(database))


async def test_retry_after_is_honoured_and_nothing_is_lost(database: Database) -> None:
    await queue(database, "100", "hello", "again")
    sender = RecordingSender()
    sender.failures["100"] = [RetryLater(0.5), Transient("502 Bad Gateway")]
    dispatcher = Dispatcher(
        database, {"telegram": sender}, SystemClock(), limits={"telegram": FAST}, idle_poll=0.05
    )
    started = asyncio.get_running_loop().time()
    await drain(dispatcher, 2, sender, timeout=15)
    assert [t for _, t, _ in sender.sent] == ["hello", "again"]
    assert sender.sent[0][2] - started >= 0.5


async def test_a_blocked_chat_fails_once_and_is_marked_unreachable(database: Database) -> None:
    await queue(database, "300", "you blocked me")
    await queue(database, "400", "fine")
    sender = RecordingSender()
    sender.failures["300"] = [Permanent("blocked")]
    dispatcher = Dispatcher(
        database, {"telegram": sender}, SystemClock(), limits={"telegram": FAST}, idle_poll=0.05
    )
    await drain(dispatcher, 1, sender)
    await asyncio.sleep(0.1)
    assert ("failed", "blocked") in await states(database)
    async with database.reading() as s:
        reachable = (
            await s.execute(
                select(ChannelIdentity.reachable).where(ChannelIdentity.external_user_id == "300")
            )
        ).scalar_one()
    assert reachable is False
    assert [c for c, _, _ in sender.sent] == ["400"]


async def test_two_dispatchers_never_send_a_row_twice(database: Database) -> None:
    for chat in range(20):
        await queue(database, str(1000 + chat), *(f"m{i}" for i in range(3)))
    sender = RecordingSender()
    first, second = (
        Dispatcher(
            database,
            {"telegram": sender},
            SystemClock(),
            limits={"telegram": FAST},
            idle_poll=0.05,
            batch=7,
        )
        for _ in range(2)
    )
    stop = asyncio.Event()
    tasks = [asyncio.create_task(d.run(stop)) for d in (first, second)]
    try:
        async with asyncio.timeout(20):
            while len(sender.sent) < 60:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    pairs = [(c, t) for c, t, _ in sender.sent]
    assert len(pairs) == len(set(pairs)) == 60
