"""kill -9 of `python bot.py` with WhatsApp: mid-conversation, and in the middle of a survey
campaign sent as templates.

The bot runs as a real process against the project's fake Cloud API (in this test's event
loop, on loopback), which plays Meta: it POSTs signed webhooks and delivers again what got
no 200, as Meta does for days. The webhook answers 200 only once the message is stored with
its wamid, so whatever Meta considers delivered is answered once across the kill, and a
redelivery of what was stored is a no-op. A reply (or template) being sent at the moment of
the kill may go out twice (Meta took it, the outbox never heard back): never lost, and
never more than what one dispatch had in flight.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Database, sqlite_url
from storage.models import Conversation, Message, OutboxMessage, Survey
from tests.campaign_data import quiet_free_profiles, seed_delivered_requests, wa_id
from tests.conftest import PG_URL
from tests.fakes.whatsapp import FakeWhatsApp
from tests.processes import BotProcess, free_port, new_pg_database, run_cli, whatsapp_env
from tests.waiting import until

USERS = [f"96655{n:07d}" for n in range(101, 109)]
TURNS = 3
REDELIVERIES = 200  # Meta keeps trying for days; backing off to 1 s, this is minutes
PEOPLE = 1_000
RATE = 1000  # messages/s for the bot and the fake alike (Meta's default is 80)
IN_FLIGHT = 100  # the dispatcher's batch: the most a kill can leave sent but unrecorded
SURVEY_TEMPLATE = "tawasul_survey_invite"


@pytest.fixture(params=["sqlite", *(["postgresql"] if PG_URL else [])])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "var")
        return
    assert PG_URL is not None
    async with new_pg_database(PG_URL, "tawasul_wa") as url:
        db = Database(url)
        await db.upgrade()
        await db.dispose()
        yield url


def bot_env(wa: FakeWhatsApp, url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    port = free_port()
    wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp/webhook"
    return whatsapp_env(
        tmp_path / "var",
        port,
        wa,
        TAWASUL_DATABASE_URL="" if url.startswith("sqlite") else url,
        # What the killed bot had in flight is sent by the restarted one after this long
        # (on PostgreSQL it can't tell a dead claimer from a slow one; 2 minutes by default).
        TAWASUL_OUTBOX_RECLAIM_AFTER="3",
        **settings,
    )


async def inbound_by_user(db: Database) -> dict[str, list[str]]:
    """What the bot stored as said by each user, in order."""
    async with db.reading() as s:
        found = await s.execute(
            select(Conversation.chat_id, Message.text)
            .join(Conversation, Message.conversation_id == Conversation.id)
            .where(Message.direction == "in")
            .order_by(Message.id)
        )
    said: dict[str, list[str]] = {}
    for chat, text in found.all():
        said.setdefault(chat, []).append(text)
    return said


async def replies_queued(db: Database, chat: str) -> int:
    async with db.reading() as s:
        n = await s.execute(
            select(func.count()).where(OutboxMessage.chat_id == chat, OutboxMessage.kind == "reply")
        )
    return int(n.scalar_one())


async def says(wa: FakeWhatsApp, to: str, text: str, statuses: list[int]) -> int:
    """`to` writes `text`, and Meta delivers it (again, until a 200); how many messages
    `to` had got before."""
    before = len(wa.messages_to(to))
    statuses += await wa.deliver(wa.text_message(to, text), retries=REDELIVERIES)
    return before


async def answered(wa: FakeWhatsApp, to: str, before: int) -> None:
    await until(lambda: len(wa.messages_to(to)) > before, 90)


def question(user: int, turn: int) -> str:
    return f"وين مقركم يا جماعة {user}-{turn}"


async def converse(wa: FakeWhatsApp, user: int, statuses: list[int]) -> None:
    """One user mid-conversation: each question waits for the answer to the one before;
    what every attempt to deliver it got (0: no connection) goes into `statuses`."""
    to = USERS[user]
    for turn in range(TURNS):
        await answered(wa, to, await says(wa, to, question(user, turn), statuses))


async def test_kill_9_mid_conversation_answers_every_delivered_message_once(
    wa: FakeWhatsApp, database_url: str, tmp_path: Path
) -> None:
    bot = BotProcess(bot_env(wa, database_url, tmp_path))
    db = Database(database_url)
    bot.start()
    try:
        await wa.deliver(wa.text_message(USERS[0], "السلام عليكم"), retries=REDELIVERIES)
        await until(lambda: wa.messages_to(USERS[0]), 60)
        # Everyone talks at once; the process dies with their webhooks in flight, and
        # what they write while it is down Meta delivers again.
        statuses: list[list[int]] = [[] for _ in USERS]
        talks = [asyncio.create_task(converse(wa, u, statuses[u])) for u in range(len(USERS))]
        await until(lambda: len(wa.sent) >= 1 + len(USERS), 60)
        killed_at = wa.clock()
        bot.kill()
        bot.start()
        await asyncio.wait_for(asyncio.gather(*talks), 180)
        await asyncio.sleep(1.0)  # a reply sent twice would be here by now
        said = await inbound_by_user(db)
        queued = {u: await replies_queued(db, u) for u in USERS}
    finally:
        bot.stop()
        await db.dispose()
    assert all(s[-1] == 200 for s in statuses)  # Meta got its 200 for each message
    assert any(0 in s for s in statuses)  # some were posted to a dead bot, and again
    for u, user in enumerate(USERS):
        greeting = ["السلام عليكم"] if u == 0 else []
        asked = [question(u, turn) for turn in range(TURNS)]
        assert said[user] == greeting + asked  # stored once each: none lost, none twice
        assert queued[user] == len(greeting) + TURNS  # answered once each
        replies = wa.messages_to(user)
        assert all("📍" in r.text for r in replies[len(greeting) :])
        # A reply Meta took just before the kill, the outbox never heard of: it goes again.
        again = len(replies) - queued[user]
        assert again == 0 or (again == 1 and replies[0].at < killed_at)


def templates_sent(wa: FakeWhatsApp) -> Counter[str]:
    return Counter(m.to for m in wa.sent if m.type == "template")


async def campaign_rows(db: Database) -> Counter[str]:
    async with db.reading() as s:
        found = await s.execute(
            select(OutboxMessage.state, func.count())
            .where(OutboxMessage.kind == "campaign")
            .group_by(OutboxMessage.state)
        )
    return Counter(dict(found.all()))


async def test_a_campaign_outside_the_window_sends_each_person_one_template_across_a_kill_9(
    wa: FakeWhatsApp, database_url: str, tmp_path: Path
) -> None:
    wa.per_second = RATE
    env = bot_env(
        wa,
        database_url,
        tmp_path,
        TAWASUL_ORG="little-hearts",
        TAWASUL_PROFILES_DIR=str(quiet_free_profiles(tmp_path)),
        TAWASUL_WHATSAPP_PER_SECOND=str(RATE),
    )
    db = Database(database_url)
    bot = BotProcess(env)
    try:
        await db.upgrade()
        await seed_delivered_requests(db, PEOPLE, channel="whatsapp")
        bot.start()
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        push = ["survey", "push", "--status", "service_delivered", "--since", today, "--no-wait"]
        assert (await asyncio.to_thread(run_cli, push, env)).returncode == 0
        # The bot dies in the middle of sending, with templates in flight; it starts again.
        await until(lambda: len(templates_sent(wa)) >= PEOPLE // 3, 120)
        bot.kill()
        assert len(templates_sent(wa)) < PEOPLE  # killed mid-way
        bot.start()

        async def all_held() -> bool:
            return (await campaign_rows(db))["held"] == PEOPLE

        async with asyncio.timeout(120):
            while not await all_held():
                await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # a template sent twice would be here by now
        async with db.reading() as s:
            surveys = (await s.execute(select(func.count()).select_from(Survey))).scalar_one()
        rows = await campaign_rows(db)
    finally:
        bot.stop()
        await db.dispose()
    assert surveys == PEOPLE and rows == Counter(held=PEOPLE)  # each waits for her reply
    received = templates_sent(wa)
    assert set(received) == {wa_id(i) for i in range(1, PEOPLE + 1)}  # nobody lost
    assert all(m.type == "template" for m in wa.sent)  # nothing free-form outside the window
    assert {m.payload["template"]["name"] for m in wa.sent} == {SURVEY_TEMPLATE}
    assert sum(n - 1 for n in received.values()) <= IN_FLIGHT
    assert wa.rate_limited == 0 and wa.max_in_any_second() <= RATE
