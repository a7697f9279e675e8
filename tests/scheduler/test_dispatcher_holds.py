"""The dispatcher's outcomes for channels that name their messages and wait for people:
the channel's message id kept, a message held for the window and released by the person,
a whole channel paused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from handlers.clock import SystemClock
from scheduler.dispatcher import Dispatcher, Held, Limits, RetryLater
from storage import outbox
from storage import repositories as repo
from storage.db import Database
from storage.models import OutboxMessage

FAST = Limits(per_chat_interval=0.0, per_second=1000, group_per_minute=1000)


class NamingSender:
    """Gives each message an id; holds what the test says to hold; pauses once if asked."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.hold: set[str] = set()
        self.pause_once: float | None = None
        self.tried_at: list[float] = []

    async def send(self, chat_id: str, body: dict[str, Any]) -> str | None:
        self.tried_at.append(asyncio.get_running_loop().time())
        if self.pause_once is not None:
            wait, self.pause_once = self.pause_once, None
            raise RetryLater(wait, whole_channel=True)
        if chat_id in self.hold and not body.get("invited"):
            raise Held({**body, "invited": True})
        self.sent.append((chat_id, str(body["text"])))
        return f"wamid.{len(self.sent)}"


async def queue(db: Database, chat: str, *texts: str) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as s:
        conversation = await repo.conversation_for_update(
            s, channel="whatsapp", chat_id=chat, user_id=chat, display_name=None, now=now
        )
        for text in texts:
            repo.add_outbox(
                s, conversation, body={"text": text}, due_at=now, now=now, delivered=False
            )


async def rows(db: Database) -> list[tuple[str, str, str | None, bool]]:
    async with db.reading() as s:
        found = await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        return [
            (r.chat_id, r.state, r.external_id, bool(r.body.get("invited")))
            for r in found.scalars()
        ]


def dispatcher(db: Database, sender: NamingSender) -> Dispatcher:
    return Dispatcher(
        db, {"whatsapp": sender}, SystemClock(), limits={"whatsapp": FAST}, idle_poll=0.05
    )


async def test_a_sent_message_keeps_the_channels_id_for_its_statuses(database: Database) -> None:
    await queue(database, "966500000001", "مرحبا", "كيف أساعدك")
    sender = NamingSender()
    d = dispatcher(database, sender)
    await d.dispatch_once()
    await d.dispatch_once()
    assert await rows(database) == [
        ("966500000001", "sent", "wamid.1", False),
        ("966500000001", "sent", "wamid.2", False),
    ]


async def test_a_held_message_waits_without_blocking_the_next_and_goes_when_released(
    database: Database,
) -> None:
    await queue(database, "966500000002", "تحديث على طلبك", "استبيان")
    sender = NamingSender()
    sender.hold.add("966500000002")
    d = dispatcher(database, sender)
    await d.dispatch_once()
    await d.dispatch_once()
    assert [(state, invited) for _, state, _, invited in await rows(database)] == [
        ("held", True),
        ("held", True),
    ]
    assert sender.sent == []
    async with database.transaction() as s:
        await outbox.release_held(s, "whatsapp", "966500000002", datetime.now(UTC))
    await d.dispatch_once()
    await d.dispatch_once()
    assert sender.sent == [("966500000002", "تحديث على طلبك"), ("966500000002", "استبيان")]


async def test_a_pause_of_the_whole_channel_holds_every_chat(database: Database) -> None:
    await queue(database, "966500000003", "أ")
    sender = NamingSender()
    sender.pause_once = 0.5
    d = dispatcher(database, sender)
    paused_at = asyncio.get_running_loop().time()
    await d.dispatch_once()  # refused: the number's own limit
    await queue(database, "966500000004", "ب")  # another person, after the refusal
    stop = asyncio.Event()
    task = asyncio.create_task(d.run(stop))
    async with asyncio.timeout(10):
        while len(sender.sent) < 2:
            await asyncio.sleep(0.02)
    stop.set()
    await task
    # The second person's message was not even tried before the pause ended.
    assert all(at - paused_at >= 0.45 for at in sender.tried_at[1:])
    assert sorted(chat for chat, _ in sender.sent) == ["966500000003", "966500000004"]


async def test_a_campaign_held_for_the_window_goes_on_batch_after_batch(
    database: Database,
) -> None:
    """Every row of a campaign outside the window is held (its template went): the next
    batch follows at once, not after an idle poll (an hour here) as if nothing had gone."""
    chats = [f"9665000{n:05d}" for n in range(25)]
    for chat in chats:
        await queue(database, chat, "استبيان")
    sender = NamingSender()
    sender.hold.update(chats)
    d = Dispatcher(
        database, {"whatsapp": sender}, SystemClock(), limits={"whatsapp": FAST}, batch=10
    )
    d.idle_poll = 3600.0
    stop = asyncio.Event()
    task = asyncio.create_task(d.run(stop))
    try:
        async with asyncio.timeout(20):
            while len(sender.tried_at) < len(chats):
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task
    assert [state for _, state, _, _ in await rows(database)] == ["held"] * len(chats)


class Overlapping:
    """Counts the sends in flight at once."""

    def __init__(self) -> None:
        self.in_flight = self.most = self.sent = 0

    async def send(self, chat_id: str, body: dict[str, Any]) -> str | None:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.005)
        self.in_flight -= 1
        self.sent += 1
        return None
