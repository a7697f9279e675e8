"""Transcript and outbox rows are written in bulk, yet read and rolled back like any other."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage import repositories as repo
from storage.db import Database
from storage.models import Message, OutboxMessage

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


async def _conversation(db: Database) -> int:
    async with db.transaction(queued=False) as session:
        found = await repo.conversations_for_update_many(session, [("web", "c1", "u1", None)], NOW)
        return found[("web", "c1")].id


async def test_appended_rows_are_seen_by_the_same_transaction_and_kept_in_order(
    database: Database,
) -> None:
    await _conversation(database)
    async with database.transaction(queued=False) as session:
        conversation = (
            await repo.conversations_for_update_many(session, [("web", "c1", "u1", None)], NOW)
        )[("web", "c1")]
        for i in range(3):
            repo.record_reply(
                session,
                conversation,
                {"text": f"رد {i}", "buttons": [{"label": "👍", "payload": "rate:up"}]},
                author="bot",
                case_id=None,
                now=NOW,
                delivered=False,
            )
        # A read in the same transaction sees what was appended before it.
        assert await repo.last_buttons(session, conversation.id) == [
            {"label": "👍", "payload": "rate:up"}
        ]
    async with database.reading() as session:
        texts = (await session.execute(select(Message.text).order_by(Message.id))).scalars()
        assert list(texts) == ["رد 0", "رد 1", "رد 2"]
        bodies = await session.execute(select(OutboxMessage.body).order_by(OutboxMessage.id))
        assert [b["text"] for b in bodies.scalars()] == ["رد 0", "رد 1", "رد 2"]


async def test_appended_rows_go_with_a_rolled_back_transaction(database: Database) -> None:
    await _conversation(database)
    with pytest.raises(RuntimeError):
        async with database.transaction(queued=False) as session:
            conversation = (
                await repo.conversations_for_update_many(session, [("web", "c1", "u1", None)], NOW)
            )[("web", "c1")]
            repo.add_message(
                session,
                conversation,
                direction="in",
                author="beneficiary",
                text="لن يُحفظ",
                data={},
                case_id=None,
                now=NOW,
            )
            raise RuntimeError("the use case failed")
    async with database.reading() as session:
        count = await session.execute(select(func.count()).select_from(Message))
        assert count.scalar_one() == 0
