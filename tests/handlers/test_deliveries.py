"""A channel's later word on what it was given: statuses in any order move a message's
delivery forward only; a failure worth another try sends it again, once, never in a loop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from handlers import deliveries
from handlers.clock import FixedClock
from handlers.deliveries import DeliveryReport
from storage import outbox
from storage import repositories as repo
from storage.db import Database
from storage.models import ChannelIdentity, Conversation, DeliveryStatus, OutboxMessage

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CHAT = "966551234567"
S = DeliveryStatus


async def sent_message(db: Database, wamid: str = "wamid.A") -> int:
    async with db.transaction() as s:
        conversation = await repo.conversation_for_update(
            s, channel="whatsapp", chat_id=CHAT, user_id=CHAT, display_name=None, now=AT
        )
        conversation.last_inbound_at = AT
        repo.add_outbox(s, conversation, body={"text": "مرحبا"}, due_at=AT, now=AT, delivered=True)
    async with db.transaction() as s:
        row_id = (await s.execute(select(OutboxMessage.id))).scalar_one()
        await outbox.name_sent(s, {row_id: wamid})
    return row_id


async def row(db: Database) -> OutboxMessage:
    async with db.reading() as s:
        return (await s.execute(select(OutboxMessage))).scalar_one()


def at(minutes: int) -> datetime:
    return AT + timedelta(minutes=minutes)


async def test_statuses_out_of_order_end_at_the_furthest(database: Database) -> None:
    await sent_message(database)
    clock = FixedClock(AT)
    reports = [
        DeliveryReport("wamid.A", S.READ, at(3)),
        DeliveryReport("wamid.A", S.SENT, at(1)),
        DeliveryReport("wamid.A", S.DELIVERED, at(2)),
        DeliveryReport("wamid.A", S.READ, at(3)),  # the same status delivered twice
    ]
    done = await deliveries.record(database, "whatsapp", reports, clock)
    assert (done.changed, done.unknown) == (1, 0)
    found = await row(database)
    assert (found.delivery, found.delivery_at) == ("read", at(3))


async def test_read_without_delivered_is_read(database: Database) -> None:
    await sent_message(database)
    reports = [DeliveryReport("wamid.A", S.SENT, at(1)), DeliveryReport("wamid.A", S.READ, at(2))]
    await deliveries.record(database, "whatsapp", reports, FixedClock(AT))
    assert (await row(database)).delivery == "read"


async def test_an_unknown_id_changes_nothing(database: Database) -> None:
    await sent_message(database)
    done = await deliveries.record(
        database, "whatsapp", [DeliveryReport("wamid.other", S.READ, at(1))], FixedClock(AT)
    )
    assert done.unknown == 1
    assert (await row(database)).delivery is None


async def test_window_closed_sends_it_again_once_then_gives_up(database: Database) -> None:
    await sent_message(database)
    closed = DeliveryReport("wamid.A", S.FAILED, at(1), error="131047", window_closed=True)
    done = await deliveries.record(database, "whatsapp", [closed], FixedClock(at(1)))
    assert done.resent == 1
    again = await row(database)
    assert (again.state, again.external_id, again.body["window_fallback"]) == (
        "pending",
        None,
        True,
    )
    async with database.reading() as s:
        window = (await s.execute(select(Conversation.last_inbound_at))).scalar_one()
    assert window is None  # Meta's word over our clock: the template path next time
    async with database.transaction() as s:
        await outbox.name_sent(s, {again.id: "wamid.B"})
    closed_again = DeliveryReport("wamid.B", S.FAILED, at(2), error="131047", window_closed=True)
    done = await deliveries.record(database, "whatsapp", [closed_again], FixedClock(at(2)))
    assert done.resent == 0
    final = await row(database)
    assert (final.state, final.delivery, final.last_error) == ("failed", "failed", "131047")


async def test_a_rate_limit_reported_later_is_retried_after_its_wait(database: Database) -> None:
    await sent_message(database)
    slow = DeliveryReport("wamid.A", S.FAILED, at(1), error="131056", retry_after=6.0)
    await deliveries.record(database, "whatsapp", [slow], FixedClock(at(1)))
    again = await row(database)
    assert (again.state, again.due_at) == ("pending", at(1) + timedelta(seconds=6))


async def test_undeliverable_marks_the_person_unreachable(database: Database) -> None:
    await sent_message(database)
    gone = DeliveryReport("wamid.A", S.FAILED, at(1), error="131026", unreachable=True)
    await deliveries.record(database, "whatsapp", [gone], FixedClock(at(1)))
    async with database.reading() as s:
        reachable = (await s.execute(select(ChannelIdentity.reachable))).scalar_one()
    assert reachable is False
    assert (await row(database)).state == "failed"
