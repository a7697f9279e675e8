"""The learning FAQ's tables: a version raised once per edit, the edits in force, and the
questions kept until an edit handles them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage import faq_learning as store
from storage.db import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _miss(database: Database, chat: str, text: str, org: str = "takatuf") -> None:
    async with database.transaction() as session:
        store.add_miss(
            session,
            org,
            "web",
            chat,
            text=text,
            decision="clarify",
            intent=None,
            score=0.5,
            candidates=[{"intent": "location", "score": 0.5}],
            created_at=NOW,
        )


async def test_every_edit_raises_its_associations_version_by_one(database: Database) -> None:
    async def edit(org: str) -> int:
        async with database.transaction() as session:
            row = await store.add_edit(
                session, org, NOW, kind="negative", actor="cli", questions=["x"]
            )
            return row.version

    # Concurrent edits each get a version of their own, none lost.
    assert sorted(await asyncio.gather(*(edit("takatuf") for _ in range(5)))) == [1, 2, 3, 4, 5]
    assert await edit("qader") == 1
    async with database.reading() as session:
        assert await store.version(session, "takatuf") == 5
        assert await store.version(session, "qader") == 1
        assert await store.version(session, "alhuda") == 0


async def test_what_was_done_next_lands_on_the_chats_latest_question_once(
    database: Database,
) -> None:
    await _miss(database, "amina", "أول سؤال")
    await _miss(database, "amina", "ثاني سؤال")
    await _miss(database, "omar", "سؤال عمر")
    async with database.transaction() as session:
        await store.set_outcome(session, "web", "amina", "picked", "location")
    async with database.transaction() as session:
        await store.set_outcome(session, "web", "amina", "other", None)  # taken already
    async with database.reading() as session:
        found = {
            m.text: (m.outcome, m.outcome_intent)
            for m in await store.open_misses(session, "takatuf")
        }
    assert found == {
        "أول سؤال": (None, None),
        "ثاني سؤال": ("picked", "location"),
        "سؤال عمر": (None, None),
    }


async def test_handled_questions_leave_the_list_and_come_back_when_undone(
    database: Database,
) -> None:
    for text in ("واحد", "اثنان", "ثلاثة"):
        await _miss(database, "amina", text)
    await _miss(database, "amina", "غيرهم", org="qader")
    async with database.transaction() as session:
        ids = [m.id for m in await store.open_misses(session, "takatuf")][:2]
        edit = await store.add_edit(
            session,
            "takatuf",
            NOW + timedelta(minutes=1),
            kind="negative",
            actor="huda",
            questions=["واحد", "اثنان"],
        )
        await store.mark_handled(session, ids, edit.id)
    async with database.reading() as session:
        assert [m.text for m in await store.open_misses(session, "takatuf")] == ["ثلاثة"]
        assert [e.id for e in await store.active_edits(session, "takatuf")] == [edit.id]
    async with database.transaction() as session:
        target = await store.edit_for_update(session, "takatuf", edit.id)
        assert target is not None
        undo = await store.add_edit(
            session, "takatuf", NOW, kind="revert", actor="huda", questions=[], reverts=edit.id
        )
        target.reverted_by = undo.id
        await store.unhandle(session, edit.id)
    async with database.reading() as session:
        assert [m.text for m in await store.open_misses(session, "takatuf")] == [
            "واحد",
            "اثنان",
            "ثلاثة",
        ]
        assert await store.active_edits(session, "takatuf") == []
        assert [e.id for e in await store.edits(session, "takatuf", 10)] == [undo.id, edit.id]
        assert await store.edit_for_update(session, "qader", edit.id) is None
