"""The repositories (storage/repositories.py) on real SQLite and PostgreSQL: they add, lock
and read inside the caller's transaction and never commit it themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import repositories as repo
from storage.db import Database
from storage.models import Conversation, OutboxMessage

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


async def _conversation(db: Database, chat_id: str = "c1") -> Conversation:
    async with db.transaction() as s:
        return await repo.conversation_for_update(
            s, channel="web", chat_id=chat_id, user_id=chat_id, display_name=None, now=NOW
        )


async def test_an_inbound_id_is_claimed_once_even_in_a_batch(database: Database) -> None:
    async with database.transaction() as s:
        assert await repo.claim_inbound(s, "telegram", "u1", NOW) is True
        assert await repo.claim_inbound(s, "telegram", "u1", NOW) is False
    async with database.transaction() as s:
        ids = {("telegram", "u1"), ("telegram", "u2"), ("web", "u1")}
        assert await repo.claim_inbound_many(s, ids, NOW) == {("telegram", "u2"), ("web", "u1")}


async def test_first_contact_creates_one_conversation_and_later_ones_find_it(
    database: Database,
) -> None:
    first = await _conversation(database)
    again = await _conversation(database)
    other = await _conversation(database, "c2")
    assert first.id == again.id and first.beneficiary_id == again.beneficiary_id
    assert other.id != first.id and other.beneficiary_id != first.beneficiary_id


async def test_a_transcript_is_the_latest_messages_oldest_first(database: Database) -> None:
    conversation = await _conversation(database)
    async with database.transaction() as s:
        for n in range(5):
            repo.add_message(
                s,
                conversation,
                direction="in" if n % 2 == 0 else "out",
                author="web:c1" if n % 2 == 0 else "bot",
                text=f"m{n}",
                data={"buttons": [{"label": f"b{n}", "payload": f"p{n}"}]} if n % 2 else {},
                case_id=None,
                now=NOW + timedelta(seconds=n),
            )
    async with database.reading() as s:
        assert [m.text for m in await repo.transcript(s, "web", "c1", 3)] == ["m2", "m3", "m4"]
        assert await repo.transcript(s, "web", "nobody", 3) == []
        assert await repo.last_buttons(s, conversation.id) == [{"label": "b3", "payload": "p3"}]


async def test_a_rolled_back_transaction_leaves_no_appended_row(database: Database) -> None:
    conversation = await _conversation(database)
    try:
        async with database.transaction() as s:
            repo.add_outbox(
                s, conversation, body={"text": "x"}, due_at=NOW, now=NOW, delivered=False
            )
            raise RuntimeError("the use case failed after queuing")
    except RuntimeError:
        pass
    async with database.transaction() as s:
        repo.add_outbox(s, conversation, body={"text": "y"}, due_at=NOW, now=NOW, delivered=True)
    async with database.reading() as s:
        rows = (await s.execute(OutboxMessage.__table__.select())).all()
    assert [(r.body["text"], r.state) for r in rows] == [("y", "sent")]


async def test_a_batch_of_first_contacts_is_created_together(database: Database) -> None:
    now = datetime.now(UTC)
    people = [
        ("telegram", "501", "501", "محمد"),
        ("telegram", "502", "502", "سارة"),
        ("telegram", "501", "501", "محمد"),  # the same chat twice in one batch
        ("whatsapp", "966500000001", "966500000001", None),
    ]
    async with database.transaction() as s:
        first = await repo.conversations_for_update_many(s, people, now)
    async with database.transaction() as s:
        again = await repo.conversations_for_update_many(s, people, now)
        # The same person on a new chat of a channel that knows them: their beneficiary.
        group = await repo.conversations_for_update_many(
            s, [("telegram", "-100", "501", "محمد"), ("telegram", "503", "503", None)], now
        )

    assert set(first) == {("telegram", "501"), ("telegram", "502"), ("whatsapp", "966500000001")}
    assert {k: c.id for k, c in first.items()} == {k: c.id for k, c in again.items()}
    beneficiaries = {c.beneficiary_id for c in first.values()}
    assert len(beneficiaries) == 3
    assert group[("telegram", "-100")].beneficiary_id == first[("telegram", "501")].beneficiary_id
    assert group[("telegram", "503")].beneficiary_id not in beneficiaries
